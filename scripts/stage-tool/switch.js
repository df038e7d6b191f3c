// @ts-check
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyTree, compareTrees, countChanges } from "./fs-tree.js";
import { backupEdits, backupTree, latestBackup } from "./backups.js";
import { materialize, resolveStage } from "./stages.js";
import { STATE_DIR, readStatus, requireStateDir, setCurrentStage } from "./working-copy.js";

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
  const changes = asOneSwitch(repo, target, () => {
    const written = applyTree(repo.root, workingCopy, goal);
    setCurrentStage(repo, target);
    return written;
  });
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
  asOneSwitch(repo, backup.stage, () => {
    applyTree(repo.root, workingCopy, goal);
    setCurrentStage(repo, backup.stage);
  });
  return { backup, already: false, saved, changes };
}

/**
 * Runs the writes of one switch between .stage/switching appearing and disappearing, so a running
 * `npm run dev` (scripts/dev/watch.js) builds once, after the last file, instead of once per file.
 * @template T @param {Repo} repo @param {import('./stages.js').Stage} target @param {() => T} write
 */
function asOneSwitch(repo, target, write) {
  const marker = join(repo.root, STATE_DIR, "switching");
  mkdirSync(join(repo.root, STATE_DIR), { recursive: true });
  writeFileSync(marker, JSON.stringify({ pid: process.pid, to: target.id }));
  try {
    return write();
  } finally {
    rmSync(marker, { force: true });
  }
}
