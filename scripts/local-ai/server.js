// @ts-check
// An OpenAI-compatible chat-completions server for offline development. `npm run dev` starts it when
// no AI provider is configured and points the room at it with OPENAI_BASE_URL=http://127.0.0.1:<port>/v1.
// Usage: node scripts/local-ai/server.js --help
import http from "node:http";
import os from "node:os";
import { once } from "node:events";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setTimeout as sleep, setImmediate as immediate } from "node:timers/promises";
import { createQueue } from "./queue.js";
import { loadCorpus } from "./corpus.js";
import { createNgramModel } from "./ngram-model.js";
import { selectedModel } from "./model-cache.js";
import { DEFAULT_THREADS, loadLlamaModel, measureSpeed, threadsFromEnv } from "./llama-model.js";
import * as protocol from "./openai-protocol.js";

/** @typedef {import("./chat-model.js").ChatModel} ChatModel */
/** @typedef {import("./chat-model.js").FinishReason} FinishReason */

export const DEFAULT_CONCURRENCY = Math.max(1, os.availableParallelism() - 1);
export const DEFAULT_TOKEN_DELAY_MS = 15;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};

/**
 * @typedef {object} ServerOptions
 * @property {ChatModel} model
 * @property {number} [concurrency]  generations that may run at once; the rest wait in arrival order
 * @property {number} [delayMs]  pause after each streamed piece, so a UI visibly streams
 * @property {(line: string) => void} [log]
 *
 * @typedef {{ id: string, outcome: FinishReason | "aborted" | "error", pieces: number }} GenerationEnd
 */

/**
 * An http.Server for /v1/models and /v1/chat/completions. It emits "generation-start" ({ id, created, model })
 * and "generation-end" (GenerationEnd), so tests and tools can watch generations begin and end.
 * @param {ServerOptions} options
 */
export function createServer({
  model,
  concurrency = DEFAULT_CONCURRENCY,
  delayMs = 0,
  log = () => {},
}) {
  const queue = createQueue(concurrency);
  const created = Math.floor(Date.now() / 1000);

  const server = http.createServer((req, res) => {
    const started = performance.now();
    /** @type {string[]} */
    const notes = [];
    // Logged when the handler is done, not when the socket closes: a client that hangs up closes
    // it before the generation has stopped and said how it ended.
    route(req, res, notes)
      .catch((error) => fail(res, error))
      .finally(() => {
        const ms = Math.round(performance.now() - started);
        log([req.method, req.url, res.statusCode, ...notes, `${ms}ms`].join(" "));
      });
  });

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string[]} notes */
  async function route(req, res, notes) {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === "/v1/models") {
      if (allow(req, res, "GET")) json(res, 200, protocol.modelList([model.id], created));
    } else if (pathname === `/v1/models/${encodeURIComponent(model.id)}`) {
      if (allow(req, res, "GET")) json(res, 200, protocol.modelObject(model.id, created));
    } else if (pathname === "/v1/chat/completions") {
      if (allow(req, res, "POST")) await chatCompletions(req, res, notes);
    } else {
      json(
        res,
        404,
        protocol.errorBody(`Unknown route: ${req.method} ${pathname}`, { code: "unknown_url" }),
      );
    }
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string[]} notes */
  async function chatCompletions(req, res, notes) {
    const request = protocol.parseChatRequest(await readBody(req));
    const abort = new AbortController();
    // "close" comes when the reply is done or the client hung up; either way nothing more is needed.
    res.on("close", () => abort.abort());
    const release = await queue.acquire(abort.signal).catch(() => null);
    if (!release) return void notes.push("(left while queued)");

    const meta = {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: model.id,
    };
    /** @type {GenerationEnd} */
    const end = { id: meta.id, outcome: "error", pieces: 0 };
    server.emit("generation-start", meta);
    try {
      const { maxTokens, temperature, seed, stream } = request;
      /** @type {import("./chat-model.js").TokenCounts | undefined} */
      let counted;
      const generation = model.generate(request.messages, {
        maxTokens,
        temperature,
        seed,
        signal: abort.signal,
        onUsage: (tokens) => (counted = tokens),
      });
      if (stream) {
        res.writeHead(200, SSE_HEADERS);
        res.write(protocol.sse(protocol.chunk(meta, { role: "assistant", content: "" })));
      }
      let reply = "";
      let firstPiece = 0;
      const finish = await drain(generation, abort.signal, async (piece) => {
        firstPiece ||= performance.now();
        reply += piece;
        end.pieces++;
        if (!stream) return;
        await write(res, protocol.sse(protocol.chunk(meta, { content: piece })), abort.signal);
        await pace(abort.signal);
      });
      end.outcome = finish ?? "aborted";
      notes.push(stream ? "stream" : "json", `${end.pieces} pieces`, end.outcome);
      if (!finish) return; // the client is gone; there is no one to answer

      const usage = protocol.usage(model.countTokens, request.messages, reply, counted);
      if (counted && usage.completion_tokens > 1)
        notes.push(`${perSecond(usage.completion_tokens - 1, firstPiece)} tok/s`);
      if (!stream) return json(res, 200, protocol.completion(meta, reply, finish, usage));
      res.write(protocol.sse(protocol.chunk(meta, {}, finish)));
      if (request.includeUsage) res.write(protocol.sse(protocol.usageChunk(meta, usage)));
      res.end(protocol.sse("[DONE]"));
    } finally {
      release();
      server.emit("generation-end", end);
    }
  }

  /** @param {AbortSignal} signal */
  function pace(signal) {
    // Even with no delay, yield to the event loop so a hang-up is noticed between pieces.
    return delayMs > 0 ? sleep(delayMs, undefined, { signal }).catch(() => {}) : immediate();
  }

  /** @param {http.ServerResponse} res @param {unknown} error */
  function fail(res, error) {
    const known = error instanceof protocol.RequestError;
    const body = known
      ? protocol.errorBody(error.message, { param: error.param, code: error.code })
      : protocol.errorBody(`The local model failed: ${String(error)}`, { type: "server_error" });
    if (!known) log(`error: ${error instanceof Error ? error.stack : String(error)}`);
    if (!res.headersSent) return json(res, known ? error.status : 500, body);
    if (!res.writableEnded) res.end(protocol.sse(body)); // mid-stream: the SDK raises this as an APIError
  }

  return Object.assign(server, { queue, model });
}

/**
 * Feeds each piece to `onPiece`; returns the finish reason, or null once `signal` has aborted.
 * @param {AsyncGenerator<string, FinishReason>} generation
 * @param {AbortSignal} signal
 * @param {(piece: string) => Promise<void>} onPiece
 */
async function drain(generation, signal, onPiece) {
  try {
    for (;;) {
      const step = await generation.next();
      if (signal.aborted) return null;
      if (step.done) return step.value;
      await onPiece(step.value);
    }
  } finally {
    await generation.return("stop"); // runs the model's cleanup (llama.cpp frees its sequence)
  }
}

/** How fast a real model made its reply, for the request log. @param {number} tokens @param {number} since */
function perSecond(tokens, since) {
  return ((tokens * 1000) / (performance.now() - since)).toFixed(1);
}

/** Tokens per second, as the terminal shows them. @param {number} speed */
const formatSpeed = (speed) => speed.toFixed(speed < 10 ? 1 : 0);

/** @param {http.IncomingMessage} req */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    // Keep reading past the limit without storing, so the client is still there to get the 413.
    if (size <= protocol.MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > protocol.MAX_BODY_BYTES) {
    throw new protocol.RequestError(
      413,
      `The request body is larger than ${protocol.MAX_BODY_BYTES} bytes.`,
      {
        code: "request_too_large",
      },
    );
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** @param {http.ServerResponse} res @param {string} data @param {AbortSignal} signal */
async function write(res, data, signal) {
  if (!res.write(data)) await once(res, "drain", { signal }).catch(() => {});
}

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} method */
function allow(req, res, method) {
  if (req.method === method) return true;
  json(
    res,
    405,
    protocol.errorBody(`Use ${method} for ${req.url}.`, { code: "method_not_allowed" }),
    { allow: method },
  );
  return false;
}

/** @param {http.ServerResponse} res @param {number} status @param {object} body @param {Record<string, string>} [headers] */
function json(res, status, body, headers = {}) {
  res
    .writeHead(status, { "content-type": "application/json", ...headers })
    .end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------------------------------
// CLI

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HELP = `Usage: node scripts/local-ai/server.js [options]

Serves an OpenAI-compatible API (GET /v1/models, POST /v1/chat/completions) on loopback. It runs
the first of: LOCAL_MODEL_PATH; the model \`npm run model\` downloaded and selected; else the offline
demo model, word trigrams learned from the project's markdown at start-up, which does not follow
instructions.

Options:
  --port N          port to listen on; 0 picks a free one (default 0)
  --host H          address to bind (default 127.0.0.1)
  --concurrency N   generations at once; others wait in order (default ${DEFAULT_CONCURRENCY})
  --delay-ms N      pause after each streamed token (default ${DEFAULT_TOKEN_DELAY_MS}, or 0 for a GGUF model)
  -h, --help        show this help

Environment:
  LOCAL_MODEL_PATH=/path/model.gguf   run that model with node-llama-cpp (npm run model -- install)
  LOCAL_MODEL_THREADS=N               CPU threads for a GGUF model (default ${DEFAULT_THREADS}: half the cores)
  LOCAL_AI_MODELS_DIR=DIR             where npm run model keeps models (default .cache/models)
  LOCAL_AI_TOKEN_DELAY_MS=N           same as --delay-ms

On listening it prints one line to stdout; speed (generation tokens per second, measured at
start-up) is there for GGUF models only:
  local-ai listening on http://127.0.0.1:<port>/v1 model=<id> [speed=<n>tok/s]
`;

/** @param {string} line */
const logToStderr = (line) => void process.stderr.write(`local-ai: ${line}\n`);

async function main() {
  const { values } = parseArgs({
    strict: true,
    options: {
      port: { type: "string", default: "0" },
      host: { type: "string", default: "127.0.0.1" },
      concurrency: { type: "string", default: String(DEFAULT_CONCURRENCY) },
      "delay-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void process.stdout.write(HELP);

  const modelPath = process.env.LOCAL_MODEL_PATH || selectedModel();
  const port = integerOption("--port", values.port, 0, 65535);
  const concurrency = integerOption("--concurrency", values.concurrency, 1);
  const delayMs = integerOption(
    "--delay-ms",
    values["delay-ms"] ??
      process.env.LOCAL_AI_TOKEN_DELAY_MS ??
      String(modelPath ? 0 : DEFAULT_TOKEN_DELAY_MS),
    0,
  );

  const { model, speed } = await loadModel(modelPath, concurrency);
  const server = createServer({ model, concurrency, delayMs, log: logToStderr });
  server.listen(port, values.host);
  await once(server, "listening"); // rejects with the "error" event, e.g. EADDRINUSE
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/v1`;
  const measured = speed === undefined ? "" : ` speed=${formatSpeed(speed)}tok/s`;
  process.stdout.write(`local-ai listening on ${url} model=${model.id}${measured}\n`);

  let closing = false;
  const shutdown = async () => {
    if (closing) process.exit(1); // a second Ctrl-C means now
    closing = true;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections(); // hangs up open streams, which aborts their generations
    await closed;
    await model.close?.();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

/**
 * @param {string | null | undefined} modelPath  a GGUF file, or nothing for the trigram model
 * @param {number} sequences
 * @returns {Promise<{ model: ChatModel, speed?: number }>}
 */
async function loadModel(modelPath, sequences) {
  if (modelPath) {
    const threads = threadsFromEnv();
    const model = await loadLlamaModel({ modelPath, sequences, threads });
    const speed = await measureSpeed(model);
    logToStderr(`loaded ${model.description}: ${formatSpeed(speed)} tokens/s`);
    return { model, speed };
  }
  const started = performance.now();
  const corpus = loadCorpus(ROOT);
  const model = createNgramModel({ text: corpus.text });
  const from =
    corpus.sources.length === 1 ? corpus.sources[0] : `${corpus.sources.length} markdown files`;
  const ms = Math.round(performance.now() - started);
  logToStderr(`${model.description}: learned ${corpus.words} words from ${from} in ${ms}ms`);
  logToStderr("for a model that follows prompts, run: npm run model");
  return { model };
}

/** @param {string} flag @param {string} value @param {number} min @param {number} [max] */
function integerOption(flag, value, min, max = Infinity) {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    const range = max === Infinity ? `${min} or more` : `from ${min} to ${max}`;
    throw new Error(`${flag} must be a whole number ${range} (got "${value}"); see --help`);
  }
  return number;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    const usageHint = String(error?.code).startsWith("ERR_PARSE_ARGS") ? "; see --help" : "";
    logToStderr((error instanceof Error ? error.message : String(error)) + usageHint);
    process.exit(1);
  });
}
