#!/usr/bin/env node
// @ts-check
// Playwright once per stage, each against its own built copy, then once for the rehearsal (one
// `npm run dev` driven through every stage): `node scripts/run-e2e.js [N ...] [rehearsal]`.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, prepareStage, stageDir } from "../tests/support/stage-app.js";
import { listStages } from "./stage-tool/index.js";

const args = process.argv.slice(2);
const rehearsal = args.length === 0 || args.includes("rehearsal");
const stages = args.filter((arg) => arg !== "rehearsal").map(Number);
if (args.length === 0) stages.push(...listStages(ROOT).map((stage) => stage.n));

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
  playwright(`report-${stage}.json`, { STAGE: String(stage), STAGE_DIR: dir });
}
if (rehearsal) {
  console.log("\n▶ rehearsal: npm run dev through every stage, Playwright");
  playwright("report-rehearsal.json", { REHEARSAL: "1" });
}

console.log(
  `\n${[stages.length ? `stages ${stages.join(", ")}` : "", rehearsal ? "rehearsal" : ""].filter(Boolean).join(" and ")}`,
);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;

/** Runs Playwright with `env`; counts its tests from its JSON report. @param {string} name @param {Record<string, string>} env */
function playwright(name, env) {
  const report = join(stageDir(1), "..", name);
  rmSync(report, { force: true });
  const run = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/@playwright/test/cli.js"), "test", "--reporter=list,json"],
    {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
    },
  );
  try {
    const { stats } = JSON.parse(readFileSync(report, "utf8"));
    passed += stats.expected + stats.flaky;
    failed += stats.unexpected;
    if (run.status !== 0 && stats.unexpected === 0) failed++;
  } catch {
    failed++; // no report: Playwright itself failed (see above)
  }
}
