// @ts-check
// Collects the text the offline model learns from: the project's own docs, or a built-in corpus.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { markdownToText } from "./markdown-text.js";

export const BUILT_IN_CORPUS = fileURLToPath(new URL("./corpus.txt", import.meta.url));
/** Below this many words the model would mostly parrot, so the built-in corpus is used instead. */
export const MIN_CORPUS_WORDS = 1500;

/**
 * @param {string} root  project root
 * @returns {{ text: string, sources: string[], words: number }} sources are relative to root
 */
export function loadCorpus(root) {
  const files = [
    path.join(root, "README.md"),
    ...markdownFiles(path.join(root, "demos")),
    ...markdownFiles(path.join(root, "docs")),
  ].filter((file) => fs.existsSync(file));
  const text = files.map((file) => markdownToText(fs.readFileSync(file, "utf8"))).join("\n");
  const words = countWords(text);
  if (words >= MIN_CORPUS_WORDS) {
    return { text, sources: files.map((file) => path.relative(root, file)), words };
  }
  const builtIn = fs.readFileSync(BUILT_IN_CORPUS, "utf8");
  return {
    text: builtIn,
    sources: [path.relative(root, BUILT_IN_CORPUS)],
    words: countWords(builtIn),
  };
}

/** @param {string} dir @returns {string[]} */
function markdownFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        return entry.name === "node_modules" || entry.name.startsWith(".")
          ? []
          : markdownFiles(full);
      }
      return entry.name.endsWith(".md") ? [full] : [];
    })
    .sort();
}

/** @param {string} text */
function countWords(text) {
  return text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}
