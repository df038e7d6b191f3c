// @ts-check
// What `partykit dev` serves: a snapshot of the parties and the Remix server build, updated only
// after a build, all files at once. partykit dev watches every file it bundles and reloads on each
// change; pointed at the live tree it would reload mid-switch, on half-written stages.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";

const SOURCES = ["party", "app"];

/**
 * Brings the snapshot in `dir` in line with the project in `root`. Returns the files that changed and
 * the parties it declares. Its partykit.json has no "serve": the dev server serves public/ itself, so
 * new Remix assets never reload workerd.
 * @param {string} root @param {string} dir
 */
export function syncSnapshot(root, dir) {
  const config = JSON.parse(readFileSync(join(root, "partykit.json"), "utf8"));
  delete config.serve;
  /** @type {Map<string, Buffer>} */
  const wanted = new Map();
  // The parties, and the app they import from (the room list, app/rooms.ts).
  for (const path of SOURCES.flatMap((source) => listFiles(root, source)))
    wanted.set(path, readFileSync(join(root, path)));
  wanted.set("build/index.js", readFileSync(join(root, "build/index.js")));
  wanted.set("partykit.json", Buffer.from(JSON.stringify(config, null, 2)));

  const changed = [];
  for (const [path, contents] of wanted) {
    const target = join(dir, path);
    if (existsSync(target) && readFileSync(target).equals(contents)) continue;
    mkdirSync(dirname(target), { recursive: true });
    // Written whole, then renamed: partykit's watcher never reads half a file.
    writeFileSync(`${target}.tmp`, contents);
    renameSync(`${target}.tmp`, target);
    changed.push(path);
  }
  for (const path of SOURCES.flatMap((source) => listFiles(dir, source))) {
    if (wanted.has(path)) continue;
    rmSync(join(dir, path));
    changed.push(path);
  }
  return { changed, parties: partiesKey(config) };
}

/** The parties partykit.json declares, as a string to compare; null while it does not parse. @param {string} root */
export function readParties(root) {
  try {
    return partiesKey(JSON.parse(readFileSync(join(root, "partykit.json"), "utf8")));
  } catch {
    return null;
  }
}

/** @param {{ parties?: Record<string, string> }} config */
const partiesKey = (config) => JSON.stringify(config.parties ?? {});

/** Every file under `base/dir`, as paths relative to `base`. @param {string} base @param {string} dir @returns {string[]} */
function listFiles(base, dir) {
  if (!existsSync(join(base, dir))) return [];
  return readdirSync(join(base, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(base, `${dir}/${entry.name}`) : [`${dir}/${entry.name}`],
  );
}
