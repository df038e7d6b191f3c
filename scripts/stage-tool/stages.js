// @ts-check
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { StageError } from "./errors.js";
import ignore from "ignore";
import { walk } from "./fs-tree.js";

export const CONFIG = "demos/stages.json";
const STAGE_DIR = /^(\d\d)-(.+)$/;

/**
 * A stage folder, with its settings from demos/stages.json "stages": `order` = the files of its
 * diff in the order the notes tell them (gitignore patterns), `maxDiffLines` = its diff's size target.
 * @typedef {{
 *   n: number, id: string, name: string, dir: string, title: string, headline: string,
 *   order: string[], maxDiffLines: number | null
 * }} Stage
 */
/** Files a stage adds or changes (repo path -> file in the stage folder), paths it removes, and anything else found there. */
/** @typedef {{ files: Map<string, string>, removed: string[], strays: string[] }} Overlay */
/**
 * @typedef {{
 *   root: string, workingCopy: string[], projectFiles: string[], stages: Stage[],
 *   maxLineWidth: number | null, unknownStages: string[],
 *   ignored: Ignored, overlays: Map<number, Overlay>, bytes: Map<string, Buffer>
 * }} Repo
 */
/** @typedef {(rel: string, isDir: boolean) => boolean} Ignored */

/** The repo root is the nearest folder at or above `cwd` holding demos/stages.json. @param {string} cwd */
export function findRoot(cwd) {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG))) return dir;
    if (dirname(dir) === dir)
      throw new StageError(
        `no ${CONFIG} in ${cwd} or above it; run scripts/stage inside the repo`,
        "NO_ROOT",
      );
  }
}

/** @param {string} root @returns {Repo} */
export function openRepo(root) {
  const { settings, ...config } = readConfig(root);
  const stages = readStages(root).map((stage) => ({
    ...stage,
    ...(settings.get(stage.id) ?? { order: [], maxDiffLines: null }),
  }));
  return {
    root,
    ...config,
    stages,
    unknownStages: [...settings.keys()].filter((id) => !stages.some((s) => s.id === id)),
    ignored: loadIgnore(root),
    overlays: new Map(),
    bytes: new Map(),
  };
}

/** @param {string} root */
function readConfig(root) {
  /** @type {Record<string, unknown>} */
  let json;
  try {
    json = JSON.parse(readFileSync(join(root, CONFIG), "utf8"));
  } catch (err) {
    throw new StageError(
      `cannot read ${CONFIG} (${/** @type {Error} */ (err).message}); fix the file`,
      "BAD_CONFIG",
    );
  }
  /** @param {string} key */
  const paths = (key) => {
    const value = json[key] ?? [];
    if (!Array.isArray(value) || value.some((p) => typeof p !== "string"))
      throw new StageError(`${CONFIG}: "${key}" must be a list of repo paths`, "BAD_CONFIG");
    return value.map((p) => p.replace(/\\/g, "/").replace(/\/+$/, ""));
  };
  const workingCopy = paths("workingCopy");
  if (!workingCopy.length)
    throw new StageError(`${CONFIG}: "workingCopy" lists no paths; add e.g. "app"`, "BAD_CONFIG");
  return {
    workingCopy,
    projectFiles: paths("projectFiles"),
    maxLineWidth: limit(json.maxLineWidth, '"maxLineWidth"'),
    settings: readStageSettings(json.stages ?? {}),
  };
}

/** "stages": { "02-chat-room": { "order": [...], "maxDiffLines": 300 } }, checked. @param {unknown} value */
function readStageSettings(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new StageError(
      `${CONFIG}: "stages" must map stage folders to settings, e.g. { "02-chat-room": { "order": ["party/"] } }`,
      "BAD_CONFIG",
    );
  /** @type {Map<string, { order: string[], maxDiffLines: number | null }>} */
  const settings = new Map();
  for (const [id, entry] of Object.entries(value)) {
    const {
      order = [],
      maxDiffLines,
      ...rest
    } = /** @type {Record<string, unknown>} */ (entry ?? {});
    const where = `${CONFIG}: "stages"."${id}"`;
    if (!Array.isArray(order) || order.some((p) => typeof p !== "string"))
      throw new StageError(`${where}.order must be a list of paths or globs`, "BAD_CONFIG");
    const unknown = Object.keys(rest);
    if (unknown.length)
      throw new StageError(
        `${where} has unknown setting "${unknown[0]}"; expected "order" or "maxDiffLines"`,
        "BAD_CONFIG",
      );
    settings.set(id, { order, maxDiffLines: limit(maxDiffLines, `${where}.maxDiffLines`) });
  }
  return settings;
}

/** An optional positive whole number. @param {unknown} value @param {string} name */
function limit(value, name) {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || Number(value) <= 0)
    throw new StageError(`${CONFIG}: ${name} must be a positive whole number`, "BAD_CONFIG");
  return Number(value);
}

/**
 * The root .gitignore, read by the `ignore` package (git's rules, `!` included), so build output
 * (public/build, .cache) never ends up in a stage, a backup, a branch or an export.
 * @param {string} root @returns {Ignored}
 */
export function loadIgnore(root) {
  let text = "";
  try {
    text = readFileSync(join(root, ".gitignore"), "utf8");
  } catch {}
  const rules = ignore().add(text).add("node_modules/");
  return (rel, isDir) => rules.ignores(isDir ? `${rel}/` : rel);
}

/** The stage folders demos/NN-name, in order. @param {string} root */
function readStages(root) {
  /** @type {Omit<Stage, "order" | "maxDiffLines">[]} */
  const stages = [];
  for (const entry of readdirSync(join(root, "demos"), { withFileTypes: true })) {
    const match = entry.isDirectory() && STAGE_DIR.exec(entry.name);
    if (!match) continue;
    const n = Number(match[1]);
    const dir = join(root, "demos", entry.name);
    const { title, headline } = parseNotes(readNotes(dir) ?? "");
    stages.push({
      n,
      id: entry.name,
      name: match[2],
      dir,
      title: title || `Stage ${n}: ${match[2]}`,
      headline,
    });
  }
  stages.sort((a, b) => a.n - b.n);
  if (!stages.length)
    throw new StageError("no stages in demos/; add folders like demos/01-local-chat/", "NO_STAGES");
  const twin = stages.find((s, i) => i > 0 && stages[i - 1].n === s.n);
  if (twin)
    throw new StageError(
      `two stage folders are numbered ${twin.id.slice(0, 2)} in demos/; renumber one`,
      "DUPLICATE_STAGE",
    );
  return stages;
}

/** The presenter notes of a stage folder, or null. @param {string} dir */
export function readNotes(dir) {
  try {
    return readFileSync(join(dir, "README.md"), "utf8");
  } catch {
    return null;
  }
}

/** Title = the first `# ` heading; headline = the paragraph after it. @param {string} text */
export function parseNotes(text) {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((line) => line.startsWith("# "));
  if (at < 0) return { title: "", headline: "" };
  const rest = lines.slice(at + 1);
  const start = rest.findIndex((line) => line.trim());
  const end = rest.findIndex((line, i) => i > start && (!line.trim() || line.startsWith("#")));
  const paragraph =
    start < 0 || rest[start].startsWith("#") ? [] : rest.slice(start, end < 0 ? undefined : end);
  return { title: lines[at].slice(2).trim(), headline: paragraph.map((l) => l.trim()).join(" ") };
}

/** Finds a stage by `2`, `02`, `chat-room` or `02-chat-room`. @param {Repo} repo @param {string | number} ref */
export function resolveStage(repo, ref) {
  const text = String(ref);
  const stage = /^\d+$/.test(text)
    ? repo.stages.find((s) => s.n === Number(text))
    : repo.stages.find((s) => s.name === text || s.id === text);
  if (!stage)
    throw new StageError(
      `unknown stage "${text}"; expected one of: ${stageChoices(repo)}`,
      "UNKNOWN_STAGE",
    );
  return stage;
}

/** @param {Repo} repo */
export const stageChoices = (repo) => repo.stages.map((s) => `${s.n} ${s.name}`).join(", ");

/** @param {Repo} repo @param {Stage} stage */
export const previousStage = (repo, stage) => repo.stages[repo.stages.indexOf(stage) - 1] ?? null;

/** @param {Repo} repo @param {string} path */
export const inWorkingCopy = (repo, path) => repo.workingCopy.some((root) => covers(root, path));

/** True when removing `entry` removes `path` (the same file, or a folder holding it). @param {string} entry @param {string} path */
export const covers = (entry, path) => path === entry || path.startsWith(`${entry}/`);

/** @param {Repo} repo @param {Stage} stage @returns {Overlay} */
export function readOverlay(repo, stage) {
  const cached = repo.overlays.get(stage.n);
  if (cached) return cached;
  const files = new Map();
  const strays = [];
  for (const path of walk(stage.dir, "", repo.ignored)) {
    if (path === "README.md" || path === "removed.txt") continue;
    if (inWorkingCopy(repo, path)) files.set(path, join(stage.dir, path));
    else strays.push(path);
  }
  const overlay = { files, removed: readRemoved(stage.dir).entries, strays };
  repo.overlays.set(stage.n, overlay);
  return overlay;
}

/** removed.txt: one repo path a line; `#` comments and blank lines allowed. @param {string} dir */
export function readRemoved(dir) {
  let text = "";
  try {
    text = readFileSync(join(dir, "removed.txt"), "utf8");
  } catch {}
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  return {
    comments: lines.filter((line) => line.startsWith("#")),
    entries: lines
      .filter((line) => line && !line.startsWith("#"))
      .map((p) => p.replace(/\\/g, "/").replace(/\/+$/, "")),
  };
}

/** Rewrites removed.txt, keeping its comments; deletes it when nothing is removed. @param {string} dir @param {string[]} entries */
export function writeRemoved(dir, entries) {
  const file = join(dir, "removed.txt");
  if (!entries.length) return rmSync(file, { force: true });
  writeFileSync(file, [...readRemoved(dir).comments, ...entries].join("\n") + "\n");
}

/**
 * Which file each path of stage `stage` comes from: stages 1..N applied in order
 * (overlay files, then removals). Reads no file contents.
 * @param {Repo} repo @param {Stage | null} stage @returns {Map<string, string>}
 */
export function stageSources(repo, stage) {
  /** @type {Map<string, string>} */
  const sources = new Map();
  for (const s of repo.stages) {
    if (!stage || s.n > stage.n) break;
    const { files, removed } = readOverlay(repo, s);
    for (const [path, file] of files) sources.set(path, file);
    for (const entry of removed)
      for (const path of sources.keys()) if (covers(entry, path)) sources.delete(path);
  }
  return new Map([...sources].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Stage N's working copy: repo path -> bytes (null = before stage 1: empty). @param {Repo} repo @param {Stage | null} stage */
export function materialize(repo, stage) {
  return new Map(
    [...stageSources(repo, stage)].map(([path, file]) => [path, readBytes(repo, file)]),
  );
}

/** Reads a file once per run (switching materializes two stages that share most files). @param {Repo} repo @param {string} file */
export function readBytes(repo, file) {
  let bytes = repo.bytes.get(file);
  if (!bytes) repo.bytes.set(file, (bytes = readFileSync(file)));
  return bytes;
}

/** Forget cached stage folders after writing into them. @param {Repo} repo */
export function forgetCache(repo) {
  repo.overlays.clear();
  repo.bytes.clear();
}
