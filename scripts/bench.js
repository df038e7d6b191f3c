#!/usr/bin/env node
// @ts-check
// `npm run bench`: every benchmark in scripts/bench/, one after the other (they print numbers).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const only = process.argv.slice(2);
const benches = readdirSync(new URL("./bench/", import.meta.url))
  .filter(
    (file) =>
      file.endsWith(".js") && (only.length === 0 || only.some((name) => file.includes(name))),
  )
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n━━ ${file}`);
  if (
    spawnSync(process.execPath, ["--experimental-websocket", `scripts/bench/${file}`], {
      stdio: "inherit",
    }).status !== 0
  )
    failed++;
}
process.exitCode = failed ? 1 : 0;
