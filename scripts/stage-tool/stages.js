// @ts-check
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { StageError } from "./errors.js";
import { walk } from "./fs-tree.js";
import { loadIgnore } from "./ignore.js";

export const CONFIG = "demos/stages.json";
const STAGE_DIR = /^(\d\d)-(.+)$/;

/** @typedef {{ n: number, id: string, name: string, dir: string, title: string, headline: string }} Stage */
/** Files a stage adds or changes (repo path -> file in the stage folder), paths it removes, and anything else found there. */
/** @typedef {{ files: Map<string, string>, removed: string[], strays: string[] }} Overlay */
/**
 * @typedef {{
 *   root: string, workingCopy: string[], projectFiles: string[], stages: Stage[],
 *   ignored: import('./ignore.js').Ignored, overlays: Map<number, Overlay>, bytes: Map<string, Buffer>
 * }} Repo
 */

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
  return {
    root,
    ...readConfig(root),
    stages: readStages(root),
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
  return { workingCopy, projectFiles: paths("projectFiles") };
}

/** The stage folders demos/NN-name, in order. @param {string} root @returns {Stage[]} */
function readStages(root) {
  /** @type {Stage[]} */
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
