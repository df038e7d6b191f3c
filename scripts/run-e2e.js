#!/usr/bin/env node
// @ts-check
// Playwright once per stage, each against its own built copy: `node scripts/run-e2e.js [N ...]`.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, prepareStage, stageDir } from "./stage-app.js";
import { listStages } from "./stage-tool/index.js";

const stages = process.argv.slice(2).map(Number);
if (stages.length === 0) stages.push(...listStages(ROOT).map((stage) => stage.n));

let passed = 0;
let failed = 0;
for (const stage of stages) {
  console.log(`\n▶ stage ${stage}: type-check and build`);
  let dir;
  try {
    dir = prepareStage(stage, { typecheck: true });
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error));
    failed++;
    continue;
  }
  console.log(`▶ stage ${stage}: Playwright`);
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

console.log(`\nstages ${stages.join(", ")}`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
