// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { diffLines, diffTrees, unifiedDiff } from "./diff.js";

/** Longest common subsequence length, the slow obvious way, to prove the edit script is minimal. @param {string[]} a @param {string[]} b */
function lcs(a, b) {
  const row = new Array(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = up;
    }
  }
  return row[b.length];
}

test("diffLines gives a minimal edit script that turns a into b", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) % 5).toString();
  for (let round = 0; round < 300; round++) {
    const a = Array.from({ length: Number(random()) * 3 }, random);
    const b = Array.from({ length: Number(random()) * 3 }, random);
    const ops = diffLines(a, b);
    assert.deepEqual(
      ops.filter(([k]) => k !== "+").map(([, l]) => l),
      a,
    );
    assert.deepEqual(
      ops.filter(([k]) => k !== "-").map(([, l]) => l),
      b,
    );
    assert.equal(ops.filter(([k]) => k === " ").length, lcs(a, b));
  }
});

test("unifiedDiff matches git: context, split hunks, missing final newline", () => {
  const numbers = Array.from({ length: 17 }, (_, i) => `${i + 1}\n`);
  const after = [...numbers];
  after[2] = "x\n";
  after.push("new");
  assert.equal(
    unifiedDiff("f.txt", Buffer.from(numbers.join("")), Buffer.from(after.join(""))),
    [
      "--- a/f.txt",
      "+++ b/f.txt",
      "@@ -1,6 +1,6 @@",
      " 1",
      " 2",
      "-3",
      "+x",
      " 4",
      " 5",
      " 6",
      "@@ -15,3 +15,4 @@",
      " 15",
      " 16",
      " 17",
      "+new",
      "\\ No newline at end of file",
      "",
    ].join("\n"),
  );
});

test("added, removed and binary files", () => {
  assert.equal(
    unifiedDiff("a.ts", null, Buffer.from("x\ny\n")),
    "--- /dev/null\n+++ b/a.ts\n@@ -0,0 +1,2 @@\n+x\n+y\n",
  );
  assert.equal(
    unifiedDiff("a.ts", Buffer.from("x\n"), null),
    "--- a/a.ts\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n",
  );
  assert.equal(
    unifiedDiff("logo.bin", Buffer.from([0, 1]), Buffer.from([0, 2])),
    "Binary files a/logo.bin and b/logo.bin differ\n",
  );
});

test("colour only when asked", () => {
  const coloured = unifiedDiff("a.ts", Buffer.from("x\n"), Buffer.from("y\n"), { color: true });
  assert.match(coloured, /\x1b\[31m-x\x1b\[0m/);
  assert.match(coloured, /\x1b\[32m\+y\x1b\[0m/);
  assert.doesNotMatch(unifiedDiff("a.ts", Buffer.from("x\n"), Buffer.from("y\n")), /\x1b/);
});

test("diffTrees skips equal files and keeps path order", () => {
  const a = new Map([
    ["b.ts", Buffer.from("1\n")],
    ["same.ts", Buffer.from("s\n")],
  ]);
  const b = new Map([
    ["a.ts", Buffer.from("2\n")],
    ["same.ts", Buffer.from("s\n")],
  ]);
  const text = diffTrees(a, b);
  assert.deepEqual(text.match(/^(---|\+\+\+) .*$/gm), [
    "--- /dev/null",
    "+++ b/a.ts",
    "--- a/b.ts",
    "+++ /dev/null",
  ]);
});

test("hunks merge like git's: 6 unchanged lines between changes make one hunk, 7 make two", () => {
  const lines = Array.from({ length: 30 }, (_, i) => `${i}\n`);
  /** @param {number[]} changed */
  const hunks = (changed) => {
    const after = lines.map((line, i) => (changed.includes(i) ? `x${line}` : line));
    return unifiedDiff("f", Buffer.from(lines.join("")), Buffer.from(after.join(""))).match(
      /^@@ .* @@$/gm,
    );
  };
  assert.deepEqual(hunks([5, 12]), ["@@ -3,14 +3,14 @@"]);
  assert.deepEqual(hunks([5, 13]), ["@@ -3,7 +3,7 @@", "@@ -11,7 +11,7 @@"]);
});
