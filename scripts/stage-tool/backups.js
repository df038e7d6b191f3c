// @ts-check
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StageError } from "./errors.js";
import { countChanges, writeFile } from "./fs-tree.js";
import { materialize, resolveStage } from "./stages.js";
import { STATE_DIR } from "./working-copy.js";

/** @typedef {import('./stages.js').Repo} Repo */
/** @typedef {import('./stages.js').Stage} Stage */
/** @typedef {ReturnType<import('./fs-tree.js').compareTrees>} Changes */

export const BACKUPS = `${STATE_DIR}/backups`;

/**
 * Saves the files that differ from `stage` into .stage/backups/<time>/, with a manifest
 * that says what was changed, added and deleted, so restore can rebuild the exact tree.
 * Cleans up after itself if any write fails, so a failed backup changes nothing.
 * @param {Repo} repo @param {Stage} stage @param {Map<string, Buffer>} workingCopy @param {Changes} edits
 * @param {{ canForce?: boolean }} [options]
 */
export function backupEdits(repo, stage, workingCopy, edits, { canForce = false } = {}) {
  const stamp = new Date().toISOString().replace(/:/g, "-");
  let name = stamp;
  for (let i = 1; existsSync(join(repo.root, BACKUPS, name)); i++) name = `${stamp}-${i}`;
  const dir = join(repo.root, BACKUPS, name);
  let created = false;
  try {
    mkdirSync(dir, { recursive: true });
    created = true;
    for (const path of [...edits.changed, ...edits.added])
      writeFile(dir, `files/${path}`, /** @type {Buffer} */ (workingCopy.get(path)));
    const manifest = { stage: stage.id, time: new Date().toISOString(), ...edits };
    writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (err) {
    if (created) rmSync(dir, { recursive: true, force: true });
    const reason =
      /** @type {NodeJS.ErrnoException} */ (err).code ?? /** @type {Error} */ (err).message;
    const fix = canForce
      ? "; make .stage/ a writable folder, or pass --force to discard the edits"
      : "; make .stage/ a writable folder";
    throw new StageError(
      `cannot back up ${countChanges(edits)} edited files to ${BACKUPS}/ (${reason})${fix}`,
      "BACKUP_FAILED",
    );
  }
  return `${BACKUPS}/${name}`;
}

/** The newest backup and the stage it was taken at. @param {Repo} repo */
export function latestBackup(repo) {
  /** @type {string[]} */
  let names = [];
  try {
    names = readdirSync(join(repo.root, BACKUPS)).filter((n) =>
      existsSync(join(repo.root, BACKUPS, n, "manifest.json")),
    );
  } catch {}
  const name = names.sort().at(-1);
  if (!name) throw new StageError(`no backups in ${BACKUPS}/; nothing to restore`, "NO_BACKUP");
  const dir = join(repo.root, BACKUPS, name);
  /** @type {Changes & { stage: string }} */
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  return { path: `${BACKUPS}/${name}`, dir, manifest, stage: resolveStage(repo, manifest.stage) };
}

/** The working copy as it was at backup time: the stage, minus deletions, plus the saved files. @param {Repo} repo @param {ReturnType<typeof latestBackup>} backup */
export function backupTree(repo, backup) {
  const tree = materialize(repo, backup.stage);
  for (const path of backup.manifest.deleted) tree.delete(path);
  for (const path of [...backup.manifest.changed, ...backup.manifest.added])
    tree.set(path, readFileSync(join(backup.dir, "files", path)));
  return tree;
}
