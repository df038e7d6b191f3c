// @ts-check
// No model weights ship with the project, so these tests drive the node-llama-cpp glue with a fake module.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadLlamaModel, INSTALL_COMMAND } from "./llama-model.js";

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
      return { getSequence: () => ({}), dispose: async () => {} };
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

test("runs a chat through node-llama-cpp on the CPU with one thread per core", async (t) => {
  const { calls, importLlamaCpp } = fakeLlamaCpp();
  const model = await loadLlamaModel({ modelPath: fakeModelFile(t), sequences: 2, importLlamaCpp });
  assert.equal(model.id, "tiny-chat.gguf");
  assert.deepEqual(calls.getLlama, { gpu: false });
  assert.deepEqual(calls.context, { threads: os.availableParallelism(), sequences: 2 });

  const generation = model.generate(
    [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "What is a room?" },
    ],
    { maxTokens: 9 },
  );
  const pieces = [];
  let step;
  while (!(step = await generation.next()).done) pieces.push(step.value);

  assert.deepEqual(pieces, ["Hel", "lo"]);
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

test("names the install command when node-llama-cpp is missing", async (t) => {
  const importLlamaCpp = () => Promise.reject(new Error("Cannot find package 'node-llama-cpp'"));
  await assert.rejects(loadLlamaModel({ modelPath: fakeModelFile(t), importLlamaCpp }), {
    message: `LOCAL_MODEL_PATH is set but node-llama-cpp is not installed; run: ${INSTALL_COMMAND}`,
  });
});
