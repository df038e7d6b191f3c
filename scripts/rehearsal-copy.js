// @ts-check
// A presenter's checkout in a temporary folder, for rehearsals (tests/e2e/rehearsal.spec.ts,
// tests/node/dev.test.js, scripts/bench/stage-switch.js): a stage exported as a project, plus demos/
// and the stage tool so `scripts/stage N` works in it, and `npm run dev` (node scripts/dev.js) on it.
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// One folder per checkout, so two checkouts rehearsing at once never share a copy.
const BASE = join(
  tmpdir(),
  `party-ai-chat-rehearsal-${createHash("sha256").update(ROOT).digest("hex").slice(0, 8)}`,
);

/** Materializes stage `stage` in a folder of its own (`name` keeps parallel copies apart). */
export function makeDevCopy(/** @type {number} */ stage, /** @type {string} */ name) {
  const dir = join(BASE, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const exported = spawnSync(
    process.execPath,
    [join(ROOT, "scripts/stage"), "export", String(stage), dir, "--force"],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (exported.status !== 0) throw new Error(`scripts/stage export failed:\n${exported.stderr}`);
  for (const path of ["demos", "scripts/stage", "scripts/stage-tool"])
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  const id = readdirSync(join(ROOT, "demos"))
    .filter((name) => /^\d+-/.test(name))
    .sort()[stage - 1];
  mkdirSync(join(dir, ".stage"), { recursive: true });
  writeFileSync(join(dir, ".stage/current"), `${id}\n`);
  if (!existsSync(join(dir, "node_modules")))
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Runs `scripts/stage <args>` in the copy; returns when the command returned, as performance.now(). */
export function runStage(/** @type {string} */ dir, /** @type {string[]} */ ...args) {
  const result = spawnSync(process.execPath, ["scripts/stage", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`scripts/stage ${args.join(" ")} failed:\n${result.stderr}`);
  return performance.now();
}

/**
 * Starts `npm run dev` (node scripts/dev.js) in `dir`. Resolves once it printed its address, or with
 * the process still starting when `wait` is false (for the tests that expect it to fail).
 * @param {string} dir @param {{ env?: Record<string, string>, wait?: boolean }} [options]
 */
export async function startDev(dir, { env = {}, wait = true } = {}) {
  const child = spawn(process.execPath, ["scripts/dev.js"], {
    cwd: dir,
    detached: true, // its own process group: stopping it stops partykit, workerd and the local AI
    // Empty values hide any AI of the developer's, as on a fresh machine.
    env: { ...process.env, OPENAI_BASE_URL: "", OPENAI_API_KEY: "", OPENAI_MODEL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const dev = {
    child,
    output: () => output,
    /** @type {Promise<number | null>} */
    exited: /** @type {any} */ (exited),
    url: "",
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-(/** @type {number} */ (child.pid)), "SIGTERM");
      } catch {}
      const killer = setTimeout(() => {
        try {
          process.kill(-(/** @type {number} */ (child.pid)), "SIGKILL");
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(killer);
    },
    /** Resolves with the first match of `pattern` printed after `from` characters of output. */
    waitFor(/** @type {RegExp} */ pattern, from = 0, ms = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`no ${pattern} within ${ms} ms:\n${output}`)),
          ms,
        );
        const check = () => {
          const match = pattern.exec(output.slice(from));
          if (match) done(null, match);
          else if (child.exitCode !== null) done(new Error(`npm run dev exited:\n${output}`));
        };
        /** @param {Error | null} error @param {RegExpExecArray} [match] */
        const done = (error, match) => {
          clearTimeout(timer);
          child.stdout.off("data", check);
          child.stderr.off("data", check);
          child.off("exit", check);
          if (error) reject(error);
          else resolve(/** @type {RegExpExecArray} */ (match));
        };
        child.stdout.on("data", check);
        child.stderr.on("data", check);
        child.on("exit", check);
        check();
      });
    },
  };
  if (wait) {
    const match = await dev.waitFor(/Party AI Chat: (http:\/\/\S+)/);
    dev.url = match[1];
  }
  return dev;
}
