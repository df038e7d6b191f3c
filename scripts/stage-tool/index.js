// @ts-check
// The stage tool as a library, for test harnesses: every function takes the repo root
// (the folder holding demos/stages.json; findRoot(cwd) finds it) and a stage ref (2, "02", "chat-room").
import { buildBranches } from "./git-branches.js";
import { exportStage as exportInto } from "./standalone.js";
import * as stages from "./stages.js";
import { goToStage } from "./switch.js";
import { readWorkingCopy as readTree } from "./working-copy.js";

export { StageError } from "./errors.js";
export { findRoot } from "./stages.js";

/** @param {string} root @returns {{ n: number, name: string, id: string, dir: string, title: string, headline: string }[]} */
export const listStages = (root) => stages.openRepo(root).stages;

/** Stage N's working-copy files: repo-relative POSIX path -> bytes. @param {string} root @param {string | number} n */
export function materialize(root, n) {
  const repo = stages.openRepo(root);
  return stages.materialize(repo, stages.resolveStage(repo, n));
}

/** Writes stage N as a standalone project (project files + stage files + README.md notes) into `dest`. @param {string} root @param {string | number} n @param {string} dest @param {{ force?: boolean }} [options] */
export function exportStage(root, n, dest, options) {
  const repo = stages.openRepo(root);
  return exportInto(repo, stages.resolveStage(repo, n), dest, options);
}

/** Makes the working copy stage N (same as `scripts/stage N`). @param {string} root @param {string | number} n @param {{ force?: boolean }} [options] */
export const switchStage = (root, n, options) => goToStage(stages.openRepo(root), n, options);

/** The working copy's files: repo-relative POSIX path -> bytes. @param {string} root */
export const readWorkingCopy = (root) => readTree(stages.openRepo(root));

/** Creates or updates branches demo-01.. (see `scripts/stage branches`). @param {string} root */
export const createBranches = (root) => buildBranches(stages.openRepo(root));
