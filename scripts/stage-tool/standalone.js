// @ts-check
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { StageError } from "./errors.js";
import { walk } from "./fs-tree.js";
import { stageSources } from "./stages.js";

/** @typedef {import('./stages.js').Repo} Repo */
/** @typedef {import('./stages.js').Stage} Stage */

/**
 * Where each file of stage N as a standalone project comes from: the shared project
 * files (package.json, configs...), the stage's working copy, and README.md = its notes.
 * @param {Repo} repo @param {Stage} stage @returns {Map<string, string>}
 */
export function standaloneSources(repo, stage) {
  const sources = new Map();
  for (const entry of repo.projectFiles)
    for (const path of walk(repo.root, entry, repo.ignored))
      sources.set(path, join(repo.root, path));
  for (const [path, file] of stageSources(repo, stage)) sources.set(path, file);
  const notes = join(stage.dir, "README.md");
  if (existsSync(notes)) sources.set("README.md", notes);
  return new Map([...sources].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Writes stage N as a standalone project into `dest`. A non-empty `dest` needs `force`,
 * which replaces everything in it except node_modules (so `npm install` survives).
 * @param {Repo} repo @param {Stage} stage @param {string} dest @param {{ force?: boolean }} [options]
 */
export function exportStage(repo, stage, dest, { force = false } = {}) {
  const target = resolve(dest);
  /** @param {string} outer @param {string} inner */
  const within = (outer, inner) =>
    !relative(outer, inner).startsWith("..") && !isAbsolute(relative(outer, inner));
  if (
    within(target, repo.root) ||
    ["demos", ...repo.workingCopy].some((p) => within(join(repo.root, p), target))
  )
    throw new StageError(
      `cannot export into ${dest}: it would overwrite the repo; pick a folder outside it`,
      "DEST_IS_REPO",
    );
  const existing = existsSync(target)
    ? readdirSync(target).filter((name) => name !== "node_modules")
    : [];
  if (existing.length && !force)
    throw new StageError(
      `${dest} is not empty; pass --force to replace its contents (node_modules is kept)`,
      "DEST_NOT_EMPTY",
    );
  const sources = standaloneSources(repo, stage);
  for (const name of existing) rmSync(join(target, name), { recursive: true, force: true });
  for (const [path, file] of sources) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    copyFileSync(file, join(target, path));
  }
  return { dest: target, files: [...sources.keys()] };
}
