// @ts-check
// The variables the parties read, ready at start-up whatever the stage: a later stage that needs one
// finds it set when the switch comes (the AI at stage 3, the usage secret at stage 4).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { PARTY_VARS } from "../production/settings.js"; // every variable a party reads

/**
 * .env under the shell's variables, and the names .env sets: partykit dev would hand every one of
 * them to the parties (it runs in a snapshot folder now, where it finds no .env).
 * @param {string} root
 */
export function readEnv(root) {
  const file = join(root, ".env");
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {};
  return { env: { ...fromFile, ...process.env }, names: [...PARTY_VARS, ...Object.keys(fromFile)] };
}

/**
 * The --var values for partykit dev. Starts the offline model when no AI is named (its process is
 * returned so the caller stops it), and makes a usage secret when none is set.
 * @param {string} root @param {ReturnType<typeof readEnv>} read @param {(line: string) => void} log
 */
export async function partyVars(root, { env, names }, log) {
  /** @type {Record<string, string>} */
  const vars = {};
  for (const name of names) if (env[name]) vars[name] = String(env[name]);
  /** @type {import("node:child_process").ChildProcess | null} */
  let localAi = null;
  if (vars.OPENAI_BASE_URL) log(`AI: ${vars.OPENAI_BASE_URL}`);
  else if (vars.OPENAI_API_KEY) log("AI: OpenAI (OPENAI_API_KEY is set)");
  else {
    const started = await startLocalModel(root, env.LOCAL_MODEL_PATH ?? "");
    localAi = started.child;
    Object.assign(vars, started.vars);
    log(`AI: ${started.vars.OPENAI_MODEL} (local, offline) at ${started.vars.OPENAI_BASE_URL}`);
  }
  // The usage party refuses reports without this secret: never leave it open by accident.
  vars.USAGE_SECRET ??= randomBytes(24).toString("hex");
  return { vars, localAi };
}

/** scripts/local-ai on a free port; resolves once it listens. @param {string} root @param {string} modelPath */
function startLocalModel(root, modelPath) {
  const child = spawn(process.execPath, ["scripts/local-ai/server.js", "--port", "0"], {
    cwd: root,
    env: { ...process.env, LOCAL_MODEL_PATH: modelPath },
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.on("exit", () => child.kill()); // it goes when the dev server goes, however that ends
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (\S+) model=(\S+)/.exec(out);
      if (match) resolve({ child, vars: { OPENAI_BASE_URL: match[1], OPENAI_MODEL: match[2] } });
    });
    child.once("exit", (code) =>
      reject(new Error(`the local model server stopped (exit ${code})`)),
    );
  });
}
