// @ts-check
// Stage 3 acceptance numbers: bytes and frames per client for one long AI reply, our delta stream
// (party/chatroom.ts: coalesced deltas, at most 20 frames/s) against the whole-message-per-token
// pattern of the original demo. Prints numbers; asserts no timing.
// Ours is measured on the wire: stage 3 exported and served by a real `partykit dev`, the room asking a
// real OpenAI-compatible server (scripts/local-ai) through the openai SDK, N raw websocket clients.
// The other pattern is not in the app, so it is computed from the SAME reply: one full `update` frame
// per token the provider emitted, in place of our deltas.
// Usage: node scripts/bench/ai-stream.js [--clients 5] [--tokens 500] [--token-ms 10]
import { once } from "node:events";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createServer } from "../local-ai/server.js";
import { prepareStage, startApp } from "../stage-app.js";

// Node 20 has WebSocket behind a flag (npm run bench sets it); Node 22 has it always.
if (typeof WebSocket !== "function") {
  console.error("ai-stream: run with node --experimental-websocket (npm run bench does)");
  process.exit(1);
}
/** @typedef {WebSocket} Socket */

const STAGE = 3; // fixed, so results stay comparable as later stages are added
const DEADLINE_MS = 60_000;

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        clients: { type: "string", default: "5" },
        tokens: { type: "string", default: "500" },
        "token-ms": { type: "string", default: "10" }, // 500 tokens in ~5 s, a hosted model's pace
      },
    });
  } catch (error) {
    console.error(`ai-stream bench failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
})();
const clients = Number(values.clients);
const tokens = Number(values.tokens);
const tokenMs = Number(values["token-ms"]);

/** @type {string[]} every piece the provider sent, in order: the reply the other pattern is replayed from */
const emitted = [];
/** @type {import("../local-ai/chat-model.js").ChatModel} */
const model = {
  id: "bench-model",
  description: "bench model: numbered words",
  countTokens: (text) => text.split(/\s+/).filter(Boolean).length,
  // Exactly `tokens` pieces whatever max_tokens says: the room asks for MAX_REPLY_TOKENS (300).
  async *generate(_messages, { signal } = {}) {
    emitted.length = 0;
    for (let i = 1; i <= tokens; i++) {
      if (signal?.aborted) return "stop";
      emitted.push(` word${i}`);
      yield ` word${i}`;
    }
    return "stop";
  },
};

/** @type {(() => Promise<void>)[]} undone in reverse order, on success and failure alike */
const cleanups = [];
const cleanup = async () => {
  for (const undo of cleanups.reverse()) await undo().catch(() => {});
};
const deadline = setTimeout(
  () => fail(new Error(`not done within ${DEADLINE_MS / 1000} s`)),
  DEADLINE_MS,
);

let failed = false;
/** @param {unknown} error */
async function fail(error) {
  if (failed) return; // cleaning up after the first failure makes others (closed sockets): one line is enough
  failed = true;
  console.error(
    `ai-stream bench failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
  );
  await cleanup();
  process.exit(1);
}

async function main() {
  if (
    ![clients, tokens, tokenMs].every((n) => Number.isInteger(n) && n >= 0) ||
    clients < 1 ||
    tokens < 1
  ) {
    throw new Error(
      "--clients, --tokens and --token-ms must be whole numbers (clients and tokens at least 1)",
    );
  }
  const provider = createServer({ model, delayMs: tokenMs }).listen(0, "127.0.0.1");
  await once(provider, "listening");
  cleanups.push(async () => {
    provider.closeAllConnections();
    await new Promise((resolve) => provider.close(resolve));
  });
  const { port: aiPort } = /** @type {import("node:net").AddressInfo} */ (provider.address());

  // Serve a private copy: tests rebuild the shared stage folder at any time, and `partykit dev`
  // reloads on change, which would cut our sockets mid-reply.
  const dir = mkdtempSync(join(tmpdir(), "ai-stream-bench-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  cpSync(prepareStage(STAGE), dir, { recursive: true, verbatimSymlinks: true }); // sync export + remix build
  const app = await startApp(dir, {
    vars: {
      OPENAI_BASE_URL: `http://127.0.0.1:${aiPort}/v1`,
      OPENAI_MODEL: model.id,
      AI_TIMEOUT_MS: "30000",
      OPEN_ROOMS: "bench-[\\w-]+",
      CONNECTIONS_PER_ADDRESS: "1000", // every client is on loopback
    },
  });
  cleanups.push(app.stop);

  const room = `${app.url.replace(/^http/, "ws")}/parties/chatroom/bench-${randomUUID().slice(0, 8)}`;
  const sockets = await Promise.all(Array.from({ length: clients }, () => connect(room)));
  cleanups.push(async () => sockets.forEach((ws) => ws.close()));

  // From the send on, each client counts every frame until the reply's final update.
  const started = performance.now();
  const results = sockets.map((ws) => watch(ws, started));
  sockets[0].send(
    JSON.stringify({
      type: "message",
      message: { id: randomUUID(), body: "bench", user: { name: "bench" } },
    }),
  );
  const counts = await Promise.all(results);

  const final = counts[0].final;
  if (final.body !== emitted.join(""))
    throw new Error("the reply in the room differs from what the provider sent");
  // Per-client means: every client gets the same broadcasts, so these are also each client's numbers.
  const mean = (/** @type {Exclude<keyof Counts, "final">} */ key) =>
    counts.reduce((sum, c) => sum + c[key], 0) / clients;
  const ours = { frames: mean("frames"), bytes: mean("bytes"), seconds: mean("seconds") };
  const deltas = { frames: mean("deltaFrames"), bytes: mean("deltaBytes") };

  // Whole message per token: our deltas replaced by one `update` per token carrying the body so far;
  // the other frames (user echo, placeholder, final update) are the same in both patterns.
  let body = "";
  let perToken = 0;
  for (const piece of emitted) {
    body += piece;
    const frame = {
      type: "update",
      message: { ...final, body, status: "streaming", usage: undefined },
    };
    perToken += Buffer.byteLength(JSON.stringify(frame));
  }
  const whole = {
    frames: ours.frames - deltas.frames + emitted.length,
    bytes: ours.bytes - deltas.bytes + perToken,
  };

  const row = (/** @type {string} */ name, /** @type {string[]} */ cells) =>
    name.padEnd(24) + cells.map((cell, i) => cell.padStart([13, 15, 18][i])).join("");
  const rate = (/** @type {number} */ frames) => (frames / ours.seconds).toFixed(1);
  console.log(
    `AI reply streaming, ${emitted.length} tokens at ${tokenMs} ms, ${clients} clients, stage ${STAGE} room` +
      ` (real partykit dev, real openai SDK), reply took ${ours.seconds.toFixed(2)} s`,
  );
  console.log(row("", ["frames/client", "bytes/client", "frames/s/client"]));
  console.log(
    row("delta stream (ours)", [
      String(Math.round(ours.frames)),
      size(ours.bytes),
      rate(ours.frames),
    ]),
  );
  console.log(
    row("whole message per token", [
      String(Math.round(whole.frames)),
      size(whole.bytes),
      rate(whole.frames),
    ]),
  );
  console.log(
    row("ratio", [
      `${(whole.frames / ours.frames).toFixed(1)}x`,
      `${(whole.bytes / ours.bytes).toFixed(1)}x`,
    ]),
  );
  console.log(
    `(both include the same ${Math.round(ours.frames - deltas.frames)} non-streaming frames: user echo, placeholder, final update;` +
      ` ours streamed ${Math.round(deltas.frames)} deltas)`,
  );
}

/** Opens a client and waits for its `history` frame, which comes before anything we count. @param {string} url */
async function connect(url) {
  const ws = new WebSocket(url);
  const first = await new Promise((resolve, reject) => {
    ws.addEventListener("message", (event) => resolve(event.data), { once: true });
    ws.addEventListener("error", () => reject(new Error(`could not connect to ${url}`)), {
      once: true,
    });
  });
  if (JSON.parse(String(first)).type !== "history")
    throw new Error(`expected history first, got ${first}`);
  return ws;
}

/**
 * @typedef {{ frames: number, bytes: number, deltaFrames: number, deltaBytes: number, seconds: number,
 *   final: import("../../party/chatroom.schema").Message }} Counts
 */
/** Counts frames and bytes until the assistant's final update. @param {Socket} ws @param {number} started @returns {Promise<Counts>} */
function watch(ws, started) {
  const count = { frames: 0, bytes: 0, deltaFrames: 0, deltaBytes: 0 };
  return new Promise((resolve, reject) => {
    ws.addEventListener("close", () => reject(new Error("a client was disconnected")));
    ws.addEventListener("message", (event) => {
      const bytes = Buffer.byteLength(String(event.data)); // what the text frame took on the wire
      count.frames++;
      count.bytes += bytes;
      const frame = JSON.parse(String(event.data));
      if (frame.type === "delta") {
        count.deltaFrames++;
        count.deltaBytes += bytes;
      }
      if (frame.type === "error") reject(new Error(`room refused the message: ${frame.message}`));
      const message =
        frame.type === "update" && frame.message.role === "assistant" ? frame.message : null;
      if (message?.status === "error") reject(new Error(`the AI reply failed: ${message.error}`));
      if (message?.status === "done")
        resolve({ ...count, seconds: (performance.now() - started) / 1000, final: message });
    });
  });
}

/** @param {number} bytes */
function size(bytes) {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(2)} MB`;
}

main().then(
  async () => {
    clearTimeout(deadline);
    await cleanup();
    process.exit(0);
  },
  (error) => fail(error),
);
