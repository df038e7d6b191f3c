// @ts-check
// The command handlers: each calls the core and turns its result into lines to print.
import { checkRepo } from "./check.js";
import { diffTrees } from "./diff.js";
import { StageError } from "./errors.js";
import { countChanges } from "./fs-tree.js";
import { buildBranches } from "./git-branches.js";
import { saveEdits } from "./save.js";
import { exportStage } from "./standalone.js";
import { materialize, previousStage, readNotes, resolveStage } from "./stages.js";
import { goToStage, restoreBackup } from "./switch.js";
import { readStatus } from "./working-copy.js";

/** @typedef {import('./stages.js').Repo} Repo */
/** @typedef {import('./stages.js').Stage} Stage */
/** @typedef {import('./cli.js').Command['run']} Run */

/** "Stage 2: a shared chat room" -> "a shared chat room" for tables that already show the number. @param {Stage} stage */
const shortTitle = (stage) => stage.title.replace(/^Stage \d+:\s*/, "");

/** "1 file", "3 files". @param {number} n @param {string} noun */
const count = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** @param {ReturnType<import('./fs-tree.js').compareTrees>} changes */
const changeLines = (changes) => [
  ...changes.added.map((p) => `+ ${p}`),
  ...changes.changed.map((p) => `~ ${p}`),
  ...changes.deleted.map((p) => `- ${p}`),
];

/** @param {Repo} repo @param {Stage} stage */
function nextSteps(repo, stage) {
  const next = repo.stages[repo.stages.indexOf(stage) + 1];
  return next
    ? `Next: scripts/stage notes, then scripts/stage ${next.n}`
    : `This is the last stage. Next: scripts/stage notes, or scripts/stage ${repo.stages[0].n} to start over`;
}

/** @type {Run} */
export function list(repo) {
  const { stage, edits } = readStatus(repo);
  const width = Math.max(...repo.stages.map((s) => s.name.length));
  const rows = repo.stages.map(
    (s) =>
      `${s === stage ? "*" : " "} ${String(s.n).padStart(2)}  ${s.name.padEnd(width)}  ${shortTitle(s)}`,
  );
  const edited = countChanges(edits);
  const them = edited === 1 ? "it" : "them";
  const status = edited
    ? `At stage ${stage.n}; working copy has ${count(edited, "edited file")}: ` +
      `scripts/stage save keeps ${them} in demos/, scripts/stage ${stage.n} backs ${them} up and discards ${them}`
    : `At stage ${stage.n}, no edits. ${nextSteps(repo, stage)}`;
  return { out: [...rows, "", status], err: [] };
}

/** @type {Run} */
export function go(repo, [ref], flags) {
  const result = goToStage(repo, ref, { force: flags.force });
  const { target, changes } = result;
  if (result.already)
    return { out: [`Already at stage ${target.n}, no edits. ${nextSteps(repo, target)}`], err: [] };
  const err = [];
  if (result.backup)
    err.push(
      `backed up your edits to ${result.backup}; bring them back with scripts/stage restore`,
    );
  if (result.discarded) err.push(`discarded ${count(result.discarded, "edited file")} (--force)`);
  const headline = target.headline ? [target.headline] : [];
  const summary = `Now at stage ${target.n} (${count(countChanges(changes), "file")} changed). ${nextSteps(
    repo,
    target,
  )}`;
  return { out: [...changeLines(changes), "", target.title, ...headline, "", summary], err };
}

/** @type {Run} */
export function restore(repo) {
  const { backup, already, saved, changes } = restoreBackup(repo);
  if (already)
    return { out: [`Already restored: the working copy matches ${backup.path}`], err: [] };
  const err = saved
    ? [
        `backed up your current edits to ${saved} first; run scripts/stage restore again to swap back`,
      ]
    : [];
  return {
    out: [
      ...changeLines(changes),
      "",
      `Restored ${backup.path} (stage ${backup.stage.n} with your edits). Next: scripts/stage list`,
    ],
    err,
  };
}

/** @type {Run} */
export function diff(repo, args, flags) {
  const [a, b] =
    args.length === 2
      ? args.map((ref) => resolveStage(repo, ref))
      : (() => {
          const to = args[0] ? resolveStage(repo, args[0]) : readStatus(repo).stage;
          return [previousStage(repo, to), to];
        })();
  const color = flags["no-color"] ? false : flags.color || flags.colorByDefault;
  const text = diffTrees(materialize(repo, a), materialize(repo, b), { color });
  const from = a ? `stage ${a.n}` : "nothing";
  return {
    out: [text ? text.replace(/\n$/, "") : `No differences between ${from} and stage ${b?.n}`],
    err: [],
  };
}

/** @type {Run} */
export function notes(repo, [ref]) {
  const stage = ref ? resolveStage(repo, ref) : readStatus(repo).stage;
  const text = readNotes(stage.dir);
  if (text === null)
    throw new StageError(
      `demos/${stage.id} has no README.md; add the presenter notes there`,
      "NO_NOTES",
    );
  return { out: [text.replace(/\n$/, "")], err: [] };
}

/** @type {Run} */
export function save(repo) {
  const {
    stage,
    edits,
    created,
    updated,
    unneeded,
    deleted,
    removedAdded,
    removedDropped,
    warnings,
  } = saveEdits(repo);
  const where = `demos/${stage.id}`;
  const lines = [
    ...created.map((p) => `+ ${where}/${p}`),
    ...updated.map((p) => `~ ${where}/${p}`),
    ...unneeded.map((p) => `- ${where}/${p} (now the same as stage ${stage.n - 1}'s)`),
    ...deleted.map((p) => `- ${where}/${p}`),
    ...removedAdded.map((p) => `+ ${where}/removed.txt: ${p}`),
    ...removedDropped.map((p) => `- ${where}/removed.txt: ${p}`),
  ];
  if (!lines.length)
    return { out: [`Nothing to save: ${where} already matches the working copy`], err: warnings };
  const summary = `Saved ${count(countChanges(edits), "edited file")} into stage ${stage.n}. Next: scripts/stage check`;
  return { out: [...lines, "", summary], err: warnings };
}

/** @type {Run} */
export function check(repo) {
  const problems = checkRepo(repo);
  if (problems.length)
    return {
      out: [],
      err: [...problems, `check found ${count(problems.length, "problem")}`],
      code: 1,
    };
  const stage = readStatus(repo).stage;
  return {
    out: [
      `OK: ${repo.stages.length} stages, minimal overlays, working copy at stage ${stage.n} with no edits`,
    ],
    err: [],
  };
}

/** @type {Run} */
export function branches(repo) {
  const plan = buildBranches(repo);
  const rows = plan.map(
    (b) => `${b.branch}  ${b.status.padEnd(9)} ${b.commit.slice(0, 7)}  ${b.stage.title}`,
  );
  const [first, second] = plan;
  return {
    out: [...rows, "", second ? `Next: git diff ${first.branch} ${second.branch}` : "Done."],
    err: [],
  };
}

/** @type {Run} */
export function exportTo(repo, [ref, dir], flags) {
  const stage = resolveStage(repo, ref);
  const { files: written } = exportStage(repo, stage, dir, { force: flags.force });
  return {
    out: [
      `Exported stage ${stage.n} (${count(
        written.length,
        "file",
      )}) to ${dir}. Next: cd ${dir} && npm install && npm run dev`,
    ],
    err: [],
  };
}
