// @ts-check
import {
  covers,
  inWorkingCopy,
  materialize,
  parseNotes,
  readBytes,
  readNotes,
  readOverlay,
} from "./stages.js";
import { diffTrees, matcher, measure } from "./stage-diff.js";
import { readStatus } from "./working-copy.js";

/** @typedef {import('./stages.js').Repo} Repo */

/**
 * Every problem with demos/ and the working copy, as sentences that name the fix, and the size
 * of each stage's diff against the one before (test files left out), as a projector shows it.
 * @param {Repo} repo
 */
export function checkRepo(repo) {
  const problems = [];
  /** @type {{ stage: import('./stages.js').Stage, size: ReturnType<typeof measure> }[]} */
  const sizes = [];
  for (const id of repo.unknownStages)
    problems.push(
      `demos/stages.json has settings for "${id}", which demos/ lacks; rename the key to a stage folder`,
    );
  repo.stages.forEach((stage, i) => {
    if (stage.n !== i + 1)
      problems.push(
        `demos/${stage.id} should be numbered ${String(i + 1).padStart(2, "0")}: stages count 01, 02, ... without gaps`,
      );
  });
  /** @type {Map<string, Buffer>} */
  let previous = new Map();
  for (const stage of repo.stages) {
    const where = `demos/${stage.id}`;
    if (!parseNotes(readNotes(stage.dir) ?? "").title)
      problems.push(`${where}/README.md is missing or has no "# " title; add the presenter notes`);
    try {
      const { files, removed, strays } = readOverlay(repo, stage);
      for (const path of strays)
        problems.push(
          `${where}/${path} is not under ${repo.workingCopy.join(", ")}; move or delete it`,
        );
      for (const [path, file] of files) {
        if (previous.get(path)?.equals(readBytes(repo, file)))
          problems.push(
            `${where}/${path} is identical to stage ${stage.n - 1}'s; delete it (overlays hold only changes)`,
          );
        if (hasConflictMarkers(readBytes(repo, file)))
          problems.push(
            `${where}/${path} has conflict markers (<<<<<<< ... >>>>>>>); keep what both sides need and delete the markers`,
          );
      }
      for (const entry of removed) {
        if (!inWorkingCopy(repo, entry))
          problems.push(
            `${where}/removed.txt lists ${entry}, which is outside ${repo.workingCopy.join(", ")}; drop the line`,
          );
        else if (![...previous.keys()].some((path) => covers(entry, path)))
          problems.push(
            `${where}/removed.txt lists ${entry}, which stage ${stage.n - 1} does not have; drop the line`,
          );
      }
      const current = materialize(repo, stage);
      const { files: changed } = diffTrees(previous, current);
      const size = measure(changed, repo.maxLineWidth ?? Infinity);
      const { files: all } = diffTrees(previous, current, { tests: true });
      for (const pattern of stage.order)
        if (!all.some((file) => matcher([pattern])(file.path)))
          problems.push(
            `demos/stages.json: stage ${stage.n}'s order lists "${pattern}", which its diff does not touch; fix the path or drop it`,
          );
      sizes.push({ stage, size });
      problems.push(...overTarget(repo, stage, size));
      previous = current;
    } catch (err) {
      problems.push(`${where} does not materialize: ${/** @type {Error} */ (err).message}`);
    }
  }
  try {
    const { stage, edits } = readStatus(repo);
    const fix = `run scripts/stage save to keep these edits in demos/, or scripts/stage ${stage.n} to discard`;
    for (const path of edits.changed)
      problems.push(`working copy: ${path} differs from stage ${stage.n}; ${fix}`);
    for (const path of edits.added)
      problems.push(`working copy: ${path} is not in stage ${stage.n}; ${fix}`);
    for (const path of edits.deleted)
      problems.push(`working copy: ${path} is missing (stage ${stage.n} has it); ${fix}`);
  } catch (err) {
    problems.push(/** @type {Error} */ (err).message);
  }
  return { problems, sizes };
}

/** A stage diff over its targets in demos/stages.json. @param {Repo} repo @param {import('./stages.js').Stage} stage @param {ReturnType<typeof measure>} size */
function overTarget(repo, stage, size) {
  const problems = [];
  if (stage.maxDiffLines && size.lines > stage.maxDiffLines)
    problems.push(
      `stage ${stage.n}'s diff is ${size.lines} lines, over its target of ${stage.maxDiffLines} ` +
        `(demos/stages.json); move what is not its lesson into a module of its own or an earlier stage`,
    );
  if (size.tooWide)
    problems.push(
      `stage ${stage.n}'s diff has ${size.tooWide} line${size.tooWide === 1 ? "" : "s"} wider than ` +
        `${repo.maxLineWidth} characters, the widest ${size.widest.width} at ${size.widest.where}; wrap them`,
    );
  return problems;
}

/** git's conflict markers at the start of a line: <<<<<<< and >>>>>>>. @param {Buffer} bytes */
const hasConflictMarkers = (bytes) => {
  const text = bytes.toString("utf8");
  return /^<{7} /m.test(text) && /^>{7} /m.test(text);
};
