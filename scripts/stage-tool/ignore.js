// @ts-check
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** @typedef {(rel: string, isDir: boolean) => boolean} Ignored */

/**
 * Reads the root .gitignore so build output (public/build, .cache) never ends up in a
 * backup, a branch or an export. Supports the common subset: comments, `*`, `**`,
 * a leading `/` or inner `/` (anchored) and a trailing `/` (directories only); `!` is skipped.
 * @param {string} root
 * @returns {Ignored}
 */
export function loadIgnore(root) {
  let text = "";
  try {
    text = readFileSync(join(root, ".gitignore"), "utf8");
  } catch {}
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#") && !line.startsWith("!"))
    .map(toRule);
  return (rel, isDir) =>
    rel.split("/").includes("node_modules") ||
    rules.some((r) => (isDir || !r.dirOnly) && r.re.test(rel));
}

/** @param {string} pattern */
function toRule(pattern) {
  const dirOnly = pattern.endsWith("/");
  const body = pattern.replace(/\/$/, "");
  const anchored = body.includes("/");
  const source = body
    .replace(/^\//, "")
    .split("**")
    .map((part) => part.split("*").map(escape).join("[^/]*"))
    .join(".*");
  return { dirOnly, re: new RegExp(`${anchored ? "^" : "(^|/)"}${source}$`) };
}

/** @param {string} s */
const escape = (s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
