#!/usr/bin/env node
// @ts-check
// `npm run dev`: the current stage on http://localhost:1999, rebuilt on every edit.
// From stage 3 on it also picks the AI the room talks to, starting our offline model when none is set.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { parseEnv } from "node:util";
import { joinVars, printJoinInfo } from "./join-info.js";
import { PARTY_VARS } from "./production/settings.js";

const PORT = Number(process.env.PORT ?? 1999);
/** @type {import("node:child_process").ChildProcess[]} */
const children = [];
let stopping = false;
// Variables the parties read; forwarded from the shell (partykit itself reads only .env).
const FORWARDED = PARTY_VARS;

const env = {
  ...(existsSync(".env") ? parseEnv(readFileSync(".env", "utf8")) : {}),
  ...process.env,
};
/** @type {Record<string, string>} */
const vars = Object.fromEntries(
  FORWARDED.filter((name) => env[name]).map((name) => [name, String(env[name])]),
);
// `remix dev -c` splits its command on spaces, with no shell to quote for.
for (const [name, value] of Object.entries(vars))
  if (/\s/.test(value)) fail(`${name} must not contain spaces`);

if (!(await portIsFree(PORT))) {
  fail(`port ${PORT} is busy: stop the other dev server (or run PORT=2000 npm run dev)`);
}

// The AI: a server you named, else OpenAI with your key, else our offline model (stage 3 on).
if (existsSync("party/ai.ts")) {
  if (vars.OPENAI_BASE_URL) console.log(`AI: ${vars.OPENAI_BASE_URL}`);
  else if (vars.OPENAI_API_KEY) console.log("AI: OpenAI (OPENAI_API_KEY is set)");
  else Object.assign(vars, await startLocalModel());
}
// The usage party refuses POSTs without this secret: never leave it open by accident.
if (existsSync("party/usage.ts") && !vars.USAGE_SECRET)
  vars.USAGE_SECRET = randomBytes(24).toString("hex");

Object.assign(vars, joinVars(PORT)); // the address phones can reach, for the join page

const partykit = [
  "partykit dev",
  `--port ${PORT}`,
  "--disable-request-cf-fetch",
  "--no-hotkeys",
  ...Object.entries(vars).map(([name, value]) => `--var ${name}=${value}`),
].join(" ");
// Remix rebuilds on every edit; partykit dev reloads the new build and the parties.
run("node_modules/.bin/remix", ["dev", "--manual", "-c", partykit], { NO_UPDATE_NOTIFIER: "1" });
console.log(`\nParty AI Chat: http://localhost:${PORT}  (Ctrl-C to stop)\n`);
await printJoinInfo(PORT);
watchRuntime();

/** partykit dev keeps running when its runtime dies (a crash, too many open files): say so loudly. */
function watchRuntime() {
  let answered = false;
  let misses = 0;
  setInterval(async () => {
    const ok = await listening(PORT);
    if (ok) return void ((answered = true), (misses = 0));
    if (answered && ++misses === 3) {
      console.error(
        `\n✖ dev: nothing answers on port ${PORT} any more; the PartyKit runtime died (see above). Restart npm run dev.\n`,
      );
    }
  }, 5000);
}

/**
 * Starts scripts/local-ai; resolves with the variables that point the room at it once it listens.
 * @returns {Promise<Record<string, string>>}
 */
function startLocalModel() {
  return new Promise((resolve, reject) => {
    const extraEnv = { LOCAL_MODEL_PATH: env.LOCAL_MODEL_PATH ?? "" }; // .env counts too
    const child = run(process.execPath, ["scripts/local-ai/server.js", "--port", "0"], extraEnv, [
      "ignore",
      "pipe",
      "inherit",
    ]);
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (\S+) model=(\S+)/.exec(out);
      if (!match) return;
      console.log(`AI: ${match[2]} (local, offline) at ${match[1]}`);
      resolve({ OPENAI_BASE_URL: match[1], OPENAI_MODEL: match[2] });
    });
    child.once("exit", () => reject(new Error("the local model server stopped")));
  });
}

/**
 * @param {string} command @param {string[]} args @param {Record<string, string>} extraEnv
 * @param {import("node:child_process").StdioOptions} [stdio]
 */
function run(command, args, extraEnv, stdio = "inherit") {
  const child = spawn(command, args, { stdio, env: { ...process.env, ...extraEnv } });
  children.push(child);
  child.once("exit", (code, signal) => {
    if (stopping) return;
    fail(
      `${command.split("/").pop()} stopped (${signal ?? `exit ${code}`}); the dev server is down`,
    );
  });
  return child;
}

/** @returns {never} */
function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => stop());
process.on("SIGTERM", () => stop());

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`\n✖ dev: ${message}`);
  return stop(1);
}

/** A bare TCP connect: enough to know workerd listens, and no request line in the log. @param {number} port */
function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** @param {number} port */
function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer().once("error", () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}
