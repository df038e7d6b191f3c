// @ts-check
// Workshop laptops are Macs, Windows PCs and Linux boxes: the lockfile must hold each one's native
// binaries, or `npm ci` fails there ("Missing: ... from lock file") and `npm install` dirties the tree.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { ROOT } from "../../scripts/stage-app.js";

/** macOS (x64, arm64), Windows x64, Linux (x64, arm64): each package's own name for them. */
const NATIVE = {
  esbuild: ["darwin-x64", "darwin-arm64", "win32-x64", "linux-x64", "linux-arm64"].map(
    (platform) => `@esbuild/${platform}`,
  ),
  workerd: ["darwin-64", "darwin-arm64", "windows-64", "linux-64", "linux-arm64"].map(
    (platform) => `@cloudflare/workerd-${platform}`,
  ),
  "@tailwindcss/oxide": [
    "darwin-x64",
    "darwin-arm64",
    "win32-x64-msvc",
    "linux-x64-gnu",
    "linux-arm64-gnu",
  ].map((platform) => `@tailwindcss/oxide-${platform}`),
  rollup: ["darwin-x64", "darwin-arm64", "win32-x64-msvc", "linux-x64-gnu", "linux-arm64-gnu"].map(
    (platform) => `@rollup/rollup-${platform}`,
  ),
  "msgpackr-extract": ["darwin-x64", "darwin-arm64", "win32-x64", "linux-x64", "linux-arm64"].map(
    (platform) => `@msgpackr-extract/msgpackr-extract-${platform}`,
  ),
};

/**
 * Every native package that some copy of esbuild, workerd, oxide, rollup or msgpackr-extract in
 * `lock` would need on one of our platforms but could not find, as "needed by: missing@version".
 * @param {{ packages: Record<string, { version?: string, optionalDependencies?: Record<string, string> }> }} lock
 */
export function missingNativePackages(lock) {
  const missing = [];
  for (const [name, natives] of Object.entries(NATIVE)) {
    const copies = Object.keys(lock.packages).filter((path) =>
      path.endsWith(`node_modules/${name}`),
    );
    if (copies.length === 0) missing.push(`${name}: not in the lockfile at all`);
    for (const path of copies) {
      for (const native of natives) {
        const wanted = lock.packages[path].optionalDependencies?.[native];
        const found = resolve(lock, path, native);
        if (!wanted || found?.version !== wanted) missing.push(`${path}: ${native}@${wanted}`);
      }
    }
  }
  return missing;
}

/** Node's lookup: `from`'s own node_modules, then each enclosing one, up to the root. */
function resolve(
  /** @type {{ packages: Record<string, { version?: string }> }} */ lock,
  /** @type {string} */ from,
  /** @type {string} */ name,
) {
  for (let dir = from; ; dir = dir.slice(0, dir.lastIndexOf("/node_modules/"))) {
    const entry = lock.packages[`${dir}/node_modules/${name}`];
    if (entry) return entry;
    if (!dir.includes("/node_modules/")) return lock.packages[`node_modules/${name}`];
  }
}

const lockfile = () => JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));

test("the lockfile holds esbuild, workerd, oxide, rollup and msgpackr-extract for every laptop", () => {
  assert.deepEqual(missingNativePackages(lockfile()), []);
});

test("the check fails on a lockfile that lost @tailwindcss/oxide-darwin-arm64", () => {
  const lock = lockfile();
  delete lock.packages["node_modules/@tailwindcss/oxide-darwin-arm64"];
  assert.deepEqual(missingNativePackages(lock), [
    `node_modules/@tailwindcss/oxide: @tailwindcss/oxide-darwin-arm64@${lock.packages["node_modules/@tailwindcss/oxide"].version}`,
  ]);
});

test("the check fails when a package's binaries vanish from a nested copy too", () => {
  const lock = lockfile();
  const nested = Object.keys(lock.packages).find((path) =>
    path.endsWith("/node_modules/@esbuild/win32-x64"),
  );
  assert.ok(nested, "expected a nested esbuild (vite's or partykit's) in the lockfile");
  delete lock.packages[nested];
  assert.equal(missingNativePackages(lock).length, 1);
  assert.match(missingNativePackages(lock)[0], /esbuild: @esbuild\/win32-x64@/);
});
