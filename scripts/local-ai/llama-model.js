// @ts-check
// A real local LLM behind the same ChatModel interface, for LOCAL_MODEL_PATH=/path/model.gguf.
// node-llama-cpp (v3) is deliberately not a dependency: its default install pulls ~760 MB of GPU builds.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { lastUserText } from "./chat-model.js";

/** @typedef {import("./chat-model.js").ChatModel} ChatModel */
/** @typedef {import("./chat-model.js").ChatMessage} ChatMessage */

export const INSTALL_COMMAND = "npm install --no-save node-llama-cpp";

const PACKAGE = "node-llama-cpp"; // in a variable, so type-checking does not require the package

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
  threads = os.availableParallelism(),
  importLlamaCpp = () => import(PACKAGE),
}) {
  if (!fs.existsSync(modelPath)) throw new Error(`LOCAL_MODEL_PATH does not exist: ${modelPath}`);
  /** @type {any} untyped on purpose: the package is optional */
  let llamaCpp;
  try {
    llamaCpp = await importLlamaCpp();
  } catch {
    throw new Error(
      `LOCAL_MODEL_PATH is set but node-llama-cpp is not installed; run: ${INSTALL_COMMAND}`,
    );
  }
  const llama = await llamaCpp.getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath });
  // Its default of 4 threads oversubscribes small machines badly; use exactly the cores we have.
  const context = await model.createContext({ threads, sequences });

  return {
    id: path.basename(modelPath),
    description: `${path.basename(modelPath)} via node-llama-cpp (${threads} threads)`,
    countTokens: (text) => model.tokenize(text).length,
    async *generate(messages, { maxTokens, temperature, signal } = {}) {
      const session = new llamaCpp.LlamaChatSession({ contextSequence: context.getSequence() });
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
        if (buffered.length) yield /** @type {string} */ (buffered.shift());
        else if (closed) return;
        else await new Promise((resolve) => (wake = () => resolve(undefined)));
      }
    },
  };
}
