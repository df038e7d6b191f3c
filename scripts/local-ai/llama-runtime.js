// @ts-check
// node-llama-cpp, installed on demand into a private folder under .cache/ (see docs/decisions/009).
// Its default install pulls ~760 MB of CUDA and Vulkan builds; we install the JavaScript package and
// only this platform's prebuilt CPU build (~30 MB; Metal on Apple Silicon), with no install
// scripts, and leave package.json alone.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export const LLAMA_CPP_VERSION = "3.22.1";
export const INSTALL_COMMAND = "npm run model -- install";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * node-llama-cpp's prebuilt package for each `${process.platform}-${process.arch}`, and the `gpu`
 * option that loads it: CPU everywhere, but Apple Silicon's only build is the Metal one.
 * @type {Record<string, { name: string, gpu: false | "metal" }>}
 */
const PREBUILT = {
  "linux-x64": { name: "@node-llama-cpp/linux-x64", gpu: false },
  "linux-arm64": { name: "@node-llama-cpp/linux-arm64", gpu: false },
  "linux-arm": { name: "@node-llama-cpp/linux-armv7l", gpu: false },
  "linux-riscv64": { name: "@node-llama-cpp/linux-riscv64", gpu: false },
  "darwin-arm64": { name: "@node-llama-cpp/mac-arm64-metal", gpu: "metal" },
  "darwin-x64": { name: "@node-llama-cpp/mac-x64", gpu: false },
  "win32-x64": { name: "@node-llama-cpp/win-x64", gpu: false },
  "win32-arm64": { name: "@node-llama-cpp/win-arm64", gpu: false },
};

/** Where the private install lives; LOCAL_AI_RUNTIME_DIR moves it (tests use an empty one). */
export function runtimeDir() {
  return path.resolve(process.env.LOCAL_AI_RUNTIME_DIR || path.join(ROOT, ".cache/node-llama-cpp"));
}

/** This machine's prebuilt llama.cpp package. @param {string} [platform] @param {string} [arch] */
export function prebuiltBuild(platform = process.platform, arch = process.arch) {
  const build = PREBUILT[`${platform}-${arch}`];
  if (build) return build;
  throw new Error(
    `node-llama-cpp has no prebuilt build for ${platform}-${arch}; run a model elsewhere and ` +
      `point OPENAI_BASE_URL at it (Ollama or llama.cpp's llama-server), see README "The AI"`,
  );
}

/** True when the pinned version and this platform's build are both in the private folder. */
export function isInstalled(dir = runtimeDir()) {
  const installed = (/** @type {string} */ name) =>
    readVersion(path.join(dir, "node_modules", name)) === LLAMA_CPP_VERSION;
  return installed("node-llama-cpp") && installed(prebuiltBuild().name);
}

/**
 * Installs node-llama-cpp into the private folder unless it is already there.
 * @param {{ dir?: string, log?: (line: string) => void }} [options]
 * @returns {Promise<boolean>} false when it was already installed
 */
export async function installLlamaCpp({ dir = runtimeDir(), log = () => {} } = {}) {
  if (isInstalled(dir)) return false;
  const build = prebuiltBuild().name;
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    private: true,
    description:
      "Written by `npm run model`: node-llama-cpp for this machine only. Safe to delete.",
    dependencies: { "node-llama-cpp": LLAMA_CPP_VERSION, [build]: LLAMA_CPP_VERSION },
  };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  log(
    `installing node-llama-cpp ${LLAMA_CPP_VERSION} with one prebuilt llama.cpp, ${build} ` +
      `(about 85 MB in all), into ${dir}`,
  );
  // --omit=optional skips the other builds (GPU ones: ~760 MB); ours is a direct dependency.
  // --ignore-scripts: its postinstall would try to download or compile llama.cpp.
  const args = ["install", "--prefix", dir, "--omit=optional", "--ignore-scripts"];
  const status = await npm([...args, "--no-audit", "--no-fund", "--loglevel=error"]);
  if (status !== 0 || !isInstalled(dir)) {
    throw new Error(
      `installing node-llama-cpp failed (npm exited with ${status}, see above); check that the npm ` +
        `registry is reachable, then run: ${INSTALL_COMMAND}`,
    );
  }
  return true;
}

/** @returns {Promise<any>} the node-llama-cpp module, untyped on purpose: it is not a dependency */
export async function importLlamaCpp(dir = runtimeDir()) {
  if (!isInstalled(dir)) {
    throw new Error(`node-llama-cpp is not installed; run: ${INSTALL_COMMAND}`);
  }
  const entry = createRequire(path.join(dir, "package.json")).resolve("node-llama-cpp");
  return import(pathToFileURL(entry).href);
}

/** @param {string} packageDir */
function readVersion(packageDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

/** Runs the npm that runs us (npm_execpath under `npm run`), else the one on PATH. @param {string[]} args */
function npm(args) {
  const npmCli = process.env.npm_execpath;
  const [command, fullArgs] = npmCli?.endsWith(".js")
    ? [process.execPath, [npmCli, ...args]]
    : ["npm", args];
  const child = spawn(command, fullArgs, {
    stdio: ["ignore", 2, 2], // npm's output is progress: keep our stdout for results
    shell: command === "npm" && process.platform === "win32",
  });
  return new Promise((resolve) => {
    child.once("error", () => resolve(-1));
    child.once("exit", (code) => resolve(code ?? -1));
  });
}
