// @ts-check
// The real local-model path, end to end: `npm run model` installs node-llama-cpp on demand, the
// local server runs a real GGUF (a 1.2 MB TinyStories llama, not instruction-tuned) and streams it
// through the openai SDK, and a download from a loopback server becomes the model it runs.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MODEL_CLI = path.join(ROOT, "scripts/local-ai/model-cli.js");
const SERVER = path.join(ROOT, "scripts/local-ai/server.js");
const GGUF = path.resolve(
  process.env.TEST_GGUF || path.join(ROOT, "../shared/fixtures/stories260K.gguf"),
);
const INSTALL_TIMEOUT_MS = 5 * 60_000;

const skip = fs.existsSync(GGUF)
  ? false
  : `no test model at ${GGUF}: put stories260K.gguf in ../shared/fixtures/ or set TEST_GGUF`;
if (skip) console.log(`skipping the real-model tests: ${skip}`);

/** A temporary folder, removed when the process ends. */
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-model-test-"));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Runs a script to its end.
 * @param {string} script @param {string[]} args @param {Record<string, string>} env
 * @param {number} [timeout]
 */
async function runToEnd(script, args, env, timeout = 60_000) {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (data) => (stdout += data));
  child.stderr.on("data", (data) => (stderr += data));
  const [code, signal] = await once(child, "exit");
  return { code, signal, stdout, stderr };
}

/**
 * Starts the local-ai server the way `npm run dev` does and waits for its listening line.
 * @param {Record<string, string>} env @param {string[]} [args]
 */
async function startServer(env, args = []) {
  const child = spawn(process.execPath, [SERVER, "--port", "0", "--concurrency", "1", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (data) => (stderr += data));
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`the server exited (${code}) before listening:\n${stderr}`);
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = await Promise.race([once(lines, "line"), exited]);
  const match = /^local-ai listening on (\S+) model=(\S+) speed=(\d+(?:\.\d)?)tok\/s$/.exec(line);
  assert.ok(match, `unexpected listening line: ${line}\n${stderr}`);
  return {
    baseURL: match[1],
    model: match[2],
    speed: Number(match[3]),
    log: () => stderr,
    async stop() {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

/** @param {string} file */
const sha256 = (file) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/**
 * Waits until `condition` holds: for the server's log, which no client can see.
 * @param {() => boolean} condition @param {() => string} what  said on timeout
 */
async function waitFor(condition, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Bounded: the install, plus two minutes for the rest on a busy machine.
const timeout = INSTALL_TIMEOUT_MS + 120_000;

describe("a real GGUF model through node-llama-cpp", { skip, timeout }, () => {
  const emptyModels = tempDir();

  before(async () => {
    // What a fresh clone does: the command installs node-llama-cpp itself (a no-op when it is there).
    const { code, signal, stderr } = await runToEnd(MODEL_CLI, ["install"], {}, INSTALL_TIMEOUT_MS);
    assert.equal(code, 0, `npm run model -- install failed (${signal ?? code}):\n${stderr}`);
  });

  describe("LOCAL_MODEL_PATH", () => {
    /** @type {Awaited<ReturnType<typeof startServer>>} */
    let server;
    /** @type {OpenAI} */
    let client;
    before(async () => {
      // Paced, so a hang-up lands mid-stream: this model ends most stories within 0.1 s.
      const env = { LOCAL_MODEL_PATH: GGUF, LOCAL_AI_MODELS_DIR: emptyModels };
      server = await startServer(env, ["--delay-ms", "10"]);
      client = new OpenAI({ baseURL: server.baseURL, apiKey: "unused", maxRetries: 0 });
    });
    after(() => server?.stop());

    test("the server loads it, names it and says how fast it is", () => {
      assert.equal(server.model, path.basename(GGUF));
      assert.ok(server.speed > 0, `speed=${server.speed}`);
      assert.match(
        server.log(),
        /loaded \S+ via node-llama-cpp \(CPU, \d+ threads?\): [\d.]+ tokens\/s/,
      );
    });

    test("streams an answer through the openai SDK, ending at max_tokens, with usage", async () => {
      const stream = await client.chat.completions.create({
        model: "whatever-the-room-asks-for",
        messages: [{ role: "user", content: "Once upon a time" }],
        max_tokens: 12,
        stream: true,
        stream_options: { include_usage: true },
      });
      /** @type {string[]} */
      const pieces = [];
      /** @type {string | null} */
      let finish = null;
      /** @type {OpenAI.CompletionUsage | null | undefined} */
      let usage;
      for await (const chunk of stream) {
        assert.equal(chunk.model, path.basename(GGUF));
        const content = chunk.choices[0]?.delta.content;
        if (content) pieces.push(content);
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      assert.match(pieces.join(""), /\w/);
      assert.ok(pieces.length > 1, "the answer came in pieces");
      assert.equal(finish, "length");
      assert.equal(usage?.completion_tokens, 12); // llama.cpp's own count, not an estimate
      assert.ok((usage?.prompt_tokens ?? 0) > 0);
      assert.equal(usage?.total_tokens, (usage?.prompt_tokens ?? 0) + 12);
    });

    test("a non-streamed answer stops at max_tokens too", async () => {
      const completion = await client.chat.completions.create({
        model: "any",
        messages: [{ role: "user", content: "The little dog" }],
        max_tokens: 5,
      });
      assert.equal(completion.choices[0].finish_reason, "length");
      assert.equal(completion.usage?.completion_tokens, 5);
      assert.match(completion.choices[0].message.content ?? "", /\w/);
    });

    test("a client hanging up ends the generation and frees the model for the next", async () => {
      const abort = new AbortController();
      const stream = await client.chat.completions.create(
        {
          model: "any",
          messages: [{ role: "user", content: "Tell me a very long story" }],
          max_tokens: 1500,
          stream: true,
        },
        { signal: abort.signal },
      );
      let chunks = 0;
      // The SDK ends the iteration quietly on abort, as a user's Stop would.
      for await (const _chunk of stream) if (++chunks === 3) abort.abort();
      assert.equal(chunks, 3);

      // The server noticed mid-stream, ended the generation and logged it.
      const aborted = /stream (\d+) pieces aborted/;
      await waitFor(
        () => aborted.test(server.log()),
        () => `the server logs the abort:\n${server.log()}`,
      );
      const pieces = Number(aborted.exec(server.log())?.[1]);
      assert.ok(pieces >= 2 && pieces < 1500, `${pieces} pieces`); // 3 chunks: the role, 2 pieces

      // One sequence only (--concurrency 1): this answer needs the one the aborted request freed.
      const next = await client.chat.completions.create({
        model: "any",
        messages: [{ role: "user", content: "Once upon a time" }],
        max_tokens: 4,
      });
      assert.equal(next.usage?.completion_tokens, 4);
    });
  });

  describe("npm run model", () => {
    const models = tempDir();
    /** @type {http.Server} */
    let files;
    let url = "";
    before(async () => {
      // The network edge: a plain file server on loopback, standing in for Hugging Face.
      files = http.createServer((req, res) => {
        if (req.url !== "/models/stories260K.gguf") return void res.writeHead(404).end();
        res.writeHead(200, {
          "content-type": "application/octet-stream",
          "content-length": fs.statSync(GGUF).size,
        });
        if (req.method === "HEAD") return void res.end();
        fs.createReadStream(GGUF).pipe(res);
      });
      files.listen(0, "127.0.0.1");
      await once(files, "listening");
      const { port } = /** @type {import("node:net").AddressInfo} */ (files.address());
      url = `http://127.0.0.1:${port}/models/stories260K.gguf`;
    });
    after(() => files?.close());

    test("downloads a URL into the cache with progress, and the server then runs it", async () => {
      const env = { LOCAL_AI_MODELS_DIR: models };
      const download = await runToEnd(MODEL_CLI, [url], env);
      assert.equal(download.code, 0, download.stderr);
      assert.match(
        download.stderr,
        /^model: fetching http:\/\/127\.0\.0\.1:\d+\/models\/stories260K\.gguf/m,
      );
      assert.match(download.stderr, /^\[#{24}\] 100% {2}1\.2 MB of 1\.2 MB$/m);
      assert.match(download.stdout, /^✔ stories260K\.gguf downloaded and selected;/m);
      assert.equal(sha256(path.join(models, "stories260K.gguf")), sha256(GGUF));

      const list = await runToEnd(MODEL_CLI, ["list"], env);
      assert.equal(list.stdout, "* stories260K.gguf  1.2 MB\n");

      // No LOCAL_MODEL_PATH: the server finds the downloaded model by itself.
      const server = await startServer({ ...env, LOCAL_MODEL_PATH: "" });
      try {
        assert.equal(server.model, "stories260K.gguf");
      } finally {
        await server.stop();
      }
    });

    test("the default model, once downloaded, is found again with no network", async () => {
      const offline = tempDir();
      const file = path.join(offline, "SmolLM2-360M-Instruct-Q4_K_M.gguf");
      fs.writeFileSync(file, "stands in for the 271 MB download");
      const { code, stdout, stderr } = await runToEnd(MODEL_CLI, [], {
        LOCAL_AI_MODELS_DIR: offline,
        LOCAL_AI_DOWNLOAD_TIMEOUT_S: "5", // if it did go to the network, fail fast
      });
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^✔ SmolLM2-360M-Instruct-Q4_K_M\.gguf was already here; selected;/m);
      assert.doesNotMatch(stderr, /%/); // no download progress
      assert.equal(
        fs.readFileSync(path.join(offline, "selected"), "utf8"),
        `${path.basename(file)}\n`,
      );
    });

    test("a failed download names the URL and the fix, and leaves no model behind", async () => {
      const missing = url.replace("stories260K", "missing");
      const { code, stderr } = await runToEnd(MODEL_CLI, [missing], {
        LOCAL_AI_MODELS_DIR: models,
      });
      assert.equal(code, 1);
      assert.match(
        stderr,
        new RegExp(`^model: could not download ${missing}: .+; check the network`, "m"),
      );
      assert.ok(!fs.existsSync(path.join(models, "missing.gguf")));
    });

    test("a download that stalls gives up, saying so, instead of retrying for minutes", async (t) => {
      const silent = http.createServer(() => {}); // accepts, never answers: a dead network
      silent.listen(0, "127.0.0.1");
      await once(silent, "listening");
      t.after(() => (silent.closeAllConnections(), silent.close()));
      const { port } = /** @type {import("node:net").AddressInfo} */ (silent.address());
      const { code, stderr } = await runToEnd(MODEL_CLI, [`http://127.0.0.1:${port}/m.gguf`], {
        LOCAL_AI_MODELS_DIR: models,
        LOCAL_AI_DOWNLOAD_TIMEOUT_S: "1",
      });
      assert.equal(code, 1);
      assert.match(
        stderr,
        new RegExp(`: no data from 127\\.0\\.0\\.1:${port} for 1 s; check the network`),
      );
    });

    test("names the fix for an unknown model", async () => {
      const { code, stderr } = await runToEnd(MODEL_CLI, ["gpt-5"], {
        LOCAL_AI_MODELS_DIR: models,
      });
      assert.equal(code, 1);
      assert.match(
        stderr,
        /^model: unknown command or model "gpt-5"; commands: download, list, use, install, help; see: npm run model -- help$/m,
      );
    });
  });
});
