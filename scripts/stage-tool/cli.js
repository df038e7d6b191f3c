// @ts-check
import { branches, check, diff, exportTo, go, list, notes, restore, save } from "./commands.js";
import { StageError } from "./errors.js";
import { findRoot, openRepo, stageChoices } from "./stages.js";

/** @typedef {import('./stages.js').Repo} Repo */
/**
 * @typedef {{
 *   force?: boolean, color?: boolean, 'no-color'?: boolean, stat?: boolean, tests?: boolean,
 *   'no-forward'?: boolean, help?: boolean
 * }} Flags
 */
/** What a command prints: `out` to stdout, `err` to stderr (each line prefixed "stage: "). */
/** @typedef {{ out: string[], err: string[], code?: number }} Output */
/**
 * @typedef {{
 *   args: string[], options?: string[], summary: string,
 *   run: (repo: Repo, args: string[], flags: Flags & { colorByDefault: boolean }) => Output | Promise<Output>
 * }} Command
 */

/** node:util parseArgs options; `help` says what each is for. */
export const OPTIONS = {
  force: {
    type: /** @type {const} */ ("boolean"),
    short: "f",
    help: "go: discard edits instead of backing them up; export: replace a non-empty folder",
  },
  color: {
    type: /** @type {const} */ ("boolean"),
    help: "diff: colour the output even when it is not a terminal",
  },
  "no-color": { type: /** @type {const} */ ("boolean"), help: "diff: never colour the output" },
  stat: {
    type: /** @type {const} */ ("boolean"),
    help: "diff: one line per file with its +/- counts, like git diff --stat",
  },
  tests: {
    type: /** @type {const} */ ("boolean"),
    help: "diff: include unit tests (*.test.*), which are left out by default",
  },
  "no-forward": {
    type: /** @type {const} */ ("boolean"),
    help: "save: only warn about later stages' copies of a saved file, do not merge into them",
  },
  help: { type: /** @type {const} */ ("boolean"), short: "h", help: "show this help" },
};

/** The command table: drives dispatch, argument checks and --help. @type {Record<string, Command>} */
export const COMMANDS = {
  list: {
    args: [],
    summary: "list the stages; * marks the working copy's (the default command)",
    run: list,
  },
  go: {
    args: ["<stage>"],
    options: ["force"],
    summary: "make the working copy <stage> (edits are backed up first)",
    run: go,
  },
  restore: { args: [], summary: "bring back the latest backup of your edits", run: restore },
  diff: {
    args: ["[<a>]", "[<b>]", "[<path>...]"],
    options: ["color", "no-color", "stat", "tests"],
    summary:
      "what a stage changes, in the order its notes tell it: diff = this stage's change, " +
      "diff N = N-1 to N, diff A B; paths (party/, app/routes/) keep only those files",
    run: diff,
  },
  notes: {
    args: ["[<stage>]"],
    summary: "print a stage's presenter notes (default: the current stage)",
    run: notes,
  },
  save: {
    args: [],
    options: ["no-forward"],
    summary:
      "write the working copy's edits into the current stage's folder in demos/, and merge " +
      "them into later stages' own copies of the same files (git merge-file)",
    run: save,
  },
  check: {
    args: [],
    summary:
      "check demos/ (minimal overlays, no stray files, diff sizes within demos/stages.json's " +
      "targets) and the working copy; prints each stage's diff size",
    run: check,
  },
  branches: {
    args: [],
    summary: "create or update git branches demo-01.. with one commit per stage",
    run: branches,
  },
  export: {
    args: ["<stage>", "<dir>"],
    options: ["force"],
    summary: "write <stage> as a standalone project into <dir>",
    run: exportTo,
  },
};

/**
 * Runs one command line. Throws StageError for bad input; everything else is in the Output.
 * @param {string[]} positionals @param {Flags} flags @param {{ cwd: string, colorByDefault: boolean }} env @returns {Output | Promise<Output>}
 */
export function run(positionals, flags, { cwd, colorByDefault }) {
  if (flags.help) return { out: [help()], err: [] };
  const repo = openRepo(findRoot(cwd));
  const [name = "list", ...rest] = positionals;
  let command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  let args = rest;
  if (!command) {
    // `scripts/stage 2` is short for `scripts/stage go 2`; digits always mean a stage.
    if (!/^\d/.test(name) && !repo.stages.some((s) => s.name === name || s.id === name))
      throw new StageError(
        `unknown command "${name}"; expected a stage (${stageChoices(repo)}) or one of: ${Object.keys(
          COMMANDS,
        ).join(", ")}`,
        "UNKNOWN_COMMAND",
      );
    command = COMMANDS.go;
    args = positionals;
  }
  const label = command === COMMANDS.go ? "go" : name;
  const required = command.args.filter((a) => !a.startsWith("[")).length;
  const most = command.args.at(-1)?.endsWith("...]") ? Infinity : command.args.length;
  if (args.length < required || args.length > most)
    throw new StageError(
      `usage: scripts/stage ${label} ${command.args.join(" ")}`.trimEnd() +
        "; see scripts/stage --help",
      "BAD_ARGS",
    );
  for (const option of Object.keys(flags))
    if (!command.options?.includes(option))
      throw new StageError(
        `--${option} does not apply to "${label}"; see scripts/stage --help`,
        "BAD_OPTION",
      );
  return command.run(repo, args, { ...flags, colorByDefault });
}

export function help() {
  const rows = [
    ["<stage>", "same as go <stage>"],
    ...Object.entries(COMMANDS).map(([name, c]) => [
      `${name} ${c.args.join(" ")}`.trim(),
      c.summary,
    ]),
  ];
  const options = Object.entries(OPTIONS).map(([name, o]) => [
    `${"short" in o ? `-${o.short}, ` : "    "}--${name}`,
    o.help,
  ]);
  const left = Math.max(...[...rows, ...options].map(([l]) => l.length));
  /** Two columns, the right one wrapped to 100 characters. @param {string[][]} table */
  const format = (table) =>
    table.flatMap(([l, r]) =>
      wrap(r, 100 - left - 3).map((line, i) => `  ${(i ? "" : l).padEnd(left)} ${line}`),
    );
  return [
    "Usage: scripts/stage [<command>] [<args>] [options]",
    "",
    "Commands:",
    ...format(rows),
    "",
    "Options:",
    ...format(options),
    "",
    "<stage> is a number (2), two digits (02) or a name (chat-room, 02-chat-room).",
    "diff leaves out unit tests (*.test.*); the order of its files and each stage's size target",
    "live in demos/stages.json.",
  ].join("\n");
}

/** Splits text into lines of at most `width` characters, at spaces. @param {string} text @param {number} width */
function wrap(text, width) {
  const lines = [""];
  for (const word of text.split(" ")) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + 1 + word.length > width) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return lines;
}
