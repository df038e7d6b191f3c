// @ts-check
import { applyTree, compareTrees, countChanges } from "./fs-tree.js";
import { backupEdits, backupTree, latestBackup } from "./backups.js";
import { materialize, resolveStage } from "./stages.js";
import { readStatus, requireStateDir, setCurrentStage } from "./working-copy.js";

/** @typedef {import('./stages.js').Repo} Repo */

/**
 * Makes the working copy stage `ref`. Edits relative to the claimed stage are backed up
 * first unless `force`; everything is read and checked before the first write.
 * @param {Repo} repo @param {string | number} ref @param {{ force?: boolean }} [options]
 */
export function goToStage(repo, ref, { force = false } = {}) {
  const target = resolveStage(repo, ref);
  const { stage: from, workingCopy, edits } = readStatus(repo);
  const dirty = countChanges(edits) > 0;
  if (target === from && !dirty)
    return {
      target,
      from,
      already: true,
      backup: null,
      discarded: 0,
      changes: compareTrees(workingCopy, workingCopy),
    };
  const goal = materialize(repo, target);
  requireStateDir(repo);
  const backup =
    dirty && !force ? backupEdits(repo, from, workingCopy, edits, { canForce: true }) : null;
  const changes = applyTree(repo.root, workingCopy, goal);
  setCurrentStage(repo, target);
  return {
    target,
    from,
    already: false,
    backup,
    discarded: dirty && force ? countChanges(edits) : 0,
    changes,
  };
}

/**
 * Brings back the latest backup. Current edits are backed up first (never lose anything),
 * so running restore again swaps back.
 * @param {Repo} repo
 */
export function restoreBackup(repo) {
  const backup = latestBackup(repo);
  const goal = backupTree(repo, backup);
  const { stage, workingCopy, edits } = readStatus(repo);
  const changes = compareTrees(workingCopy, goal);
  if (stage === backup.stage && !countChanges(changes))
    return { backup, already: true, saved: null, changes };
  requireStateDir(repo);
  const saved = countChanges(edits) ? backupEdits(repo, stage, workingCopy, edits) : null;
  applyTree(repo.root, workingCopy, goal);
  setCurrentStage(repo, backup.stage);
  return { backup, already: false, saved, changes };
}
