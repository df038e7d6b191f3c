#!/usr/bin/env node
// @ts-check
// `npm test`: every check, in the order that fails fastest; the last line counts every test.
import { spawn } from "node:child_process";

/** @type {[string, string[]][]} */
const steps = [
  ["format (Prettier)", ["node_modules/prettier/bin/prettier.cjs", "--check", "."]],
  ["lint (ESLint)", ["node_modules/eslint/bin/eslint.js", "."]],
  ["type-check (working copy, tools, tests)", ["node_modules/typescript/bin/tsc", "-p", "."]],
  ["unit tests", ["--experimental-websocket", "--test", "scripts/", "tests/node/"]],
  ["stages are consistent", ["scripts/stage", "check"]],
  ["every stage: type-check, build, Playwright", ["scripts/run-e2e.js", ...process.argv.slice(2)]],
];

const failedSteps = [];
let passed = 0;
let failed = 0;
for (const [title, args] of steps) {
  console.log(`\n━━ ${title}`);
  const { status, output } = await run(args);
  // node --test ends with "# pass N" / "# fail N"; run-e2e.js with "e2e: N passed, N failed".
  passed += count(output, /^# pass (\d+)$/m) + count(output, /^e2e: (\d+) passed/m);
  failed += count(output, /^# fail (\d+)$/m) + count(output, /, (\d+) failed$/m);
  if (status !== 0) failedSteps.push(title);
}
if (failedSteps.length) console.log(`\n✖ failed: ${failedSteps.join("; ")}`);
console.log(
  `\ntests: ${passed} passed, ${failed + (failedSteps.length && !failed ? 1 : 0)} failed`,
);
process.exitCode = failedSteps.length ? 1 : 0;

/** Runs node with `args`, showing its output as it comes and keeping a copy. @param {string[]} args */
function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk) => (process.stdout.write(chunk), (output += chunk)));
    child.on("close", (status) => resolve({ status, output }));
  });
}

/** @param {string} text @param {RegExp} pattern */
function count(text, pattern) {
  return Number(pattern.exec(text)?.[1] ?? 0);
}
