// @ts-check
// The glue to node-llama-cpp, driven by a fake module: how messages, options and counts map.
// tests/node/local-model.test.js runs the real package on a real GGUF.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadLlamaModel, threadsFromEnv, DEFAULT_THREADS } from "./llama-model.js";

/** @param {import("node:test").TestContext} t */
function fakeModelFile(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-ai-llama-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "tiny-chat.gguf");
  fs.writeFileSync(file, "");
  return file;
}

/** A stand-in for node-llama-cpp v3 that records how it was called. */
function fakeLlamaCpp() {
  /** @type {Record<string, any>} */
  const calls = {};
  const model = {
    tokenize: (/** @type {string} */ text) => text.split(" "),
    createContext: async (/** @type {object} */ options) => {
      calls.context = options;
      const tokenMeter = { usedInputTokens: 7, usedOutputTokens: 2 };
      return { getSequence: () => ({ tokenMeter }), dispose: async () => {} };
    },
    dispose: async () => {},
  };
  class LlamaChatSession {
    /** @param {any} history */
    setChatHistory(history) {
      calls.history = history;
    }
    /** @param {string} text @param {any} options */
    async promptWithMeta(text, options) {
      calls.prompt = {
        text,
        maxTokens: options.maxTokens,
        stopOnAbortSignal: options.stopOnAbortSignal,
      };
      options.onTextChunk("Hel");
      options.onTextChunk("lo");
      options.onTextChunk(""); // llama.cpp ends with an empty chunk
      return { stopReason: "maxTokens" };
    }
    /** @param {any} options */
    dispose(options) {
      calls.disposed = options;
    }
  }
  const module = {
    getLlama: async (/** @type {object} */ options) => {
      calls.getLlama = options;
      return { loadModel: async () => model, dispose: async () => {} };
    },
    LlamaChatSession,
  };
  return { calls, importLlamaCpp: async () => module };
}

test("runs a chat through node-llama-cpp on the CPU, prebuilt, with half the cores", async (t) => {
  const { calls, importLlamaCpp } = fakeLlamaCpp();
  const model = await loadLlamaModel({ modelPath: fakeModelFile(t), sequences: 2, importLlamaCpp });
  assert.equal(model.id, "tiny-chat.gguf");
  assert.deepEqual(calls.getLlama, { gpu: false, build: "never", logLevel: "error" });
  assert.equal(DEFAULT_THREADS, Math.max(1, Math.floor(os.availableParallelism() / 2)));
  assert.deepEqual(calls.context, {
    threads: DEFAULT_THREADS,
    sequences: 2,
    contextSize: { max: 4096 },
  });

  const generation = model.generate(
    [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "What is a room?" },
    ],
    { maxTokens: 9, onUsage: (usage) => (calls.usage = usage) },
  );
  const pieces = [];
  let step;
  while (!(step = await generation.next()).done) pieces.push(step.value);

  assert.deepEqual(pieces, ["Hel", "lo"]); // no empty piece
  assert.deepEqual(calls.usage, { promptTokens: 7, completionTokens: 2 }); // the sequence's meter
  assert.equal(step.value, "length"); // node-llama-cpp's stopReason "maxTokens"
  assert.deepEqual(calls.history, [
    { type: "system", text: "Be brief." },
    { type: "user", text: "Hi" },
    { type: "model", response: ["Hello!"] },
  ]);
  assert.deepEqual(calls.prompt, {
    text: "What is a room?",
    maxTokens: 9,
    stopOnAbortSignal: true,
  });
  assert.deepEqual(calls.disposed, { disposeSequence: true });
  assert.equal(model.countTokens("a b c"), 3);
});

test("LOCAL_MODEL_THREADS sets the threads, and a bad value names the variable", () => {
  assert.equal(threadsFromEnv(undefined), DEFAULT_THREADS);
  assert.equal(threadsFromEnv(""), DEFAULT_THREADS);
  assert.equal(threadsFromEnv("3"), 3);
  for (const bad of ["0", "two", "1.5", "-1"]) {
    assert.throws(() => threadsFromEnv(bad), {
      message: `LOCAL_MODEL_THREADS must be a whole number, 1 or more (got "${bad}")`,
    });
  }
});
