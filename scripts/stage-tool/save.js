// @ts-check
import { carryForward, requireGit, snapshotBases } from "./carry-forward.js";
import { StageError } from "./errors.js";
import { compareTrees, countChanges, removeFile, writeFile } from "./fs-tree.js";
import {
  covers,
  forgetCache,
  materialize,
  previousStage,
  readBytes,
  readOverlay,
  writeRemoved,
} from "./stages.js";
import { currentStage, readWorkingCopy } from "./working-copy.js";

/** @typedef {import('./stages.js').Repo} Repo */
/** @typedef {import('./stages.js').Stage} Stage */

/**
 * Writes the working copy into the current stage's folder as a minimal overlay:
 * a file is in the folder only if it differs from the previous stage, and removed.txt
 * lists exactly the previous stage's files that the working copy lacks. Then, unless
 * `forward` is false, carries the change into later stages' own copies (carry-forward.js).
 * @param {Repo} repo @param {{ forward?: boolean }} [options]
 */
export function saveEdits(repo, { forward = true } = {}) {
  const stage = currentStage(repo);
  const bases = forward ? snapshotBases(repo, stage) : new Map();
  const base = materialize(repo, previousStage(repo, stage));
  const workingCopy = readWorkingCopy(repo);
  const edits = compareTrees(materialize(repo, stage), workingCopy);
  const overlay = readOverlay(repo, stage);
  if (forward && laterOverrides(repo, stage, edits).length) requireGit();

  const wanted = new Map(
    [...workingCopy].filter(([path, bytes]) => !base.get(path)?.equals(bytes)),
  );
  const write = [...wanted.keys()].filter((path) => {
    const file = overlay.files.get(path);
    return !file || !readBytes(repo, file).equals(/** @type {Buffer} */ (wanted.get(path)));
  });
  const drop = [...overlay.files.keys()].filter((path) => !wanted.has(path));
  const removed = planRemoved(overlay.removed, base, workingCopy);

  for (const path of drop) removeFile(stage.dir, path);
  for (const path of write) writeFile(stage.dir, path, /** @type {Buffer} */ (wanted.get(path)));
  if (removed.changed) writeRemoved(stage.dir, removed.entries);

  forgetCache(repo);
  if (countChanges(compareTrees(materialize(repo, stage), workingCopy)))
    throw new StageError(
      `internal error: demos/${stage.id} does not reproduce the working copy after saving; run scripts/stage check`,
      "SAVE_MISMATCH",
    );
  const carried = forward
    ? carryForward(repo, stage, bases)
    : { updates: [], warnings: laterOverrides(repo, stage, edits), conflict: null };
  return {
    stage,
    edits,
    created: write.filter((path) => !overlay.files.has(path)),
    updated: write.filter((path) => overlay.files.has(path)),
    unneeded: drop.filter((path) => workingCopy.has(path)), // now equal to the previous stage's copy
    deleted: drop.filter((path) => !workingCopy.has(path)),
    removedAdded: removed.added,
    removedDropped: removed.dropped,
    ...carried,
  };
}

/**
 * removed.txt entries: the previous stage's files the working copy lacks. Folder entries
 * that still hold are kept as written; the order of an unchanged list is left alone.
 * @param {string[]} old @param {Map<string, Buffer>} base @param {Map<string, Buffer>} workingCopy
 */
function planRemoved(old, base, workingCopy) {
  const gone = [...base.keys()].filter((path) => !workingCopy.has(path));
  const folders = old.filter(
    (entry) =>
      !base.has(entry) &&
      gone.some((p) => covers(entry, p)) &&
      ![...workingCopy.keys()].some((p) => covers(entry, p)),
  );
  const entries = [...folders, ...gone.filter((p) => !folders.some((f) => covers(f, p)))].sort();
  const added = entries.filter((e) => !old.includes(e));
  const dropped = old.filter((e) => !entries.includes(e));
  return { entries, added, dropped, changed: added.length + dropped.length > 0 };
}

/** Later stages with their own copy of (or a removal of) an edited file: the edit won't reach them. @param {Repo} repo @param {Stage} stage @param {ReturnType<typeof compareTrees>} edits */
function laterOverrides(repo, stage, edits) {
  const warnings = [];
  for (const path of [...edits.changed, ...edits.added, ...edits.deleted].sort()) {
    for (const later of repo.stages.filter((s) => s.n > stage.n)) {
      const { files, removed } = readOverlay(repo, later);
      const what = files.has(path)
        ? "has its own"
        : removed.some((entry) => covers(entry, path))
          ? "removes"
          : null;
      if (!what) continue;
      warnings.push(
        `stage ${later.n} ${what} ${path}: this fix does not reach it; run scripts/stage ${later.n} and port it`,
      );
      break; // the stages after it inherit from it
    }
  }
  return warnings;
}
