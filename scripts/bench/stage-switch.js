// @ts-check
// Wall time of `scripts/stage <last>` from stage 1 (and back) as whole processes, Node start-up
// included, because that is what a presenter waits for. Runs on a temporary copy of demos/ and the
// working copy, so the repo's own tree is never touched.
// Usage: node scripts/bench/stage-switch.js [repo root] [--runs N]
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { walk } from "../stage-tool/fs-tree.js";
import { findRoot, listStages } from "../stage-tool/index.js";

const TARGET_MS = 200;
const CLI = fileURLToPath(new URL("../stage", import.meta.url));

const { values, positionals } = parseArgs({
  options: { runs: { type: "string", default: "10" } },
  allowPositionals: true,
});
const runs = Number(values.runs);
const root = findRoot(positionals[0] ?? fileURLToPath(new URL("../..", import.meta.url)));
const stages = listStages(root);
if (stages.length < 2) {
  console.log(
    `stage switch: ${root} has ${stages.length} stage in demos/; need at least 2 to time a switch`,
  );
  process.exit(0);
}
const first = stages[0].n;
const last = stages[stages.length - 1].n;

const copy = mkdtempSync(join(tmpdir(), "stage-bench-"));
try {
  const { workingCopy } = JSON.parse(readFileSync(join(root, "demos/stages.json"), "utf8"));
  const files = ["demos", ".gitignore", ".stage/current", ...workingCopy].flatMap((path) =>
    walk(root, path),
  );
  for (const path of files) {
    mkdirSync(dirname(join(copy, path)), { recursive: true });
    copyFileSync(join(root, path), join(copy, path));
  }
  time(copy, first, "--force"); // start clean at stage 1, whatever edits the repo's working copy holds
  const up = [];
  const down = [];
  for (let i = 0; i < runs; i++) {
    up.push(time(copy, last));
    down.push(time(copy, first));
  }
  const baseline = Array.from({ length: runs }, () => time(copy, null));

  console.log(
    `stage switch: ${root} (${stages.length} stages; ${files.length} files copied to a temp dir), ${runs} runs each, whole process`,
  );
  console.log(report(`scripts/stage ${last} (from ${first})`, up));
  console.log(report(`scripts/stage ${first} (from ${last})`, down));
  console.log(report("node -e 0 (start-up alone)", baseline, false));
} finally {
  rmSync(copy, { recursive: true, force: true });
}

/** Milliseconds for one `scripts/stage <n>` process (or a bare `node -e 0` for n = null). @param {string} cwd @param {number | null} n @param {string[]} flags */
function time(cwd, n, ...flags) {
  const args = n === null ? ["-e", "0"] : [CLI, String(n), ...flags];
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`scripts/stage ${n} failed in the bench copy:\n${result.stderr}`);
  return ms;
}

/** @param {string} label @param {number[]} times @param {boolean} [judge] */
function report(label, times, judge = true) {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const verdict = judge
    ? median <= TARGET_MS
      ? `  ok (target ${TARGET_MS} ms)`
      : `  OVER the ${TARGET_MS} ms target`
    : "";
  return `  ${label.padEnd(28)} median ${median.toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[
    sorted.length - 1
  ].toFixed(0)} ms${verdict}`;
}
