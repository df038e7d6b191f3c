// @ts-check

/** @typedef {[' ' | '-' | '+', string]} Op */

const ANSI = {
  bold: "\x1b[1m",
  cyan: "\x1b[36m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  reset: "\x1b[0m",
};

/**
 * Myers' O(ND) shortest edit script from line list `a` to `b`.
 * The common head and tail are trimmed first: stage diffs are small edits to small files.
 * @param {string[]} a @param {string[]} b @returns {Op[]}
 */
export function diffLines(a, b) {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  /** @type {(lines: string[]) => Op[]} */
  const same = (lines) => lines.map((line) => [" ", line]);
  const middle = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [...same(a.slice(0, head)), ...middle, ...same(a.slice(a.length - tail))];
}

/**
 * Myers' step choice: diagonal k is reached from k + 1 (an insertion) rather than k - 1 (a deletion).
 * @param {Int32Array} v @param {number} offset @param {number} k @param {number} d
 */
const fromAbove = (v, offset, k, d) =>
  k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]);

/** @param {string[]} a @param {string[]} b @returns {Op[]} */
function myers(a, b) {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1); // v[offset + k] = furthest x on diagonal k
  const trace = [];
  for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = fromAbove(v, offset, k, d) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, offset);
    }
  }
  return []; // unreachable: d = n + m always reaches the end
}

/** Walks the saved frontiers back from (n, m) to (0, 0). @param {Int32Array[]} trace @param {string[]} a @param {string[]} b @param {number} offset */
function backtrack(trace, a, b, offset) {
  /** @type {Op[]} */
  const ops = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    const prevK = fromAbove(v, offset, k, d) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK];
    const prevY = d === 0 ? 0 : prevX - prevK;
    for (; x > prevX && y > prevY; x--, y--) ops.push([" ", a[x - 1]]);
    if (d > 0) ops.push(x === prevX ? ["+", b[--y]] : ["-", a[--x]]);
  }
  return ops.reverse();
}

/** Splits text into lines that keep their "\n", so a missing final newline shows as a change. @param {string} text */
const splitLines = (text) => (text ? text.split(/(?<=\n)/) : []);

/** Groups an edit script into hunks with `context` unchanged lines around each change. @param {Op[]} ops */
export function toHunks(ops, context = 3) {
  const hunks = [];
  let aLine = 0;
  let bLine = 0;
  /** @type {{ aStart: number, bStart: number, ops: Op[], lastChange: number } | null} */
  let hunk = null;
  for (let i = 0; i < ops.length; i++) {
    const [kind] = ops[i];
    if (kind !== " ") {
      if (!hunk || i - hunk.lastChange - 1 > 2 * context) {
        const from = Math.max(0, i - context);
        const before = ops.slice(from, i);
        hunk = {
          aStart: aLine - before.length,
          bStart: bLine - before.length,
          ops: [],
          lastChange: i,
        };
        hunks.push(hunk);
        hunk.ops.push(...before);
      } else hunk.ops.push(...ops.slice(hunk.lastChange + 1, i));
      hunk.ops.push(ops[i]);
      hunk.lastChange = i;
    }
    if (kind !== "+") aLine++;
    if (kind !== "-") bLine++;
  }
  return hunks.map((h) => {
    h.ops.push(...ops.slice(h.lastChange + 1, h.lastChange + 1 + context));
    const aCount = h.ops.filter(([kind]) => kind !== "+").length;
    const bCount = h.ops.filter(([kind]) => kind !== "-").length;
    return { header: `@@ -${range(h.aStart, aCount)} +${range(h.bStart, bCount)} @@`, ops: h.ops };
  });
}

/** git's hunk range: "start,count", start of an empty range is the line before it, ",1" is left out. @param {number} start @param {number} count */
const range = (start, count) =>
  count === 1 ? `${start + 1}` : `${count ? start + 1 : start},${count}`;

/**
 * A unified diff of one file (`null` = the file does not exist on that side).
 * @param {string} path @param {Buffer | null} before @param {Buffer | null} after @param {{ color?: boolean }} [options]
 */
export function unifiedDiff(path, before, after, { color = false } = {}) {
  /** @type {(code: keyof ANSI, text: string) => string} */
  const paint = (code, text) => (color ? `${ANSI[code]}${text}${ANSI.reset}` : text);
  const from = before ? `a/${path}` : "/dev/null";
  const to = after ? `b/${path}` : "/dev/null";
  if (isBinary(before) || isBinary(after)) return `Binary files ${from} and ${to} differ\n`;
  const ops = diffLines(
    splitLines(before?.toString("utf8") ?? ""),
    splitLines(after?.toString("utf8") ?? ""),
  );
  let out = paint("bold", `--- ${from}\n+++ ${to}`) + "\n";
  for (const hunk of toHunks(ops)) {
    out += paint("cyan", hunk.header) + "\n";
    for (const [kind, line] of hunk.ops) {
      const text =
        kind +
        line.replace(/\n$/, "") +
        (line.endsWith("\n") ? "" : "\n\\ No newline at end of file");
      out +=
        (kind === "-" ? paint("red", text) : kind === "+" ? paint("green", text) : text) + "\n";
    }
  }
  return out;
}

/** git's test: a NUL byte in the first 8000 bytes. @param {Buffer | null} bytes */
const isBinary = (bytes) => !!bytes && bytes.subarray(0, 8000).includes(0);

/**
 * Unified diffs for every file that differs between two trees, in path order.
 * @param {Map<string, Buffer>} a @param {Map<string, Buffer>} b @param {{ color?: boolean }} [options]
 */
export function diffTrees(a, b, options) {
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .filter((path) => !(a.get(path) && b.get(path)?.equals(/** @type {Buffer} */ (a.get(path)))))
    .map((path) => unifiedDiff(path, a.get(path) ?? null, b.get(path) ?? null, options))
    .join("");
}
