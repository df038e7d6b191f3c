// @ts-check
// What changes between two stages, printed the way git prints it (a unified diff, or --stat), with
// the files in the order the stage's notes tell them. The line diff itself is the `diff` package's.
import { structuredPatch } from "diff";
import ignore from "ignore";

/** Unit tests beside the code (party/usage.test.ts) are not the lesson: left out unless --tests. */
export const TEST_FILES = "*.test.*";

/**
 * One file's change. `hunks` is empty for a binary file.
 * @typedef {{
 *   path: string, before: Buffer | null, after: Buffer | null, binary: boolean,
 *   hunks: import('diff').StructuredPatchHunk[], added: number, removed: number
 * }} FileDiff
 */

const ANSI = {
  bold: "\x1b[1m",
  cyan: "\x1b[36m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  reset: "\x1b[0m",
};

/** True when a path matches any of the gitignore-style patterns. @param {string[]} patterns */
export function matcher(patterns) {
  const rules = ignore().add(patterns);
  return (/** @type {string} */ path) => rules.ignores(path);
}

/**
 * The files that differ between trees `a` and `b`, in story order: by the first `order` pattern
 * that matches (gitignore syntax: `party/`, `*.schema.ts`), then by path. `paths` keeps only the
 * files they match; test files are left out unless `tests`.
 * @param {Map<string, Buffer>} a @param {Map<string, Buffer>} b
 * @param {{ order?: string[], paths?: string[], tests?: boolean }} [options]
 */
export function diffTrees(a, b, { order = [], paths = [], tests = false } = {}) {
  const wanted = paths.length ? matcher(paths) : () => true;
  const isTest = matcher([TEST_FILES]);
  const ranks = order.map((pattern) => matcher([pattern]));
  /** @param {string} path */
  const rank = (path) => {
    const at = ranks.findIndex((matches) => matches(path));
    return at < 0 ? ranks.length : at;
  };
  /** @param {string} path */
  const differs = (path) => {
    const [x, y] = [a.get(path), b.get(path)];
    return !x || !y || !x.equals(y);
  };
  const changed = [...new Set([...a.keys(), ...b.keys()])].filter(differs);
  const shown = changed.filter((path) => wanted(path) && (tests || !isTest(path)));
  return {
    files: shown
      .sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : 1))
      .map((path) => fileDiff(path, a.get(path) ?? null, b.get(path) ?? null)),
    testsLeftOut: tests ? 0 : changed.filter((path) => wanted(path) && isTest(path)).length,
  };
}

/** git's test: a NUL byte in the first 8000 bytes. @param {Buffer | null} bytes */
const isBinary = (bytes) => !!bytes && bytes.subarray(0, 8000).includes(0);

/** @param {string} path @param {Buffer | null} before @param {Buffer | null} after @returns {FileDiff} */
function fileDiff(path, before, after) {
  const binary = isBinary(before) || isBinary(after);
  const { hunks } = binary
    ? { hunks: [] }
    : structuredPatch(path, path, text(before), text(after), "", "", { context: 3 });
  const lines = hunks.flatMap((hunk) => hunk.lines);
  return {
    path,
    before,
    after,
    binary,
    hunks,
    added: lines.filter((line) => line.startsWith("+")).length,
    removed: lines.filter((line) => line.startsWith("-")).length,
  };
}

/** @param {Buffer | null} bytes */
const text = (bytes) => bytes?.toString("utf8") ?? "";

/** git's hunk range: "start,count"; an empty range starts at the line before it; ",1" is left out. @param {number} start @param {number} count */
const range = (start, count) =>
  count === 1 ? `${start}` : `${count ? start : start - 1},${count}`;

/** @param {boolean} color */
const painter = (color) => (/** @type {keyof ANSI} */ code, /** @type {string} */ line) =>
  color ? `${ANSI[code]}${line}${ANSI.reset}` : line;

/** The unified diff, as git prints it, one line per entry. @param {FileDiff[]} files @param {{ color?: boolean }} [options] */
export function formatDiff(files, { color = false } = {}) {
  const paint = painter(color);
  return files.flatMap(({ path, before, after, binary, hunks }) => {
    const from = before ? `a/${path}` : "/dev/null";
    const to = after ? `b/${path}` : "/dev/null";
    if (binary) return [`Binary files ${from} and ${to} differ`];
    return [
      paint("bold", `--- ${from}`),
      paint("bold", `+++ ${to}`),
      ...hunks.flatMap((hunk) => [
        paint(
          "cyan",
          `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`,
        ),
        ...hunk.lines.map((line) =>
          line.startsWith("-")
            ? paint("red", line)
            : line.startsWith("+")
              ? paint("green", line)
              : line,
        ),
      ]),
    ];
  });
}

/**
 * `git diff --stat`: a row per file with its +/- counts and a bar, then the totals.
 * @param {FileDiff[]} files @param {{ color?: boolean, width?: number }} [options]
 */
export function formatStat(files, { color = false, width = 80 } = {}) {
  const paint = painter(color);
  const name = Math.max(...files.map((f) => f.path.length));
  const counts = files.map((f) => (f.binary ? "Bin" : String(f.added + f.removed)));
  const digits = Math.max(...counts.map((c) => c.length));
  const most = Math.max(...files.map((f) => f.added + f.removed));
  const room = Math.max(10, width - name - digits - 4);
  /** git keeps every non-zero side at least one character wide. @param {number} n */
  const bar = (n) => (n && most > room ? Math.max(1, Math.round((n * room) / most)) : n);
  const rows = files.map(
    (f, i) =>
      ` ${f.path.padEnd(name)} | ${counts[i].padStart(digits)}` +
      (f.binary
        ? ""
        : ` ${paint("green", "+".repeat(bar(f.added)))}${paint("red", "-".repeat(bar(f.removed)))}`),
  );
  const added = files.reduce((sum, f) => sum + f.added, 0);
  const removed = files.reduce((sum, f) => sum + f.removed, 0);
  const plural = (/** @type {number} */ n, /** @type {string} */ word, /** @type {string} */ s) =>
    `${n} ${word}${n === 1 ? "" : s}`;
  const summary = [
    plural(files.length, "file", "s") + " changed",
    ...(added ? [plural(added, "insertion", "s") + "(+)"] : []),
    ...(removed ? [plural(removed, "deletion", "s") + "(-)"] : []),
  ].join(", ");
  return [...rows.map((row) => row.trimEnd()), ` ${summary}`];
}

/**
 * What a projector has to show: the diff's line count, its +/- lines, its widest code line and
 * how many lines are wider than `maxWidth`. Width counts the code, not the diff's one-column
 * marker, so it matches Prettier's printWidth.
 * @param {FileDiff[]} files @param {number} [maxWidth]
 */
export function measure(files, maxWidth = Infinity) {
  let widest = { width: 0, where: "" };
  let tooWide = 0;
  for (const { path, hunks } of files)
    for (const hunk of hunks) {
      let oldLine = hunk.oldStart;
      let newLine = hunk.newStart;
      for (const line of hunk.lines) {
        if (line.startsWith("\\")) continue;
        const width = [...line.slice(1)].length;
        const where = line.startsWith("-")
          ? `${path}:${oldLine} (a removed line)`
          : `${path}:${newLine}`;
        if (width > widest.width) widest = { width, where };
        if (width > maxWidth) tooWide++;
        if (!line.startsWith("+")) oldLine++;
        if (!line.startsWith("-")) newLine++;
      }
    }
  return {
    lines: formatDiff(files).length,
    added: files.reduce((sum, f) => sum + f.added, 0),
    removed: files.reduce((sum, f) => sum + f.removed, 0),
    widest,
    tooWide,
  };
}
