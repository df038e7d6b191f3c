// @ts-check
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";

/** A file tree: repo-relative POSIX path -> bytes. */
/** @typedef {Map<string, Buffer>} Tree */

/**
 * Lists the files under `root/rel` as POSIX paths relative to `root`.
 * A missing path yields nothing; a file yields itself.
 * @param {string} root
 * @param {string} rel
 * @param {(rel: string, isDir: boolean) => boolean} [skip]
 * @param {string[]} [out]
 */
export function walk(root, rel, skip = () => false, out = []) {
  let entries;
  try {
    entries = readdirSync(join(root, rel), { withFileTypes: true });
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    if (code === "ENOENT") return out;
    if (code === "ENOTDIR" && rel) {
      out.push(rel); // a single-file path such as partykit.json
      return out;
    }
    throw err;
  }
  for (const entry of entries) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (skip(path, entry.isDirectory())) continue;
    if (entry.isDirectory()) walk(root, path, skip, out);
    else out.push(path);
  }
  return out;
}

/** @param {string} root @param {string[]} paths @returns {Tree} */
export function readFiles(root, paths) {
  return new Map(paths.sort().map((p) => [p, readFileSync(join(root, p))]));
}

/** Writes a file, creating its folders. @param {string} root @param {string} rel @param {Buffer} bytes */
export function writeFile(root, rel, bytes) {
  const abs = join(root, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, bytes);
}

/** Deletes a file and then any folders it leaves empty (never `root` itself). @param {string} root @param {string} rel */
export function removeFile(root, rel) {
  rmSync(join(root, rel), { force: true });
  for (let dir = posix.dirname(rel); dir !== "."; dir = posix.dirname(dir)) {
    try {
      rmdirSync(join(root, dir));
    } catch {
      return; // not empty (or already gone): stop climbing
    }
  }
}

/**
 * What changes turn tree `from` into tree `to`.
 * @param {Tree} from @param {Tree} to
 */
export function compareTrees(from, to) {
  /** @type {{ added: string[], changed: string[], deleted: string[] }} */
  const result = { added: [], changed: [], deleted: [] };
  for (const [path, bytes] of to) {
    const old = from.get(path);
    if (!old) result.added.push(path);
    else if (!old.equals(bytes)) result.changed.push(path);
  }
  for (const path of from.keys()) if (!to.has(path)) result.deleted.push(path);
  for (const list of Object.values(result)) list.sort();
  return result;
}

/** @param {{ added: string[], changed: string[], deleted: string[] }} c */
export const countChanges = (c) => c.added.length + c.changed.length + c.deleted.length;

/**
 * Makes the files of `root` under the working-copy paths equal `to`, touching only
 * files whose bytes change (so a dev server reloads only what changed).
 * @param {string} root @param {Tree} from current files @param {Tree} to wanted files
 */
export function applyTree(root, from, to) {
  const changes = compareTrees(from, to);
  // Delete first so a path can turn from a file into a folder (or back).
  for (const path of changes.deleted) removeFile(root, path);
  for (const path of [...changes.added, ...changes.changed])
    writeFile(root, path, /** @type {Buffer} */ (to.get(path)));
  return changes;
}
