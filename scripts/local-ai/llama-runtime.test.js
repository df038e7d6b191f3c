// @ts-check
// The on-demand install without the network; tests/node/local-model.test.js installs for real.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cpuBuildPackage, importLlamaCpp, isInstalled, INSTALL_COMMAND } from "./llama-runtime.js";

test("picks only this platform's CPU build, and says what to do where there is none", () => {
  assert.equal(cpuBuildPackage("linux", "x64"), "@node-llama-cpp/linux-x64");
  assert.equal(cpuBuildPackage("darwin", "arm64"), "@node-llama-cpp/mac-arm64-metal");
  assert.equal(cpuBuildPackage("win32", "x64"), "@node-llama-cpp/win-x64");
  assert.throws(() => cpuBuildPackage("freebsd", "x64"), {
    message:
      "node-llama-cpp has no prebuilt CPU build for freebsd-x64; run a model elsewhere and point " +
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
