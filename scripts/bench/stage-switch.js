// @ts-check
// What a presenter waits for at each switch, on temporary copies (the repo's own tree is never touched):
// 1. wall time of `scripts/stage <last>` from stage 1 (and back) as whole processes, Node start-up
//    included;
// 2. with `npm run dev` running and a browser open in #lobby, the time from `scripts/stage N` returning
//    to stage N working in that browser, for every transition of the talk, and how many Remix builds
//    and PartyKit runtime restarts each switch cost.
// Usage: node scripts/bench/stage-switch.js [repo root] [--runs N] [--tours N]
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../dev/ports.js";
import { makeDevCopy, runStage, startDev } from "../rehearsal-copy.js";
import { walk } from "../stage-tool/fs-tree.js";
import { findRoot, listStages } from "../stage-tool/index.js";

const TARGET_MS = 200;
const DEV_TARGET_MS = 3000;
const CLI = fileURLToPath(new URL("../stage", import.meta.url));

const { values, positionals } = parseArgs({
  options: { runs: { type: "string", default: "10" }, tours: { type: "string", default: "3" } },
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
if (root === findRoot(fileURLToPath(new URL("../..", import.meta.url))))
  await benchDevFollowing(Number(values.tours));

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
  const verdict = judge
    ? median(times) <= TARGET_MS
      ? `  ok (target ${TARGET_MS} ms)`
      : `  OVER the ${TARGET_MS} ms target`
    : "";
  return `  ${label.padEnd(28)} median ${median(times).toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[
    sorted.length - 1
  ].toFixed(0)} ms${verdict}`;
}

/**
 * `npm run dev` on a copy at stage 1, one Chromium page in #lobby, `tours` times through the talk.
 * "Working" = the page reloaded by itself into stage N (its indicator says so) and, from stage 2 on,
 * its room socket is live.
 * @param {number} tours
 */
async function benchDevFollowing(tours) {
  const { chromium } = await import("@playwright/test");
  const order = [...stages.slice(1), stages[0]].map((s) => s.n); // 2, 3, 4, 5, then back to 1
  const dir = makeDevCopy(first, "bench");
  const dev = await startDev(dir, { env: { PORT: String(await freePort()) } });
  const system = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
  const browser = await chromium.launch(
    existsSync(chromium.executablePath()) || !system
      ? {}
      : { executablePath: system, args: ["--no-sandbox", "--disable-gpu"] },
  );
  /** @type {Map<number, { ms: number[], builds: number[], runtime: string[] }>} */
  const results = new Map(order.map((n) => [n, { ms: [], builds: [], runtime: [] }]));
  try {
    const page = await browser.newPage();
    await page.addInitScript(() => localStorage.setItem("party-ai-chat:name", "Bench"));
    await page.goto(`${dev.url}/chats/lobby`);
    const indicator = page.getByTestId("dev-indicator");
    for (let tour = 0; tour < tours; tour++) {
      for (const n of order) {
        const from = dev.output().length;
        await page.evaluate(() => Object.assign(window, { before: true }));
        const switched = runStage(dir, String(n));
        // The page reloaded by itself (a new document), into stage n.
        await page.waitForFunction(() => !("before" in window), null, { timeout: 120_000 });
        await indicator
          .filter({ hasText: new RegExp(`^stage ${n} · `) })
          .waitFor({ timeout: 120_000 });
        if (n >= 2)
          await page
            .getByTestId("connection-status")
            .filter({ hasText: "live" })
            .waitFor({ timeout: 120_000 });
        const ms = performance.now() - switched;
        const ready = await dev.waitFor(
          /dev: ready in [\d.]+ s.*\((\d+) builds?(, runtime (\w+))?/,
          from,
        );
        const result = /** @type {{ ms: number[], builds: number[], runtime: string[] }} */ (
          results.get(n)
        );
        result.ms.push(ms);
        result.builds.push(Number(ready[1]));
        result.runtime.push(ready[3] ?? "kept");
      }
    }
  } finally {
    await browser.close();
    await dev.stop();
  }
  console.log(
    `npm run dev following the switch: ${tours} tour${tours === 1 ? "" : "s"} of the talk, from scripts/stage returning to the stage working in an open page`,
  );
  let previous = first;
  for (const n of order) {
    const { ms, builds, runtime } =
      /** @type {{ ms: number[], builds: number[], runtime: string[] }} */ (results.get(n));
    const verdict = median(ms) <= DEV_TARGET_MS ? "ok" : "OVER";
    console.log(
      `${report(`stage ${previous} → ${n}`, ms, false)}  ${verdict} (target ${DEV_TARGET_MS / 1000} s);` +
        ` Remix builds per switch: ${builds.join(", ")}; PartyKit runtime ${[...new Set(runtime)].join("/")}`,
    );
    previous = n;
  }
}

/** @param {number[]} times */
function median(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
