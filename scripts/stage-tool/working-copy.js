// @ts-check
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StageError } from "./errors.js";
import { compareTrees, readFiles, walk } from "./fs-tree.js";
import { materialize, resolveStage } from "./stages.js";

/** @typedef {import('./stages.js').Repo} Repo */
/** @typedef {import('./stages.js').Stage} Stage */

export const STATE_DIR = ".stage";
const CURRENT = `${STATE_DIR}/current`;

/** The working-copy files (demos/stages.json "workingCopy") as a tree. @param {Repo} repo */
export function readWorkingCopy(repo) {
  return readFiles(
    repo.root,
    repo.workingCopy.flatMap((path) => walk(repo.root, path, repo.ignored)),
  );
}

/** The stage the working copy claims to be: .stage/current, else the last stage (what git has). @param {Repo} repo */
export function currentStage(repo) {
  let ref;
  try {
    ref = readFileSync(join(repo.root, CURRENT), "utf8").trim();
  } catch {
    return repo.stages[repo.stages.length - 1];
  }
  try {
    return resolveStage(repo, ref);
  } catch {
    throw new StageError(
      `${CURRENT} names stage "${ref}", which demos/ lacks; delete ${CURRENT} (the working copy then counts as the last stage)`,
      "BAD_CURRENT",
    );
  }
}

/** @param {Repo} repo @param {Stage} stage */
export function setCurrentStage(repo, stage) {
  mkdirSync(join(repo.root, STATE_DIR), { recursive: true });
  writeFileSync(join(repo.root, CURRENT), `${stage.id}\n`);
}

/** The claimed stage, the working copy, and the user's edits relative to that stage. @param {Repo} repo */
export function readStatus(repo) {
  const stage = currentStage(repo);
  const workingCopy = readWorkingCopy(repo);
  return { stage, workingCopy, edits: compareTrees(materialize(repo, stage), workingCopy) };
}

/** Fails before any write if the tool could not record its state afterwards. @param {Repo} repo */
export function requireStateDir(repo) {
  try {
    if (!statSync(join(repo.root, STATE_DIR)).isDirectory())
      throw new StageError(
        `${STATE_DIR} is a file, not a folder; move it away so scripts/stage can keep its state there`,
        "STATE_DIR",
      );
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== "ENOENT") throw err;
  }
}
