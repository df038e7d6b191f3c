// @ts-check
// Builds one stage as a standalone project in a temporary folder and serves it with a real
// `partykit dev`, so every stage is tested without touching the presenter's working copy.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "./wait-for.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (/** @type {string} */ path) => join(ROOT, "node_modules", path);
/** Whether anything answers HTTP on `url` (and with 2xx, when `ok` is asked for). */
const answers = (/** @type {string} */ url, { ok = false } = {}) =>
  fetch(url).then(
    (response) => !ok || response.ok,
    () => false,
  );

/**
 * The folder a stage is built in: outside the repo, so no `.env` of the presenter's is found,
 * and one per checkout, so two checkouts testing at once never share a build.
 */
export function stageDir(/** @type {number} */ stage) {
  const checkout = createHash("sha256").update(ROOT).digest("hex").slice(0, 8);
  return join(tmpdir(), `party-ai-chat-test-${checkout}`, `stage-${stage}`);
}

/** Runs a command to completion; throws with its output when it fails. */
function run(/** @type {string[]} */ args, /** @type {string} */ cwd) {
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `${args.map((a) => a.replace(ROOT + "/", "")).join(" ")} failed in ${cwd}:\n${result.stdout}${result.stderr}`,
    );
  }
}

/** Exports stage N (scripts/stage export), links node_modules, and builds it with Remix. */
export function prepareStage(/** @type {number} */ stage, { typecheck = false } = {}) {
  const dir = stageDir(stage);
  mkdirSync(dir, { recursive: true });
  run([join(ROOT, "scripts/stage"), "export", String(stage), dir, "--force"], ROOT);
  if (!existsSync(join(dir, "node_modules")))
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  if (typecheck) run([bin("typescript/bin/tsc"), "-p", dir], dir);
  run([bin("@remix-run/dev/dist/cli.js"), "build"], dir);
  return dir;
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Serves a built stage on a free port: with `partykit dev` (`via: "partykit"`), or as a user
 * would preview production, with `npm start` (`via: "start"`: it builds again, then serves).
 * @param {string} dir
 * @param {{ vars?: Record<string, string>, port?: number, via?: "partykit" | "start" }} [options]
 */
export async function startApp(dir, { vars = {}, port, via = "partykit" } = {}) {
  port ??= /** @type {number} */ (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args =
    via === "start"
      ? ["scripts/start.js"]
      : [
          bin("partykit/dist/bin.mjs"),
          "dev",
          "--port",
          String(port),
          "--disable-request-cf-fetch",
          "--no-hotkeys",
          ...Object.entries(vars).flatMap(([key, value]) => ["--var", `${key}=${value}`]),
        ];
  const env = via === "start" ? { ...vars, PORT: String(port) } : {};

  // Its own process group, so stopping it also stops workerd.
  const child = spawn(process.execPath, args, {
    cwd: dir,
    detached: true,
    env: { ...process.env, ...env, NO_UPDATE_NOTIFIER: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolveExit) => child.once("exit", resolveExit));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-(/** @type {number} */ (child.pid)), "SIGTERM");
    } catch {}
    const killed = setTimeout(() => {
      try {
        process.kill(-(/** @type {number} */ (child.pid)), "SIGKILL");
      } catch {}
    }, 3000);
    await exited;
    clearTimeout(killed);
    // workerd may outlive its parent for a moment: a restart on this port must not find it still there.
    await waitFor(async () => !(await answers(url)), {
      message: `workerd still answers on ${url} after partykit dev stopped`,
      interval: 50,
    });
  };

  try {
    await waitFor(
      () => {
        if (/Address already in use/.test(output)) throw new Error(`port ${port} is busy`);
        if (child.exitCode !== null) throw new Error(`${via} exited (code ${child.exitCode})`);
        return answers(url, { ok: true });
      },
      // npm start builds before it serves
      { message: `${via} did not answer on ${url}`, timeout: via === "start" ? 90_000 : 30_000 },
    );
  } catch (error) {
    await stop().catch(() => {}); // what went wrong first is the error to report
    throw new Error(`${/** @type {Error} */ (error).message}:\n${output}`, { cause: error });
  }
  return { url, port, dir, stop, output: () => output };
}
