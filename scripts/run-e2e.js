#!/usr/bin/env node
// @ts-check
// Playwright once per stage, each against its own built copy; then the last stage once more as
// `npm start` serves it (the production preview), and the rehearsal (one `npm run dev` driven
// through every stage): `node scripts/run-e2e.js [N ...] [start] [rehearsal]`.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, prepareStage, stageDir } from "./stage-app.js";
import { listStages } from "./stage-tool/index.js";

const last = listStages(ROOT).at(-1)?.n ?? 5;
const args = process.argv.slice(2);
const all = args.length === 0;
const rehearsal = all || args.includes("rehearsal");
/** @type {{ stage: number, server: "partykit" | "start" }[]} */
const runs = all
  ? [
      ...listStages(ROOT).map(({ n }) => ({ stage: n, server: /** @type {const} */ ("partykit") })),
      { stage: last, server: "start" },
    ]
  : args
      .filter((a) => a !== "rehearsal")
      .map((a) =>
        a === "start" ? { stage: last, server: "start" } : { stage: Number(a), server: "partykit" },
      );

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
  playwright(`report-${stage}${server}.json`, {
    STAGE: String(stage),
    STAGE_DIR: dir,
    SERVER: server,
  });
}
if (rehearsal) {
  console.log("\n▶ rehearsal: npm run dev through every stage, Playwright");
  playwright("report-rehearsal.json", { REHEARSAL: "1" });
}

const names = runs.map((r) => (r.server === "start" ? `${r.stage} via npm start` : r.stage));
console.log(`\nruns: ${[...names, ...(rehearsal ? ["rehearsal"] : [])].join(", ")}`);
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
      env: {
        ...process.env,
        ...env,
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
    if (run.status !== 0 && stats.unexpected === 0) failed++;
  } catch {
    failed++; // no report: Playwright itself failed (see above)
  }
}
