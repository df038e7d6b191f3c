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
import { readStatus } from "./working-copy.js";

/** @typedef {import('./stages.js').Repo} Repo */

/**
 * Every problem with demos/ and the working copy, as sentences that name the fix.
 * @param {Repo} repo @returns {string[]}
 */
export function checkRepo(repo) {
  const problems = [];
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
      for (const [path, file] of files)
        if (previous.get(path)?.equals(readBytes(repo, file)))
          problems.push(
            `${where}/${path} is identical to stage ${stage.n - 1}'s; delete it (overlays hold only changes)`,
          );
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
      previous = materialize(repo, stage);
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
  return problems;
}
