#!/usr/bin/env node
// @ts-check
// `npm test`: every check, in the order that fails fastest.
import { spawnSync } from "node:child_process";

/** @type {[string, string[]][]} */
const steps = [
  ["type-check (working copy, tools, tests)", ["node_modules/typescript/bin/tsc", "-p", "."]],
  ["unit tests", ["--experimental-websocket", "--test", "scripts/"]],
  ["stages are consistent", ["scripts/stage", "check"]],
  ["every stage: type-check, build, Playwright", ["scripts/run-e2e.js", ...process.argv.slice(2)]],
];

const failed = [];
for (const [title, args] of steps) {
  console.log(`\n━━ ${title}`);
  const { status } = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (status !== 0) failed.push(title);
}
console.log(failed.length ? `\n✖ failed: ${failed.join("; ")}` : "\n✔ all checks passed");
process.exitCode = failed.length ? 1 : 0;
