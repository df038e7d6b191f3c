#!/usr/bin/env node
// @ts-check
// Playwright once per stage, each against its own built copy: `node scripts/run-e2e.js [N ...]`.
// A full run then tests the last stage once more as `npm start` serves it (the production preview);
// `node scripts/run-e2e.js start` runs only that.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, prepareStage, stageDir } from "./stage-app.js";
import { listStages } from "./stage-tool/index.js";

const last = listStages(ROOT).at(-1)?.n ?? 5;
const args = process.argv.slice(2);
/** @type {{ stage: number, server: "partykit" | "start" }[]} */
const runs = args.length
  ? args.map((a) =>
      a === "start" ? { stage: last, server: "start" } : { stage: Number(a), server: "partykit" },
    )
  : [
      ...listStages(ROOT).map(({ n }) => ({ stage: n, server: /** @type {const} */ ("partykit") })),
      { stage: last, server: "start" },
    ];

let passed = 0;
let failed = 0;
for (const { stage, server } of runs) {
  const via = server === "start" ? " via npm start" : "";
  console.log(`\n▶ stage ${stage}${via}: type-check and build`);
  let dir;
  try {
    dir = prepareStage(stage, { typecheck: true });
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error));
    failed++;
    continue;
  }
  console.log(`▶ stage ${stage}${via}: Playwright`);
  const report = join(stageDir(stage), "..", `report-${stage}.json`);
  rmSync(report, { force: true });
  const run = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/@playwright/test/cli.js"), "test", "--reporter=list,json"],
    {
      cwd: ROOT,
      stdio: "inherit",
      env: {
        ...process.env,
        STAGE: String(stage),
        STAGE_DIR: dir,
        SERVER: server,
        // Node 20 has a WebSocket client behind a flag; tests that speak the protocol use it.
        NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-websocket"]
          .filter(Boolean)
          .join(" "),
        PLAYWRIGHT_JSON_OUTPUT_NAME: report,
      },
    },
  );
  try {
    const { stats } = JSON.parse(readFileSync(report, "utf8"));
    passed += stats.expected + stats.flaky;
    failed += stats.unexpected;
  } catch {
    failed++; // no report: Playwright itself failed (see above)
  }
  if (run.status !== 0 && failed === 0) failed++;
}

console.log(
  `\nruns: ${runs.map((r) => (r.server === "start" ? `${r.stage} via npm start` : r.stage)).join(", ")}`,
);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
