#!/usr/bin/env node
// @ts-check
// `npm run deploy [-- --preview NAME] [--domain HOST]`: check the production settings, build, then
// `partykit deploy`.
// PartyKit's platform by default; your own Cloudflare account when CLOUDFLARE_ACCOUNT_ID and
// CLOUDFLARE_API_TOKEN are set (the partykit CLI reads them).
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { describeStage } from "./production/stage-report.js";
import * as settings from "./production/settings.js";

const root = process.cwd();
try {
  const text = /** @type {const} */ ({ type: "string" });
  const { values } = parseArgs({ options: { preview: text, domain: text } });
  if (values.preview !== undefined && !/^[a-z0-9][a-z0-9-]{0,40}$/.test(values.preview))
    throw new settings.SettingsError(
      `--preview ${values.preview}: use lowercase letters, digits and dashes, e.g. --preview talk`,
    );
  const env = settings.readSettings(root);
  // Every check before anything leaves this machine.
  settings.checkSettings(env, settings.features(root), { cloud: true });
  console.log(`deploy: ${await describeStage(root)}`);

  run([bin("@remix-run/dev/dist/cli.js"), "build"], {});
  const vars = Object.entries(settings.partyVars(env)).flatMap(([n, v]) => ["--var", `${n}=${v}`]);
  const preview = values.preview ? ["--preview", values.preview] : [];
  const domain = values.domain ? ["--domain", values.domain] : []; // your own Cloudflare domain
  // PARTYKIT_CLI lets the tests stand in for the one call that would reach the network.
  const cli = process.env.PARTYKIT_CLI ?? bin("partykit/dist/bin.mjs");
  run([cli, "deploy", ...vars, ...preview, ...domain], settings.cloudflareVars(env));
} catch (error) {
  // parseArgs throws a TypeError for an unknown option.
  const usage =
    error instanceof TypeError
      ? " (usage: npm run deploy -- [--preview NAME] [--domain HOST])"
      : "";
  console.error(`✖ deploy: ${error instanceof Error ? error.message : error}${usage}`);
  process.exitCode = 1;
}

/** A package file's path in this project's node_modules. @param {string} path */
function bin(path) {
  return `${root}/node_modules/${path}`;
}

/** Runs node with `args`; a failure stops the deploy. @param {string[]} args @param {Record<string, string>} env */
function run(args, env) {
  const { status } = spawnSync(process.execPath, args, {
    stdio: "inherit",
    env: { ...process.env, ...env, NO_UPDATE_NOTIFIER: "1" },
  });
  if (status !== 0)
    throw new settings.SettingsError(`${args[1]} failed (exit ${status}); see above`);
}
