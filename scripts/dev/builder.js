// @ts-check
// The Remix build, run in this process with Remix's own compiler (the one `remix build` uses), so a
// rebuild is incremental and happens only when the dev loop asks: once per stage switch or edit batch.
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

// @remix-run/dev has no public build API; these modules are what its `remix build` command calls.
const require = createRequire(import.meta.url);
const remix = (/** @type {string} */ path) => require(`@remix-run/dev/dist/${path}`);
const { readConfig } = remix("config.js");
const { create } = remix("compiler/compiler.js");
const { createFileWatchCache } = remix("compiler/fileWatchCache.js");
const { logger } = remix("tux/logger.js");
const { logThrown } = remix("compiler/utils/log.js");

const CONFIGS = /(^|[/\\])(remix\.config\.js|tsconfig\.json|postcss\.config\.js)$/;

/**
 * @param {string} root the project folder (remix.config.js)
 * @returns {Promise<{ build: (changed: string[]) => Promise<BuildResult>, dispose: () => Promise<void> }>}
 */
export async function createBuilder(root) {
  const fileWatchCache = createFileWatchCache();
  const options = { mode: "development", sourcemap: true };
  let config = await readConfig(root, "development");
  rmSync(config.assetsBuildDirectory, { recursive: true, force: true }); // as `remix build` does
  let compiler = await create({ config, options, fileWatchCache, logger });
  let routes = routeKey(config);

  return {
    /** Builds once; never canceled, so the result always matches the files it read. */
    async build(changed) {
      for (const file of changed) fileWatchCache.invalidateFile(file);
      // A route added or removed, or a config edited, needs a fresh compiler, as `remix dev` does.
      const fresh = await readConfig(root, "development").catch((/** @type {unknown} */ e) => e);
      if (fresh instanceof Error) return failed(fresh);
      if (routeKey(fresh) !== routes || changed.some((f) => CONFIGS.test(f))) {
        await compiler.dispose();
        config = fresh;
        routes = routeKey(config);
        compiler = await create({ config, options, fileWatchCache, logger });
      }
      const start = performance.now();
      try {
        const manifest = await compiler.compile();
        const server = readFileSync(config.serverBuildPath);
        return {
          ok: true,
          ms: performance.now() - start,
          version: manifest.version,
          serverHash: createHash("sha256").update(server).digest("hex"),
        };
      } catch (error) {
        return failed(error);
      }
    },
    dispose: () => compiler.dispose(),
  };
}

/** @typedef {{ ok: true, ms: number, version: string, serverHash: string } | { ok: false, error: string }} BuildResult */

/** @param {unknown} error @returns {BuildResult} */
function failed(error) {
  logThrown(error);
  return { ok: false, error: error instanceof Error ? error.message : String(error) };
}

/** @param {any} config */
function routeKey(config) {
  return JSON.stringify([
    Object.values(config.routes).map((/** @type {any} */ r) => [r.id, r.file]),
    config.entryClientFile,
    config.entryServerFile,
  ]);
}
