// @ts-check
// A fix saved at stage s reaches the later stages that keep their own copy of the file: each copy
// gets the change by a three-way merge (git merge-file), the way a rebase replays a commit.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StageError } from "./errors.js";
import { removeFile, writeFile } from "./fs-tree.js";
import {
  covers,
  forgetCache,
  materialize,
  previousStage,
  readBytes,
  readOverlay,
  writeRemoved,
} from "./stages.js";

/** @typedef {import('./stages.js').Repo} Repo */
/** @typedef {import('./stages.js').Stage} Stage */
/** @typedef {Map<string, Buffer>} Tree */

/**
 * Every stage after `stage` as the stage before it materializes now: the merge bases.
 * Take it before saving. @param {Repo} repo @param {Stage} stage @returns {Map<number, Tree>}
 */
export function snapshotBases(repo, stage) {
  return new Map(
    repo.stages
      .filter((s) => s.n > stage.n)
      .map((s) => [s.n, materialize(repo, previousStage(repo, s))]),
  );
}

/**
 * Carries what the save changed into each later stage, in order, so a chain 2 -> 3 -> 5 carries
 * through: for stage k, base = stage k-1 before the save, theirs = stage k-1 now, ours = stage k's
 * own copy. A merged copy equal to stage k-1's is deleted (overlays hold only changes); removed.txt
 * lines that no longer remove anything are dropped. Stops at the first conflict, leaving git's
 * markers in that stage's file.
 * @param {Repo} repo @param {Stage} stage the stage just saved @param {Map<number, Tree>} bases from snapshotBases
 */
export function carryForward(repo, stage, bases) {
  /** @type {{ stage: Stage, path: string, how: "merged" | "unneeded" | "unremoved" }[]} */
  const updates = [];
  /** @type {string[]} */
  const warnings = [];
  for (const later of repo.stages.filter((s) => s.n > stage.n)) {
    forgetCache(repo);
    const before = /** @type {Tree} */ (bases.get(later.n));
    const after = materialize(repo, previousStage(repo, later));
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (path) => !sameBytes(before.get(path), after.get(path)),
    );
    if (!changed.length) break; // stage k-1 is as it was, so stage k and all after it are too
    const { files, removed } = readOverlay(repo, later);
    const where = `demos/${later.id}`;
    for (const path of changed) {
      const file = files.get(path);
      if (!file) continue; // stage k inherits the file (or removes it): nothing to carry
      const theirs = after.get(path);
      const ours = readBytes(repo, file);
      if (!theirs) {
        warnings.push(
          `stage ${later.n} has its own ${path}, so it is back from stage ${later.n} on; delete ${where}/${path} if it should go`,
        );
        continue;
      }
      const base = before.get(path) ?? Buffer.alloc(0);
      if ([ours, base, theirs].some(isBinary)) {
        warnings.push(
          `stage ${later.n} has its own ${path}, a binary file git cannot merge; run scripts/stage ${later.n} and port the change`,
        );
        continue;
      }
      const labels = [
        `stage ${later.n}`,
        `stage ${later.n - 1} before`,
        later.n - 1 === stage.n
          ? `stage ${stage.n} with the fix`
          : `stage ${later.n - 1} with the fix from stage ${stage.n}`,
      ];
      const { merged, conflicts } = mergeFile(ours, base, theirs, labels);
      if (conflicts) {
        writeFile(later.dir, path, merged);
        forgetCache(repo);
        for (const next of repo.stages.filter((s) => s.n > later.n))
          for (const own of changed.filter((p) => readOverlay(repo, next).files.has(p)))
            warnings.push(
              `stage ${next.n} has its own ${own} and was not updated; port the change there by hand`,
            );
        return { updates, warnings, conflict: { stage: later, path: `${where}/${path}` } };
      }
      if (merged.equals(theirs)) {
        removeFile(later.dir, path);
        updates.push({ stage: later, path, how: "unneeded" });
      } else if (!merged.equals(ours)) {
        writeFile(later.dir, path, merged);
        updates.push({ stage: later, path, how: "merged" });
      }
    }
    // A removal of what stage k-1 no longer has would fail check: drop that line.
    const stale = removed.filter(
      (entry) =>
        [...before.keys()].some((p) => covers(entry, p)) &&
        ![...after.keys()].some((p) => covers(entry, p)),
    );
    if (stale.length) {
      writeRemoved(
        later.dir,
        removed.filter((entry) => !stale.includes(entry)),
      );
      for (const entry of stale) updates.push({ stage: later, path: entry, how: "unremoved" });
    }
  }
  forgetCache(repo);
  return { updates, warnings, conflict: null };
}

/** @param {Buffer | undefined} a @param {Buffer | undefined} b */
const sameBytes = (a, b) => (a && b ? a.equals(b) : a === b);

/** git's test: a NUL byte in the first 8000 bytes. @param {Buffer} bytes */
const isBinary = (bytes) => bytes.subarray(0, 8000).includes(0);

/** Fails before save writes anything when git, needed for the merges, is missing. */
export function requireGit() {
  const result = spawnSync("git", ["--version"]);
  if (result.error || result.status !== 0)
    throw new StageError(
      "git not found on PATH, and save merges with git merge-file; install git, or save with --no-forward and port the change by hand",
      "NO_GIT",
    );
}

/**
 * `git merge-file -p ours base theirs`: the merge, with standard conflict markers where both
 * sides changed the same lines. @param {Buffer} ours @param {Buffer} base @param {Buffer} theirs
 * @param {string[]} labels ours, base, theirs (shown in the markers)
 */
export function mergeFile(ours, base, theirs, labels) {
  const dir = mkdtempSync(join(tmpdir(), "stage-merge-"));
  try {
    const files = ["ours", "base", "theirs"].map((name) => join(dir, name));
    [ours, base, theirs].forEach((bytes, i) => writeFileSync(files[i], bytes));
    const result = spawnSync(
      "git",
      ["merge-file", "-p", ...labels.flatMap((l) => ["-L", l]), ...files],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (result.error || result.status === null || result.status > 127)
      throw new StageError(
        `git merge-file failed (${result.error?.message ?? result.stderr.toString().trim()}); ` +
          "install git, or save with --no-forward and port the change by hand",
        "MERGE_FAILED",
      );
    return { merged: result.stdout, conflicts: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
