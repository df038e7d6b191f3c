// @ts-check
// The contract `npm run dev` relies on: one stdout line with the URL, clean exit on SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("./server.js", import.meta.url));
// Empty folders: no downloaded model and no node-llama-cpp, as on a fresh clone.
const EMPTY = fs.mkdtempSync(path.join(os.tmpdir(), "local-ai-cli-"));
process.on("exit", () => fs.rmSync(EMPTY, { recursive: true, force: true }));

/** @param {string[]} args @param {Record<string, string>} [env] */
function run(args, env = {}) {
  const child = spawn(process.execPath, [SERVER, ...args], {
    env: {
      ...process.env,
      LOCAL_MODEL_PATH: "",
      LOCAL_AI_MODELS_DIR: EMPTY,
      LOCAL_AI_RUNTIME_DIR: EMPTY,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (data) => (stderr += data));
  return { child, stderr: () => stderr, exit: once(child, "exit") };
}

test(
  "prints one listening line, serves, and exits 0 on SIGTERM",
  { timeout: 10_000 },
  async (t) => {
    const { child, exit } = run(["--port", "0", "--delay-ms", "0"]);
    t.after(() => child.kill());
    const [line] = await once(createInterface({ input: child.stdout }), "line");
    const match =
      /^local-ai listening on (http:\/\/127\.0\.0\.1:\d+\/v1) model=offline-demo-model$/.exec(line);
    assert.ok(match, `unexpected stdout line: ${line}`);

    const response = await fetch(`${match[1]}/models`);
    assert.equal(response.status, 200);

    child.kill("SIGTERM");
    assert.deepEqual(await exit, [0, null]);
  },
);

test("explains how to install node-llama-cpp when LOCAL_MODEL_PATH is set without it", async () => {
  const { stderr, exit } = run([], { LOCAL_MODEL_PATH: SERVER }); // any existing file will do
  assert.deepEqual(await exit, [1, null]);
  assert.equal(
    stderr(),
    "local-ai: node-llama-cpp is not installed; run: npm run model -- install\n",
  );
});

test("a bad LOCAL_MODEL_THREADS names the variable", async () => {
  const { stderr, exit } = run([], { LOCAL_MODEL_PATH: SERVER, LOCAL_MODEL_THREADS: "all" });
  assert.deepEqual(await exit, [1, null]);
  assert.equal(
    stderr(),
    'local-ai: LOCAL_MODEL_THREADS must be a whole number, 1 or more (got "all")\n',
  );
});
