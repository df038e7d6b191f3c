// @ts-check
// The on-demand install without the network; tests/node/local-model.test.js installs for real.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { prebuiltBuild, importLlamaCpp, isInstalled, INSTALL_COMMAND } from "./llama-runtime.js";

test("picks only this platform's prebuilt build, and says what to do where there is none", () => {
  assert.deepEqual(prebuiltBuild("linux", "x64"), {
    name: "@node-llama-cpp/linux-x64",
    gpu: false,
  });
  assert.deepEqual(prebuiltBuild("win32", "x64"), { name: "@node-llama-cpp/win-x64", gpu: false });
  // Apple Silicon's only prebuilt build is Metal's: gpu: false would find none.
  assert.deepEqual(prebuiltBuild("darwin", "arm64"), {
    name: "@node-llama-cpp/mac-arm64-metal",
    gpu: "metal",
  });
  assert.throws(() => prebuiltBuild("freebsd", "x64"), {
    message:
      "node-llama-cpp has no prebuilt build for freebsd-x64; run a model elsewhere and point " +
      `OPENAI_BASE_URL at it (Ollama or llama.cpp's llama-server), see README "The AI"`,
  });
});

test("an empty folder is not an install, and loading from it names the install command", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llama-runtime-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  assert.equal(isInstalled(dir), false);
  await assert.rejects(importLlamaCpp(dir), {
    message: `node-llama-cpp is not installed; run: ${INSTALL_COMMAND}`,
  });
  assert.equal(INSTALL_COMMAND, "npm run model -- install");
});
