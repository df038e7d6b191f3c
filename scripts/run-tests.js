#!/usr/bin/env node
// @ts-check
// `npm test`: every check, in the order that fails fastest; the last line counts every test.
// `node scripts/run-tests.js unit node` runs only those steps; numbers pick the stages for e2e.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const argv = process.argv.slice(2);
const only = argv.filter((arg) => !/^\d+$/.test(arg));
const stages = argv.filter((arg) => /^\d+$/.test(arg));

/** Test files under `roots` (Node 20's --test finds no .ts files, and takes no globs). */
function testFiles(/** @type {string[]} */ roots) {
  return roots.flatMap((root) =>
    readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter(
        (path) => /\.test\.(js|ts|tsx)$/.test(path) && !/(^|\/)(node_modules|build)\//.test(path),
      )
      .map((path) => join(root, path))
      .sort(),
  );
}
const TEST = ["--import", "tsx", "--experimental-websocket", "--test"];
// scripts/dev.test.js serves the working copy like node tests do; it moves to tests/node/ with dev.js.
const NODE_TESTS = [...testFiles(["tests/node"]), "scripts/dev.test.js"].filter(
  (file, i, all) => existsSync(file) && all.indexOf(file) === i,
);

/** @type {[string, string, string[]][]} */
const steps = [
  ["format", "format (Prettier)", ["node_modules/prettier/bin/prettier.cjs", "--check", "."]],
  ["lint", "lint (ESLint)", ["node_modules/eslint/bin/eslint.js", "."]],
  [
    "types",
    "type-check (working copy, tools, tests)",
    ["node_modules/typescript/bin/tsc", "-p", "."],
  ],
  [
    "unit",
    "unit tests (beside the code: app/, party/, scripts/)",
    [...TEST, ...testFiles(["app", "party", "scripts"]).filter((f) => !NODE_TESTS.includes(f))],
  ],
  ["stages", "stages are consistent", ["scripts/stage", "check"]],
  ["node", "node integration tests (a real partykit dev)", [...TEST, ...NODE_TESTS]],
  ["e2e", "every stage: type-check, build, Playwright", ["scripts/run-e2e.js", ...stages]],
];
const unknown = only.filter((name) => !steps.some(([step]) => step === name));
if (unknown.length) {
  console.error(
    `unknown step ${unknown.join(", ")}; expected: ${steps.map(([s]) => s).join(", ")}`,
  );
  process.exit(1);
}

const failedSteps = [];
let passed = 0;
let failed = 0;
for (const [step, title, args] of steps) {
  if (only.length && !only.includes(step)) continue;
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
