// @ts-check
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { STAGES, expectedStage, makeFixture, remove, snapshot, stage } from "./fixture.js";
import { exportStage } from "./index.js";

/** @type {string} */
let root;
/** @type {string} */
let dest;
beforeEach(() => {
  root = makeFixture();
  dest = mkdtempSync(join(tmpdir(), "stage-export-"));
});
afterEach(() => {
  remove(root);
  remove(dest);
});

/** Stage N as a standalone project: project files (build output and missing ones skipped) + stage files + notes. @param {number} n */
function standalone(n) {
  const tree = new Map([
    [".gitignore", snapshot(root).get(".gitignore")],
    ["README.md", Buffer.from(Object.values(STAGES)[n - 1]["README.md"])],
    ["package.json", snapshot(root).get("package.json")],
    ["public/favicon.ico", snapshot(root).get("public/favicon.ico")],
    ...expectedStage(n),
  ]);
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : 1)));
}

test("export writes a standalone project", async () => {
  const result = await stage(root, ["export", "chat-room", dest]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `Exported stage 2 (10 files) to ${dest}. Next: cd ${dest} && npm install && npm run dev\n`,
  );
  assert.deepEqual(snapshot(dest), standalone(2));
});

test("export --force replaces everything but node_modules", async () => {
  writeFileSync(join(dest, "old.txt"), "old\n");
  mkdirSync(join(dest, "node_modules/pkg"), { recursive: true });
  writeFileSync(join(dest, "node_modules/pkg/index.js"), "kept\n");
  assert.equal((await stage(root, ["export", "3", dest, "--force"])).code, 0);
  const expected = standalone(3).set("node_modules/pkg/index.js", Buffer.from("kept\n"));
  assert.deepEqual(snapshot(dest), new Map([...expected].sort(([a], [b]) => (a < b ? -1 : 1))));
});

test("the JS API does the same", () => {
  exportStage(root, 4, dest);
  assert.deepEqual(snapshot(dest), standalone(4));
  assert.throws(() => exportStage(root, 4, dest), { code: "DEST_NOT_EMPTY" });
  exportStage(root, 1, dest, { force: true });
  assert.deepEqual(snapshot(dest), standalone(1));
});
