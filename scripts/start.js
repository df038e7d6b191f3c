#!/usr/bin/env node
// @ts-check
// `npm start`: the production build on http://localhost:1999, served as it would be deployed:
// the same variables, passed by name; no watcher, no live reload, no dev indicator, no local model.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { describeStage } from "./production/stage-report.js";
import * as settings from "./production/settings.js";

const root = process.cwd();
const port = Number(process.env.PORT ?? 1999);
try {
  const env = settings.readSettings(root);
  settings.checkSettings(env, settings.features(root), { cloud: false });
  if (!(await portIsFree(port)))
    throw new settings.SettingsError(
      `port ${port} is busy: stop what uses it, or PORT=2000 npm start`,
    );
  const built = spawnSync(process.execPath, [bin("@remix-run/dev/dist/cli.js"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (built.status !== 0) throw new settings.SettingsError("the build failed; see above");

  const vars = Object.entries(settings.partyVars(env)).flatMap(([n, v]) => ["--var", `${n}=${v}`]);
  const args = ["dev", "--port", String(port), "--disable-request-cf-fetch", "--no-hotkeys"];
  const server = spawn(process.execPath, [bin("partykit/dist/bin.mjs"), ...args, ...vars], {
    stdio: "inherit",
    env: { ...process.env, NO_UPDATE_NOTIFIER: "1", NODE_ENV: "production" },
  });
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"]))
    process.on(signal, () => server.kill(signal));
  server.once("exit", (code) => (process.exitCode = code ?? 0));
  console.log(`\nProduction build of ${await describeStage(root)}: http://localhost:${port}\n`);
} catch (error) {
  console.error(`✖ start: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}

/** @param {string} path */
function bin(path) {
  return `${root}/node_modules/${path}`;
}

/** @param {number} port @returns {Promise<boolean>} */
function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer().once("error", () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}
