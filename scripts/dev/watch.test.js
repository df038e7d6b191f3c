// @ts-check
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { SWITCH_MARKER, watchProject } from "./watch.js";

/**
 * A project folder, watched: what the watcher reported so far, and `until` to wait for more.
 * @param {import("node:test").TestContext} t
 */
function watched(t) {
  const root = mkdtempSync(join(tmpdir(), "dev-watch-"));
  mkdirSync(join(root, "app/routes"), { recursive: true });
  mkdirSync(join(root, ".stage"));
  /** @type {string[][]} */
  const batches = [];
  /** @type {(string | null)[]} */
  const switches = [];
  /** @type {(() => void)[]} */
  const waiting = [];
  const reported = () => {
    for (const check of waiting.splice(0)) check();
  };
  const watcher = watchProject(root, {
    onBatch(files) {
      batches.push(files.map((file) => file.slice(root.length + 1)).sort());
      reported();
    },
    onSwitch(to) {
      switches.push(to);
      reported();
    },
  });
  t.after(() => {
    watcher.close();
    rmSync(root, { recursive: true, force: true });
  });
  const write = (/** @type {string} */ path, text = "x") => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  /** Resolves once `ready()` holds, checked after each report. @param {() => boolean} ready */
  const until = (ready) =>
    new Promise((resolve) => {
      const check = () => (ready() ? resolve(undefined) : waiting.push(check));
      check();
    });
  return { root, write, batches, switches, until };
}

test("a stage switch is one batch, closed when the stage tool's marker goes away", async (t) => {
  const { root, write, batches, switches, until } = watched(t);
  write(SWITCH_MARKER, JSON.stringify({ pid: process.pid, to: "02-chat-room" }));
  await until(() => switches.length === 1);
  const written = [
    "app/root.tsx",
    "app/routes/chats.$room.tsx",
    "party/chatroom.ts",
    "partykit.json",
  ];
  for (const file of written) write(file);
  rmSync(join(root, SWITCH_MARKER));
  await until(() => batches.length === 1);
  assert.deepEqual(switches, ["02-chat-room", null]);
  // A folder that appears mid-switch (party/ at stage 2) is reported as the folder.
  const covered = (/** @type {string} */ file) =>
    batches[0].some((path) => file === path || file.startsWith(`${path}/`));
  for (const file of written) assert.ok(covered(file), `${file} in ${batches[0]}`);

  // The next edit is a batch of its own: nothing of the switch was left over for a second build.
  write("app/routes/_index.tsx");
  await until(() => batches.some((batch) => batch.includes("app/routes/_index.tsx")));
  assert.deepEqual(batches.slice(1), [["app/routes/_index.tsx"]]);
});

test("a marker left by a stage tool that died does not hold builds back", async (t) => {
  const { write, batches, switches, until } = watched(t);
  const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], {
    encoding: "utf8",
  });
  write(SWITCH_MARKER, JSON.stringify({ pid: Number(dead.stdout), to: "03-ai-replies" }));
  write("app/root.tsx");
  await until(() => batches.length === 1);
  assert.ok(batches[0].includes("app/root.tsx"));
  assert.deepEqual(switches, []);
});
