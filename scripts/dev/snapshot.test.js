// @ts-check
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { syncSnapshot } from "./snapshot.js";

test("the snapshot holds the parties, the server build and partykit.json without serve", (t) => {
  const root = mkdtempSync(join(tmpdir(), "dev-snapshot-"));
  const snapshot = join(root, ".cache/dev-server");
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const write = (/** @type {string} */ path, /** @type {string} */ text) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const config = (/** @type {object | undefined} */ parties) =>
    JSON.stringify({ main: "build/index.js", serve: { path: "public" }, parties });
  write("partykit.json", config({ chatroom: "party/chatroom.ts" }));
  write("party/main.ts", "main");
  write("party/chatroom.ts", "room");
  write("build/index.js", "build 1");

  const first = syncSnapshot(root, snapshot);
  assert.deepEqual(first.changed.sort(), [
    "build/index.js",
    "party/chatroom.ts",
    "party/main.ts",
    "partykit.json",
  ]);
  const served = JSON.parse(readFileSync(join(snapshot, "partykit.json"), "utf8"));
  assert.equal(served.serve, undefined, "the dev server serves public/ itself");
  assert.deepEqual(syncSnapshot(root, snapshot).changed, [], "nothing changed, nothing written");

  // Stage 1: no chatroom, no parties.
  rmSync(join(root, "party/chatroom.ts"));
  write("partykit.json", config(undefined));
  write("build/index.js", "build 2");
  const down = syncSnapshot(root, snapshot);
  assert.deepEqual(down.changed.sort(), ["build/index.js", "party/chatroom.ts", "partykit.json"]);
  assert.notEqual(down.parties, first.parties);
  assert.equal(existsSync(join(snapshot, "party/chatroom.ts")), false);
});
