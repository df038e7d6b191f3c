// @ts-check
// `partykit dev` as a child we supervise: started on a private port chosen free, its output read
// line by line to know when it serves, when it reloaded and when its bundle failed.
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { freePort } from "./ports.js";

const GROUPS = process.platform !== "win32";
const BIN = fileURLToPath(new URL("../../node_modules/partykit/dist/bin.mjs", import.meta.url));
// Lines that only repeat what the dev server says better (its private port, each proxied request).
const QUIET =
  /^(🎈 PartyKit v|-+$|Build succeeded, starting server|\[pk:inf\] (Ready on|Updated and ready on|- http|[A-Z]+ \/))/;

// Its own process group outlives us unless told: if the dev server dies, its runtimes go with it.
/** @type {Set<(signal: NodeJS.Signals) => void>} */
const live = new Set();
process.on("exit", () => live.forEach((signal) => signal("SIGKILL")));

/**
 * Starts partykit dev in `dir` (the snapshot); resolves once it serves.
 * @param {{ dir: string, persist: string, vars: Record<string, string>, log: (line: string) => void }} options
 */
export async function startPartykit(options) {
  for (let attempt = 1; ; attempt++) {
    const runtime = spawnRuntime(await freePort(), options);
    const outcome = await runtime.started;
    if (outcome === "ready") return runtime;
    await runtime.stop();
    // Another process took the port between our check and partykit's bind: pick another one.
    if (outcome === "port busy" && attempt < 5) continue;
    throw new Error(`partykit dev did not start (${outcome}):\n${runtime.output()}`);
  }
}

/** @param {number} port @param {{ dir: string, persist: string, vars: Record<string, string>, log: (line: string) => void }} options */
function spawnRuntime(port, { dir, persist, vars, log }) {
  const args = [BIN, "dev", "--port", String(port), "--persist", persist];
  args.push("--disable-request-cf-fetch", "--no-hotkeys");
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}=${value}`);
  // Its own process group (where there are groups), so stopping it stops workerd too.
  const child = spawn(process.execPath, args, {
    cwd: dir,
    detached: GROUPS,
    env: { ...process.env, NO_UPDATE_NOTIFIER: "1", PWD: dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(signalGroup);
  child.once("exit", () => live.delete(signalGroup));
  const events = new EventEmitter();
  let output = "";
  let reloads = 0;
  let failures = 0;
  let stopping = false;
  const exited = new Promise((resolve) => child.once("exit", resolve));

  /** @type {Promise<"ready" | "port busy" | string>} */
  const started = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve(`exited with ${signal ?? code}`));
    // A worker that throws as it loads leaves partykit dev running but never ready.
    setTimeout(
      () => resolve("not ready after 60 s; a party may throw as it loads"),
      60_000,
    ).unref();
    events.on("line", (/** @type {string} */ line) => {
      if (/Address already in use/.test(line)) resolve("port busy");
      else if (/\[pk:inf\] Ready on/.test(line)) resolve("ready");
    });
  });
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on("line", (raw) => {
      const line = stripVTControlCharacters(raw);
      output += line + "\n";
      if (/Updated and ready on/.test(line)) reloads++;
      if (/\[ERROR\]|Build failed/.test(line)) failures++;
      if (line.trim() && !QUIET.test(line.trim())) log(raw);
      events.emit("line", line);
    });

  return {
    port,
    started,
    output: () => output,
    /** Reloads (workerd restarted with a new bundle) and failed bundles so far. */
    counts: () => ({ reloads, failures }),
    /** Resolves when reloads or failures pass the counts given, or after `ms` with "timeout". */
    waitForChange(/** @type {{ reloads: number, failures: number }} */ since, ms = 30_000) {
      return new Promise((resolve) => {
        const check = () => {
          if (reloads > since.reloads) done("reloaded");
          else if (failures > since.failures) done("failed");
          else if (child.exitCode !== null || child.signalCode !== null) done("exited");
        };
        const timer = setTimeout(() => done("timeout"), ms);
        const done = (/** @type {string} */ result) => {
          clearTimeout(timer);
          events.off("line", check);
          resolve(result);
        };
        events.on("line", check);
        check();
      });
    },
    /** Called once if the process dies on its own. @param {(reason: string) => void} callback */
    onExit(callback) {
      child.once("exit", (code, signal) => stopping || callback(`${signal ?? `exit ${code}`}`));
    },
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) signalGroup("SIGTERM");
      const killer = setTimeout(() => signalGroup("SIGKILL"), 3000);
      await exited;
      clearTimeout(killer);
      signalGroup("SIGKILL"); // workerd, if it outlived its parent
    },
  };

  /** @param {NodeJS.Signals} signal */
  function signalGroup(signal) {
    try {
      if (GROUPS) process.kill(-(/** @type {number} */ (child.pid)), signal);
      else child.kill(signal);
    } catch {}
  }
}

/** @typedef {Awaited<ReturnType<typeof startPartykit>>} Runtime */
