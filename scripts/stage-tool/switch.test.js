// @ts-check
import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { expectedStage, read, stage, withFixture, workingCopy } from "./fixture.js";

/** @param {string} root */
const backups = (root) =>
  existsSync(join(root, ".stage/backups")) ? readdirSync(join(root, ".stage/backups")) : [];

describe("switching stages", { concurrency: true }, () => {
  test(
    "up and down through every stage gives byte-exact trees",
    withFixture(async (root) => {
      for (const n of [1, 2, 3, 4, 3, 2, 1, 4, 1]) {
        const result = await stage(root, [String(n)]);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(workingCopy(root), expectedStage(n), `stage ${n}`);
        assert.equal(
          read(root, ".stage/current"),
          `${["01-local-chat", "02-chat-room", "03-ai-replies", "04-usage"][n - 1]}\n`,
        );
      }
      assert.equal(existsSync(join(root, "party")), false, "folders that become empty are removed");
      assert.equal(existsSync(join(root, "app/lib")), false);
      assert.deepEqual(backups(root), []);
    }),
  );

  test(
    "prints the changes, the title and headline, and what to run next",
    withFixture(async (root) => {
      const { stdout } = await stage(root, ["go", "chat-room"]);
      assert.deepEqual(stdout.split("\n"), [
        "~ app/logo.bin",
        "~ party/chatroom.ts",
        "~ partykit.json",
        "- app/routes/usage.tsx",
        "",
        "Stage 2: a chat room",
        "Everyone shares a room.",
        "",
        "Now at stage 2 (4 files changed). Next: scripts/stage notes, then scripts/stage 3",
        "",
      ]);
      assert.match((await stage(root, ["2"])).stdout, /^Already at stage 2, no edits/);
    }),
  );

  test(
    "writes only files whose bytes change",
    withFixture(async (root) => {
      const old = new Date("2020-01-01");
      utimesSync(join(root, "app/root.tsx"), old, old);
      await stage(root, ["3"]);
      assert.equal(statSync(join(root, "app/root.tsx")).mtimeMs, old.getTime());
    }),
  );

  test(
    "list marks the current stage and counts edits",
    withFixture(async (root) => {
      await stage(root, ["2"]);
      writeFileSync(join(root, "app/root.tsx"), "edited\n");
      const { stdout, code } = await stage(root, []);
      assert.equal(code, 0);
      assert.match(stdout, /^\* {2}2 {2}chat-room {3}a chat room$/m);
      assert.match(stdout, /working copy has 1 edited file:/);
    }),
  );

  test(
    "edits are backed up; restore brings the exact tree back",
    withFixture(async (root) => {
      await stage(root, ["2"]);
      writeFileSync(join(root, "app/root.tsx"), "changed\n");
      writeFileSync(join(root, "app/added.ts"), Buffer.from([0, 255, 1]));
      rmSync(join(root, "party/chatroom.ts"));
      const edited = workingCopy(root);

      const away = await stage(root, ["3"]);
      assert.equal(away.code, 0);
      assert.match(
        away.stderr,
        /^stage: backed up your edits to \.stage\/backups\/\S+; bring them back with scripts\/stage restore\n$/,
      );
      assert.deepEqual(workingCopy(root), expectedStage(3));
      assert.equal(backups(root).length, 1);

      const back = await stage(root, ["restore"]);
      assert.equal(back.code, 0, back.stderr);
      assert.match(back.stdout, /Restored \.stage\/backups\/\S+ \(stage 2 with your edits\)/);
      assert.deepEqual(workingCopy(root), edited);
      assert.match(
        (await stage(root, ["list"])).stdout,
        /At stage 2; working copy has 3 edited files/,
      );
      assert.match((await stage(root, ["restore"])).stdout, /^Already restored/);
    }),
  );

  test(
    "restore backs up the edits it would overwrite, so restoring again swaps back",
    withFixture(async (root) => {
      await stage(root, ["2"]);
      writeFileSync(join(root, "app/root.tsx"), "first\n");
      await stage(root, ["3"]);
      writeFileSync(join(root, "party/ai.ts"), "second\n");
      const second = workingCopy(root);
      const result = await stage(root, ["restore"]);
      assert.match(result.stderr, /backed up your current edits to \.stage\/backups\/\S+ first/);
      assert.equal(read(root, "app/root.tsx"), "first\n");
      await stage(root, ["restore"]);
      assert.deepEqual(workingCopy(root), second);
    }),
  );

  test(
    "--force discards edits without a backup",
    withFixture(async (root) => {
      writeFileSync(join(root, "app/root.tsx"), "changed\n");
      const result = await stage(root, ["1", "--force"]);
      assert.equal(result.code, 0);
      assert.match(result.stderr, /discarded 1 edited file \(--force\)/);
      assert.deepEqual(workingCopy(root), expectedStage(1));
      assert.deepEqual(backups(root), []);
    }),
  );

  test(
    "going to the current stage with edits backs them up and discards them",
    withFixture(async (root) => {
      writeFileSync(join(root, "app/root.tsx"), "changed\n");
      assert.equal((await stage(root, ["4"])).code, 0);
      assert.deepEqual(workingCopy(root), expectedStage(4));
      assert.equal(backups(root).length, 1);
    }),
  );

  test(
    "diff and notes",
    withFixture(async (root) => {
      assert.equal(
        (await stage(root, ["diff", "3", "4"])).stdout,
        [
          "--- a/app/lib/util.ts",
          "+++ /dev/null",
          "@@ -1,2 +0,0 @@",
          "-export const a = 1",
          "-export const b = 2",
          "--- /dev/null",
          "+++ b/app/routes/usage.tsx",
          "@@ -0,0 +1 @@",
          "+export default function Usage() {}",
          "--- a/party/ai.ts",
          "+++ /dev/null",
          "@@ -1 +0,0 @@",
          '-export const reply = () => "hi"',
          "",
        ].join("\n"),
      );
      assert.equal(
        (await stage(root, ["diff"])).stdout,
        (await stage(root, ["diff", "4"])).stdout,
        "default: the current stage's change",
      );
      assert.match(
        (await stage(root, ["diff", "1"])).stdout,
        /^--- \/dev\/null\n\+\+\+ b\/app\/deep\/a\/b\/note\.txt/,
      );
      assert.match((await stage(root, ["diff", "2", "3", "--color"])).stdout, /\x1b\[32m\+/);
      assert.equal(
        (await stage(root, ["notes", "1"])).stdout,
        "# Stage 1: local chat\n\nYou chat with yourself.\nNo server yet.\n\nMore notes.\n",
      );
      assert.match((await stage(root, ["notes"])).stdout, /^# Stage 4: usage/);
    }),
  );
});
