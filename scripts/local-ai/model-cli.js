#!/usr/bin/env node
// @ts-check
// `npm run model`: download a small instruct model that `npm run dev` then runs by itself.
// Usage: npm run model -- help
import path from "node:path";
import { installLlamaCpp, runtimeDir, LLAMA_CPP_VERSION } from "./llama-runtime.js";
import {
  MODELS,
  modelsDir,
  downloadModel,
  listModels,
  useModel,
  resolveSource,
} from "./model-cache.js";
import { createProgressBar, megabytes } from "./progress-bar.js";

/** A path as short as it can be said: relative inside the current folder, else absolute. @param {string} file */
function relative(file) {
  const inside = path.relative(process.cwd(), file);
  return inside && !inside.startsWith("..") && !path.isAbsolute(inside) ? inside : file;
}
/** @param {string} line */
const say = (line) => void process.stderr.write(`model: ${line}\n`);

/** @type {Record<string, { args: string, about: string, run: (args: string[]) => Promise<void> }>} */
const COMMANDS = {
  download: {
    args: "[model]",
    about: `download a model (default ${MODELS[0].name}) and run it from now on`,
    async run([source = MODELS[0].name]) {
      resolveSource(source); // a typo fails before anything is installed
      const stallSeconds = timeoutFromEnv(process.env.LOCAL_AI_DOWNLOAD_TIMEOUT_S);
      await install();
      const dir = modelsDir();
      say(`fetching ${source} into ${relative(dir)}`);
      const bar = createProgressBar();
      const { file, downloaded } = await downloadModel({
        source,
        dir,
        stallSeconds,
        onProgress: bar.update,
      }).finally(bar.end);
      const name = path.basename(file);
      const how = downloaded ? "downloaded and selected" : "was already here; selected";
      console.log(`✔ ${name} ${how}; npm run dev now runs it (see: npm run model -- list)`);
    },
  },
  list: {
    args: "",
    about: "show the downloaded models; * marks the one npm run dev runs",
    async run() {
      const models = listModels();
      if (!models.length)
        return say(`no models in ${relative(modelsDir())} yet; run: npm run model`);
      for (const { file, bytes, selected } of models) {
        console.log(`${selected ? "*" : " "} ${path.basename(file)}  ${megabytes(bytes)}`);
      }
    },
  },
  use: {
    args: "<file>",
    about: "run another downloaded model (a unique part of its file name will do)",
    async run([name]) {
      if (!name) throw new Error("say which model to use; see: npm run model -- list");
      console.log(`✔ ${path.basename(useModel(name))} selected; restart npm run dev`);
    },
  },
  install: {
    args: "",
    about: `only install node-llama-cpp ${LLAMA_CPP_VERSION} (one prebuilt build) into ${relative(runtimeDir())}`,
    async run() {
      await install();
      console.log(
        `✔ node-llama-cpp ${LLAMA_CPP_VERSION} is installed in ${relative(runtimeDir())}`,
      );
    },
  },
  help: {
    args: "",
    about: "show this help",
    async run() {
      console.log(help());
    },
  },
};

/** @param {string | undefined} value */
function timeoutFromEnv(value) {
  if (!value) return 30;
  if (/^\d+$/.test(value.trim()) && Number(value) > 0) return Number(value);
  throw new Error(`LOCAL_AI_DOWNLOAD_TIMEOUT_S must be a whole number of seconds (got "${value}")`);
}

async function install() {
  const installed = await installLlamaCpp({
    log: (line) => say(`${line}; package.json and the lockfile are not changed`),
  });
  if (installed) say("node-llama-cpp installed");
}

function help() {
  const commands = Object.entries(COMMANDS).map(
    ([name, { args, about }]) => `  ${`${name} ${args}`.padEnd(18)} ${about}`,
  );
  const models = MODELS.map(({ name, about }) => `  ${name.padEnd(18)} ${about}`);
  return `Usage: npm run model -- [command] [args]   (no command: download ${MODELS[0].name})

Commands:
${commands.join("\n")}

Models (or any hf:<user>/<repo>/<file>.gguf URI, or an http(s) URL of a .gguf file):
${models.join("\n")}

Models go to ${relative(modelsDir())} (LOCAL_AI_MODELS_DIR moves it). npm run dev runs, in order:
LOCAL_MODEL_PATH if set, else the selected downloaded model, else the offline trigram demo model.
LOCAL_MODEL_THREADS sets the CPU threads (default: half the cores, at least 1).
LOCAL_AI_DOWNLOAD_TIMEOUT_S: give up when no data comes for this many seconds (default 30).`;
}

/** @param {string} text */
function isModelSource(text) {
  try {
    return Boolean(resolveSource(text));
  } catch {
    return false;
  }
}

async function main() {
  const [first, ...rest] = process.argv.slice(2);
  if (first === "-h" || first === "--help") return COMMANDS.help.run([]);
  if (!first) return COMMANDS.download.run([]);
  if (first in COMMANDS) return COMMANDS[first].run(rest);
  if (isModelSource(first)) return COMMANDS.download.run([first, ...rest]); // `-- qwen2.5-0.5b`
  const commands = Object.keys(COMMANDS).join(", ");
  throw new Error(
    `unknown command or model "${first}"; commands: ${commands}; see: npm run model -- help`,
  );
}

main().catch((error) => {
  say(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
