// @ts-check
// A real local LLM behind the same ChatModel interface: a .gguf file run by node-llama-cpp on the CPU.
// node-llama-cpp is not a dependency: `npm run model` installs it on demand (llama-runtime.js).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { lastUserText } from "./chat-model.js";
import { importLlamaCpp as importFromCache, prebuiltBuild } from "./llama-runtime.js";

/** @typedef {import("./chat-model.js").ChatModel} ChatModel */
/** @typedef {import("./chat-model.js").ChatMessage} ChatMessage */

/**
 * Half the cores, at least one. llama.cpp's threads spin while they wait for each other, so one
 * thread per core (or its default of 4) makes them fight every other process: on a busy 2-core
 * machine 2 threads ran a tiny model about 50 times slower than 1.
 */
export const DEFAULT_THREADS = Math.max(1, Math.floor(os.availableParallelism() / 2));

/** LOCAL_MODEL_THREADS, checked, else DEFAULT_THREADS. */
export function threadsFromEnv(value = process.env.LOCAL_MODEL_THREADS) {
  if (!value) return DEFAULT_THREADS;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new Error(`LOCAL_MODEL_THREADS must be a whole number, 1 or more (got "${value}")`);
  }
  return Number(value);
}

/**
 * @param {object} options
 * @param {string} options.modelPath  a .gguf file
 * @param {number} [options.sequences]  generations that may run at once (match the server's concurrency)
 * @param {number} [options.threads]
 * @param {() => Promise<any>} [options.importLlamaCpp]  tests pass a fake module here
 * @returns {Promise<ChatModel>}
 */
export async function loadLlamaModel({
  modelPath,
  sequences = 1,
  threads = DEFAULT_THREADS,
  importLlamaCpp = () => importFromCache(),
}) {
  if (!fs.existsSync(modelPath)) throw new Error(`model file not found: ${modelPath}`);
  const llamaCpp = await importLlamaCpp();
  // The build the on-demand install fetched (CPU, or Metal on Apple Silicon); never compile one.
  const { gpu } = prebuiltBuild();
  const llama = await llamaCpp.getLlama({ gpu, build: "never", logLevel: "error" });
  const model = await llama.loadModel({ modelPath });
  // A chat room's history fits in 4096 tokens; a model's full window (32K for Qwen) per sequence
  // would take hundreds of MB of memory for nothing.
  const context = await model.createContext({ threads, sequences, contextSize: { max: 4096 } });
  const name = path.basename(modelPath);
  const plural = threads === 1 ? "thread" : "threads";

  return {
    id: name,
    description: `${name} via node-llama-cpp (${gpu || "CPU"}, ${threads} ${plural})`,
    countTokens: (text) => model.tokenize(text).length,
    async *generate(messages, { maxTokens, temperature, signal, onUsage } = {}) {
      const sequence = context.getSequence();
      const session = new llamaCpp.LlamaChatSession({ contextSequence: sequence });
      try {
        session.setChatHistory(toChatHistory(messages));
        const chunks = textChannel();
        const result = session
          .promptWithMeta(lastUserText(messages), {
            maxTokens,
            temperature,
            signal,
            stopOnAbortSignal: true, // resolve with what was made instead of throwing
            onTextChunk: chunks.push,
          })
          .finally(chunks.close);
        result.catch(() => {}); // awaited below; this only stops an unhandled-rejection warning meanwhile
        yield* chunks.drain();
        const { stopReason } = await result;
        // The sequence is this request's alone, so its meter counts exactly this prompt and reply.
        const { usedInputTokens, usedOutputTokens } = sequence.tokenMeter;
        onUsage?.({ promptTokens: usedInputTokens, completionTokens: usedOutputTokens });
        return stopReason === "maxTokens" ? "length" : "stop";
      } finally {
        session.dispose({ disposeSequence: true }); // frees the sequence for the next request
      }
    },
    async close() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/**
 * Generation speed in tokens per second, from a short reply: the server prints it at start-up, so a
 * presenter knows before the room does whether the model is fast enough.
 * @param {ChatModel} model
 */
export async function measureSpeed(model, maxTokens = 24) {
  let tokens = 0;
  let firstPiece = 0;
  const started = performance.now();
  const generation = model.generate([{ role: "user", content: "Say hello to the room." }], {
    maxTokens,
    temperature: 0,
    onUsage: (usage) => (tokens = usage.completionTokens),
  });
  for await (const _piece of generation) firstPiece ||= performance.now();
  const ended = performance.now();
  // From the first piece on, so the prompt's one-off cost does not count; a 1-token reply has no span.
  const [count, ms] = tokens > 1 ? [tokens - 1, ended - firstPiece] : [tokens, ended - started];
  return ms > 0 ? (count * 1000) / ms : 0;
}

/** Everything before the last user message, in node-llama-cpp's chat history shape. @param {ChatMessage[]} messages */
function toChatHistory(messages) {
  let last = messages.length - 1;
  while (last >= 0 && messages[last].role !== "user") last--;
  return messages.slice(0, Math.max(last, 0)).map(({ role, content }) => {
    if (role === "assistant") return { type: "model", response: [content] };
    if (role === "system" || role === "developer") return { type: "system", text: content };
    return { type: "user", text: content };
  });
}

/** Turns onTextChunk callbacks into an async iterable. */
function textChannel() {
  /** @type {string[]} */
  const buffered = [];
  let closed = false;
  let wake = () => {};
  return {
    /** @param {string} text */
    push: (text) => {
      buffered.push(text);
      wake();
    },
    close: () => {
      closed = true;
      wake();
    },
    async *drain() {
      for (;;) {
        if (buffered.length) {
          const text = /** @type {string} */ (buffered.shift());
          if (text) yield text; // llama.cpp ends with an empty chunk: not worth sending
        } else if (closed) return;
        else await new Promise((resolve) => (wake = () => resolve(undefined)));
      }
    },
  };
}
