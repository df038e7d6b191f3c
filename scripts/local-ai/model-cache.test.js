// @ts-check
// The model cache without the network: which model the server runs, and what the CLI accepts.
// tests/node/local-model.test.js downloads for real, from a loopback server.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MODELS, resolveSource, selectedModel, listModels, useModel } from "./model-cache.js";

/** A cache folder holding empty files with these names. @param {import("node:test").TestContext} t @param {string[]} names */
function cacheWith(t, names) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "model-cache-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const name of names) fs.writeFileSync(path.join(dir, name), "gguf");
  return dir;
}

test("a model is a known name, an hf: URI or an http(s) URL; anything else names the choices", () => {
  assert.deepEqual(resolveSource("smollm2-360m"), {
    uri: "hf:bartowski/SmolLM2-360M-Instruct-GGUF/SmolLM2-360M-Instruct-Q4_K_M.gguf",
    fileName: "SmolLM2-360M-Instruct-Q4_K_M.gguf",
  });
  assert.equal(MODELS[0].name, "smollm2-360m"); // the default
  for (const uri of ["hf:a/b/c.gguf", "http://127.0.0.1:9/m.gguf", "https://x.test/m.gguf"]) {
    assert.deepEqual(resolveSource(uri), { uri });
  }
  assert.throws(() => resolveSource("smollm"), {
    message:
      'unknown model "smollm"; expected one of: smollm2-360m, smollm2-135m, qwen2.5-0.5b, ' +
      "an hf:<user>/<repo>/<file>.gguf URI, or an http(s) URL of a .gguf file",
  });
});

test("the server runs nothing from an empty or missing cache", (t) => {
  assert.equal(selectedModel(cacheWith(t, [])), null);
  assert.equal(selectedModel(path.join(os.tmpdir(), "no-such-model-cache")), null);
  assert.deepEqual(listModels(path.join(os.tmpdir(), "no-such-model-cache")), []);
});

test("use selects a downloaded model by part of its name; list marks it", (t) => {
  const dir = cacheWith(t, [
    "SmolLM2-360M-Instruct-Q4_K_M.gguf",
    "qwen2.5-0.5b-instruct-q4_k_m.gguf",
  ]);
  fs.writeFileSync(path.join(dir, "half.gguf.ipull"), ""); // a download in progress is not a model

  assert.equal(useModel("qwen", dir), path.join(dir, "qwen2.5-0.5b-instruct-q4_k_m.gguf"));
  assert.equal(selectedModel(dir), path.join(dir, "qwen2.5-0.5b-instruct-q4_k_m.gguf"));
  assert.deepEqual(
    listModels(dir).map(({ file, selected }) => [path.basename(file), selected]),
    [
      ["SmolLM2-360M-Instruct-Q4_K_M.gguf", false],
      ["qwen2.5-0.5b-instruct-q4_k_m.gguf", true],
    ],
  );
});

test("use names what is there when the name matches none or several", (t) => {
  const dir = cacheWith(t, ["a-360m.gguf", "b-360m.gguf"]);
  const have = "have: a-360m.gguf, b-360m.gguf";
  assert.throws(() => useModel("360m", dir), {
    message: `"360m" matches more than one downloaded model (${have}); see: npm run model -- list`,
  });
  assert.throws(() => useModel("llama", dir), {
    message: `"llama" matches no downloaded model (${have}); see: npm run model -- list`,
  });
});

test("a selected model that was deleted falls back to none", (t) => {
  const dir = cacheWith(t, ["gone.gguf"]);
  useModel("gone", dir);
  fs.rmSync(path.join(dir, "gone.gguf"));
  assert.equal(selectedModel(dir), null);
});
