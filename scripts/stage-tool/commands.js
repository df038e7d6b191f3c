// @ts-check
// The command handlers: each calls the core and turns its result into lines to print.
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
/** @typedef {import('./cli.js').Output} Output */

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

/**
 * `diff [<a>] [<b>] [<path>...]`: up to two stage refs, then path filters. `diff` = this stage's
 * change, `diff N` = N-1 to N, `diff A B`; the files come in the order of the later stages' notes.
 * @param {Repo} repo @param {string[]} args @param {Parameters<Run>[2]} flags @returns {Promise<Output>}
 */
export async function diff(repo, args, flags) {
  // Imported here, not at the top: the diff package takes ~20 ms to load, and a stage switch
  // (what a presenter waits for) does not need it.
  const { diffTrees, formatDiff, formatStat, matcher } = await import("./stage-diff.js");
  const refs = [];
  while (refs.length < 2 && refs.length < args.length && looksLikeStage(repo, args[refs.length]))
    refs.push(args[refs.length]);
  const paths = args.slice(refs.length).map((p) => p.replace(/\\/g, "/").replace(/^\.\//, ""));
  const [a, b] = stagesToCompare(repo, refs);
  const before = materialize(repo, a);
  const after = materialize(repo, b);
  const order = repo.stages.filter((s) => s.n > (a?.n ?? 0) && s.n <= b.n).flatMap((s) => s.order);
  const { files, testsLeftOut } = diffTrees(before, after, { order, paths, tests: flags.tests });
  const from = a ? `stage ${a.n}` : "nothing";
  const everyPath = [...new Set([...before.keys(), ...after.keys()])];
  const lost = paths.find((p) => !everyPath.some(matcher([p])));
  if (lost)
    throw new StageError(
      `no file of ${from} or stage ${b.n} matches "${lost}"; give a folder or a file, e.g. party/ or app/routes/`,
      "NO_SUCH_PATH",
    );
  const tests = testsLeftOut
    ? [`left out ${count(testsLeftOut, "test file")}; --tests shows them`]
    : [];
  if (!files.length) {
    const where = paths.length ? ` in ${paths.join(" ")}` : "";
    return { out: [`No differences between ${from} and stage ${b.n}${where}`], err: tests };
  }
  const color = flags["no-color"] ? false : flags.color || flags.colorByDefault;
  return {
    out: flags.stat ? formatStat(files, { color }) : formatDiff(files, { color }),
    err: tests,
  };
}

/** `diff A B`, `diff N` (N-1 to N), or `diff` (the current stage's change). @param {Repo} repo @param {string[]} refs */
function stagesToCompare(repo, refs) {
  if (refs.length === 2) return refs.map((ref) => resolveStage(repo, ref));
  const to = refs[0] ? resolveStage(repo, refs[0]) : readStatus(repo).stage;
  return [previousStage(repo, to), to];
}

/** Stage refs come before path filters: digits, or a stage's name or folder. @param {Repo} repo @param {string} arg */
const looksLikeStage = (repo, arg) =>
  /^\d+$/.test(arg) || repo.stages.some((s) => s.name === arg || s.id === arg);

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
export function save(repo, _args, flags) {
  const {
    stage,
    edits,
    created,
    updated,
    unneeded,
    deleted,
    removedAdded,
    removedDropped,
    updates,
    warnings,
    conflict,
  } = saveEdits(repo, { forward: !flags["no-forward"] });
  const where = `demos/${stage.id}`;
  const lines = [
    ...created.map((p) => `+ ${where}/${p}`),
    ...updated.map((p) => `~ ${where}/${p}`),
    ...unneeded.map((p) => `- ${where}/${p} (now the same as stage ${stage.n - 1}'s)`),
    ...deleted.map((p) => `- ${where}/${p}`),
    ...removedAdded.map((p) => `+ ${where}/removed.txt: ${p}`),
    ...removedDropped.map((p) => `- ${where}/removed.txt: ${p}`),
  ];
  const carried = updates.map(({ stage: later, path, how }) =>
    how === "merged"
      ? `~ demos/${later.id}/${path} (carried from stage ${stage.n})`
      : how === "unneeded"
        ? `- demos/${later.id}/${path} (now the same as stage ${later.n - 1}'s)`
        : `- demos/${later.id}/removed.txt: ${path} (stage ${later.n - 1} no longer has it)`,
  );
  if (conflict)
    return {
      out: [...lines, ...carried],
      err: [
        ...warnings,
        `stage ${conflict.stage.n} changed the same lines: fix the markers in ${conflict.path}, then run scripts/stage check`,
      ],
      code: 1,
    };
  if (!lines.length)
    return { out: [`Nothing to save: ${where} already matches the working copy`], err: warnings };
  const stages = [...new Set(updates.map((u) => u.stage.n))];
  const into = stages.length
    ? ` and carried into stage${stages.length === 1 ? "" : "s"} ${stages.join(", ")}`
    : "";
  const summary = `Saved ${count(countChanges(edits), "edited file")} into stage ${stage.n}${into}. Next: scripts/stage check`;
  return { out: [...lines, ...carried, "", summary], err: warnings };
}

/** @param {Repo} repo @returns {Promise<Output>} */
export async function check(repo) {
  const { checkRepo } = await import("./check.js"); // loads the diff package: see diff()
  const { problems, sizes } = checkRepo(repo);
  const width = Math.max(...sizes.map(({ stage }) => stage.name.length));
  const rows = sizes.map(({ stage, size }) => {
    const lines = `${String(size.lines).padStart(4)} diff lines (+${size.added} -${size.removed})`;
    const target = stage.maxDiffLines ? `, target ${stage.maxDiffLines}` : "";
    const widest = `widest line ${size.widest.width}`;
    const limit = repo.maxLineWidth ? `, target ${repo.maxLineWidth}` : "";
    return `${String(stage.n).padStart(2)}  ${stage.name.padEnd(width)}  ${lines}${target}; ${widest}${limit}`;
  });
  const table = rows.length ? [...rows, ""] : [];
  if (problems.length)
    return {
      out: table,
      err: [...problems, `check found ${count(problems.length, "problem")}`],
      code: 1,
    };
  const stage = readStatus(repo).stage;
  return {
    out: [
      ...table,
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
