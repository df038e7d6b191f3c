// @ts-check
// Downloaded models: GGUF files in .cache/models/, plus `selected`, the one the local server runs.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { importLlamaCpp } from "./llama-runtime.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SELECTED = "selected";

/** Small instruct models that run on a laptop CPU. The first is the default. */
export const MODELS = [
  {
    name: "smollm2-360m",
    uri: "hf:bartowski/SmolLM2-360M-Instruct-GGUF/SmolLM2-360M-Instruct-Q4_K_M.gguf",
    about: "SmolLM2 360M Instruct, Q4_K_M, 271 MB: follows short prompts",
  },
  {
    name: "smollm2-135m",
    uri: "hf:bartowski/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct-Q4_K_M.gguf",
    about: "SmolLM2 135M Instruct, Q4_K_M, 105 MB: faster, vaguer",
  },
  {
    name: "qwen2.5-0.5b",
    uri: "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf",
    about: "Qwen2.5 0.5B Instruct, Q4_K_M, 470 MB: better answers, slower",
  },
];

/** LOCAL_AI_MODELS_DIR moves the cache (tests use a temporary one). */
export function modelsDir() {
  return path.resolve(process.env.LOCAL_AI_MODELS_DIR || path.join(ROOT, ".cache/models"));
}

/**
 * A model name from MODELS, an `hf:` URI or an http(s) URL, as node-llama-cpp's downloader takes it.
 * Our models keep their file name (node-llama-cpp would prefix hf:'s with "hf_<user>_"): the room
 * shows it.
 * @param {string} source
 * @returns {{ uri: string, fileName?: string }}
 */
export function resolveSource(source) {
  const known = MODELS.find((model) => model.name === source);
  if (known) return { uri: known.uri, fileName: known.uri.split("/").pop() };
  if (/^(hf:|https?:\/\/)/.test(source)) return { uri: source };
  const names = MODELS.map((model) => model.name).join(", ");
  throw new Error(
    `unknown model "${source}"; expected one of: ${names}, an hf:<user>/<repo>/<file>.gguf URI, ` +
      `or an http(s) URL of a .gguf file`,
  );
}

/**
 * Downloads a model into the cache, unless it is there already, and selects it. node-llama-cpp's
 * resolver names the file and finds one already there (for hf: URIs, with no network at all).
 * @param {object} options
 * @param {string} options.source  see resolveSource
 * @param {string} [options.dir]
 * @param {(status: { totalSize: number, downloadedSize: number }) => void} [options.onProgress]
 * @param {number} [options.stallSeconds]  give up when no data comes for this long
 * @returns {Promise<{ file: string, downloaded: boolean }>}
 */
export async function downloadModel({
  source,
  dir = modelsDir(),
  onProgress = () => {},
  stallSeconds = 30,
}) {
  const { uri, fileName } = resolveSource(source);
  fs.mkdirSync(dir, { recursive: true });
  const { resolveModelFile } = await importLlamaCpp();
  let downloaded = false;
  // The downloader retries a dead network for about 12 minutes, silently; a watchdog says so sooner.
  const watchdog = stallWatchdog(stallSeconds, uri);
  try {
    const resolving = resolveModelFile(uri, {
      directory: dir,
      fileName, // when it is there already, no network is needed
      cli: false, // we draw our own progress, to stderr, readable in CI logs too
      signal: watchdog.signal,
      deleteTempFileOnCancel: false, // ipull resumes from <file>.ipull next time
      onProgress: (/** @type {{ totalSize: number, downloadedSize: number }} */ status) => {
        downloaded = true;
        watchdog.reset();
        onProgress(status);
      },
    });
    // ipull writes to <file>.ipull and renames when done, so a *.gguf in the cache is always whole.
    const file = await Promise.race([resolving, watchdog.stalled]);
    selectModel(file, dir);
    return { file, downloaded };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `could not download ${uri}: ${why}; check the network and run it again (it resumes), ` +
        `or fetch a .gguf yourself and set LOCAL_MODEL_PATH`,
      { cause: error },
    );
  } finally {
    watchdog.stop();
  }
}

/** Rejects `stalled` when `reset` is not called for `seconds`. @param {number} seconds @param {string} uri */
function stallWatchdog(seconds, uri) {
  const abort = new AbortController();
  /** @type {(error: Error) => void} */
  let fail = () => {};
  /** @type {Promise<never>} */
  const stalled = new Promise((_, reject) => (fail = reject));
  stalled.catch(() => {}); // raced above; this only stops an unhandled-rejection warning otherwise
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const reset = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const where = uri.startsWith("hf:") ? "Hugging Face" : new URL(uri).host;
      const error = new Error(`no data from ${where} for ${seconds} s`);
      abort.abort(error);
      fail(error);
    }, seconds * 1000);
  };
  reset();
  return { signal: abort.signal, stalled, reset, stop: () => clearTimeout(timer) };
}

/** @param {string} file  a .gguf file in `dir` @param {string} [dir] */
export function selectModel(file, dir = modelsDir()) {
  fs.writeFileSync(path.join(dir, SELECTED), path.basename(file) + "\n");
}

/**
 * The model `npm run dev` should run: the selected file if it is still there, else null.
 * @returns {string | null}
 */
export function selectedModel(dir = modelsDir()) {
  let name;
  try {
    name = fs.readFileSync(path.join(dir, SELECTED), "utf8").trim();
  } catch {
    return null;
  }
  const file = path.join(dir, name);
  return name && fs.existsSync(file) ? file : null;
}

/** @returns {{ file: string, bytes: number, selected: boolean }[]} */
export function listModels(dir = modelsDir()) {
  if (!fs.existsSync(dir)) return [];
  const selected = selectedModel(dir);
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".gguf"))
    .sort()
    .map((name) => path.join(dir, name))
    .map((file) => ({ file, bytes: fs.statSync(file).size, selected: file === selected }));
}

/**
 * Picks an already downloaded model by file name (or a unique part of it).
 * @param {string} name @param {string} [dir]
 */
export function useModel(name, dir = modelsDir()) {
  const models = listModels(dir);
  const matches = models.filter(({ file }) => path.basename(file).includes(name));
  if (matches.length !== 1) {
    const have = models.map(({ file }) => path.basename(file)).join(", ") || "none yet";
    const why = matches.length ? "matches more than one" : "matches no";
    throw new Error(
      `"${name}" ${why} downloaded model (have: ${have}); see: npm run model -- list`,
    );
  }
  selectModel(matches[0].file, dir);
  return matches[0].file;
}
