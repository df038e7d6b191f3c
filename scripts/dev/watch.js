// @ts-check
// Which files changed, in batches, and whether a stage switch is under way. `scripts/stage` writes
// .stage/switching before its first write and removes it after its last, so a switch is one batch.
import { existsSync, readFileSync, watch } from "node:fs";
import { join } from "node:path";

const TREES = ["app", "party"]; // watched recursively
const FILES = ["partykit.json", "remix.config.js", "tsconfig.json", "postcss.config.js", ".env"];
export const SWITCH_MARKER = ".stage/switching";
const QUIET_MS = 50; // an editor's save (write, rename) is one change

/**
 * @param {string} root
 * @param {{ onBatch: (files: string[]) => void, onSwitch: (to: string | null) => void }} handlers
 */
export function watchProject(root, { onBatch, onSwitch }) {
  /** @type {Map<string, import("node:fs").FSWatcher>} */
  const watchers = new Map();
  const pending = new Set();
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  let switching = readSwitch(root);

  const changed = (/** @type {string} */ path) => {
    pending.add(join(root, path));
    if (switching) return; // the batch closes when the switch ends
    clearTimeout(timer);
    timer = setTimeout(flush, QUIET_MS);
  };
  const flush = () => {
    const files = [...pending];
    pending.clear();
    onBatch(files);
  };
  const follow = (/** @type {string} */ dir, /** @type {boolean} */ recursive) => {
    const present = existsSync(join(root, dir));
    if (!present) return void (watchers.get(dir)?.close(), watchers.delete(dir));
    if (watchers.has(dir)) return;
    const watcher = watch(join(root, dir), { recursive }, (_event, name) => {
      if (dir === ".stage") return void switchChanged();
      if (name) changed(`${dir}/${name}`);
    });
    watcher.on("error", () => (watcher.close(), watchers.delete(dir)));
    watchers.set(dir, watcher);
  };
  const switchChanged = () => {
    const now = readSwitch(root);
    if (now === switching) return;
    switching = now;
    onSwitch(now);
    // Events from other watchers may still be on their way: close the batch a moment later.
    if (!now) {
      clearTimeout(timer);
      timer = setTimeout(flush, QUIET_MS);
    }
  };

  // The root itself, not recursively: the trees, the configs, and .stage/ come and go with stages.
  const top = watch(root, (_event, name) => {
    if (!name) return;
    if (TREES.includes(name)) {
      follow(name, true);
      changed(name);
    } else if (name === ".stage") {
      follow(".stage", false);
      switchChanged();
    } else if (FILES.includes(name)) changed(name);
  });
  for (const dir of TREES) follow(dir, true);
  follow(".stage", false);
  if (switching) onSwitch(switching);

  return {
    switching: () => switching,
    close() {
      clearTimeout(timer);
      top.close();
      for (const watcher of watchers.values()) watcher.close();
    },
  };
}

/** The stage a switch in progress goes to, or null; a marker whose writer died counts as none. @param {string} root */
function readSwitch(root) {
  try {
    const { pid, to } = JSON.parse(readFileSync(join(root, SWITCH_MARKER), "utf8"));
    process.kill(pid, 0);
    return String(to);
  } catch {
    return null;
  }
}
