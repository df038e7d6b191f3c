// @ts-check
// A stage built in a folder of its own: other test files rebuild the shared stage folder
// (scripts/stage-app.js stageDir) at any time, and `partykit dev` reloads on every change,
// which would cut the fuzz run's sockets.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../../scripts/stage-app.js";

/** Exports stage N into a new temporary folder, links node_modules, builds it with Remix. */
export function buildPrivateStage(/** @type {number} */ stage) {
  const dir = mkdtempSync(join(tmpdir(), `fuzz-stage-${stage}-`));
  const run = (/** @type {string[]} */ args, /** @type {string} */ cwd) => {
    const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
    if (result.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${args.join(" ")} failed in ${cwd}:\n${result.stdout}${result.stderr}`);
    }
  };
  run([join(ROOT, "scripts/stage"), "export", String(stage), dir, "--force"], ROOT);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  run([join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], dir);
  return dir;
}
