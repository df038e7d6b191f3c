// @ts-check
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { STAGES, stage, withFixture } from "./fixture.js";
import { listStages } from "./index.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** The fixture with a unit test beside the party code in stage 2, and story orders for 2 and 3. */
const WITH_TESTS = {
  ...STAGES,
  "02-chat-room": { ...STAGES["02-chat-room"], "party/chatroom.test.ts": "test('room')\n" },
};
const ORDER = {
  stages: {
    "02-chat-room": { order: ["party/", "app/routes/chats.$room.tsx"] },
    "03-ai-replies": { order: ["partykit.json", "*.ts"] },
  },
};

/** The files a diff shows, in its order. @param {string} text */
const files = (text) =>
  [...text.matchAll(/^\+\+\+ (?:b\/)?(.*)$|^--- a\/(.*)\n\+\+\+ \/dev\/null$/gm)].map(
    (m) => m[1] ?? m[2],
  );

describe("diff", { concurrency: true }, () => {
  test(
    "prints a unified diff as git does: hunks with 3 lines of context, added and deleted files",
    withFixture(async (root) => {
      const result = await stage(root, ["diff", "2"]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(
        result.stdout,
        [
          "--- a/app/deep/a/b/note.txt",
          "+++ /dev/null",
          "@@ -1 +0,0 @@",
          "-deep",
          "--- a/app/routes/_index.tsx",
          "+++ b/app/routes/_index.tsx",
          "@@ -1,8 +1,8 @@",
          " line 1",
          "-line 2",
          "+line 2 (room)",
          " line 3",
          " line 4",
          " line 5",
          " line 6",
          " line 7",
          "-line 8",
          "+line 8 (room)",
          "--- /dev/null",
          "+++ b/app/routes/chats.$room.tsx",
          "@@ -0,0 +1 @@",
          "+export default function Room() {}",
          "--- /dev/null",
          "+++ b/party/chatroom.ts",
          "@@ -0,0 +1 @@",
          "+export class ChatRoomServer {}",
          "",
        ].join("\n"),
      );
      assert.match(
        (await stage(root, ["diff", "2", "3", "app/logo.bin"])).stdout,
        /^Binary files a\/app\/logo\.bin and b\/app\/logo\.bin differ$/m,
      );
      assert.equal(
        (await stage(root, ["diff", "4", "4"])).stdout,
        "No differences between stage 4 and stage 4\n",
      );
    }),
  );

  test(
    "files come in the order demos/stages.json gives for the stage, then the rest by path",
    withFixture(
      async (root) => {
        assert.deepEqual(files((await stage(root, ["diff", "2"])).stdout), [
          "party/chatroom.ts",
          "app/routes/chats.$room.tsx",
          "app/deep/a/b/note.txt",
          "app/routes/_index.tsx",
        ]);
        // Across stages, each stage's order in turn: stage 2's party/ first, then stage 3's.
        assert.deepEqual(files((await stage(root, ["diff", "1", "3"])).stdout), [
          "party/ai.ts",
          "party/chatroom.ts",
          "app/routes/chats.$room.tsx",
          "partykit.json",
          "app/lib/util.ts",
          "app/deep/a/b/note.txt",
          "app/routes/_index.tsx",
        ]);
      },
      STAGES,
      ORDER,
    ),
  );

  test(
    "--stat: a row per file with its +/- counts, then the totals, in story order",
    withFixture(
      async (root) => {
        const result = await stage(root, ["diff", "1", "3", "--stat"]);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(
          result.stdout,
          [
            " party/ai.ts                |   1 +",
            " party/chatroom.ts          |   2 ++",
            " app/routes/chats.$room.tsx |   1 +",
            " partykit.json              |   2 +-",
            " app/lib/util.ts            |   2 ++",
            " app/deep/a/b/note.txt      |   1 -",
            " app/logo.bin               | Bin",
            " app/routes/_index.tsx      |   4 ++--",
            " 8 files changed, 9 insertions(+), 4 deletions(-)",
            "",
          ].join("\n"),
        );
        assert.equal(
          (await stage(root, ["diff", "3", "4", "--stat", "app/lib/"])).stdout,
          " app/lib/util.ts | 2 --\n 1 file changed, 2 deletions(-)\n",
        );
      },
      STAGES,
      ORDER,
    ),
  );

  test(
    "path filters keep only the files they match, git's way: a folder, a file or a glob",
    withFixture(async (root) => {
      assert.deepEqual(files((await stage(root, ["diff", "1", "2", "party/"])).stdout), [
        "party/chatroom.ts",
      ]);
      assert.deepEqual(files((await stage(root, ["diff", "1", "2", "app/routes"])).stdout), [
        "app/routes/_index.tsx",
        "app/routes/chats.$room.tsx",
      ]);
      assert.deepEqual(
        files((await stage(root, ["diff", "chat-room", "party/", "*.tsx"])).stdout),
        ["app/routes/_index.tsx", "app/routes/chats.$room.tsx", "party/chatroom.ts"],
        "one stage ref, then two filters",
      );
      assert.equal(
        (await stage(root, ["diff", "3", "4", "party/"])).stdout,
        '--- a/party/ai.ts\n+++ /dev/null\n@@ -1 +0,0 @@\n-export const reply = () => "hi"\n',
      );
      assert.equal(
        (await stage(root, ["diff", "2", "3", "app/routes/"])).stdout,
        "No differences between stage 2 and stage 3 in app/routes/\n",
      );
      const wrong = await stage(root, ["diff", "1", "2", "partyy/"]);
      assert.equal(wrong.code, 1);
      assert.equal(
        wrong.stderr,
        'stage: no file of stage 1 or stage 2 matches "partyy/"; give a folder or a file, e.g. party/ or app/routes/\n',
      );
    }),
  );

  test(
    "unit tests (*.test.*) are left out unless --tests",
    withFixture(async (root) => {
      const plain = await stage(root, ["diff", "2", "--stat"]);
      assert.doesNotMatch(plain.stdout, /chatroom\.test\.ts/);
      assert.match(plain.stdout, / 4 files changed/);
      assert.equal(plain.stderr, "stage: left out 1 test file; --tests shows them\n");
      const all = await stage(root, ["diff", "2", "--stat", "--tests"]);
      assert.match(all.stdout, /^ party\/chatroom\.test\.ts +\| 1 \+$/m);
      assert.match(all.stdout, / 5 files changed/);
      assert.equal(all.stderr, "");
    }, WITH_TESTS),
  );

  test(
    "colour only when asked, or on a terminal without NO_COLOR",
    withFixture(async (root) => {
      const coloured = (await stage(root, ["diff", "2", "--color", "party/"])).stdout;
      assert.match(coloured, /^\x1b\[1m--- \/dev\/null\x1b\[0m$/m);
      assert.match(coloured, /^\x1b\[36m@@ -0,0 \+1 @@\x1b\[0m$/m);
      assert.match(coloured, /^\x1b\[32m\+export class ChatRoomServer \{\}\x1b\[0m$/m);
      assert.match((await stage(root, ["diff", "2", "--color"])).stdout, /\x1b\[31m-deep\x1b\[0m/);
      assert.doesNotMatch((await stage(root, ["diff", "2"])).stdout, /\x1b/);
      assert.doesNotMatch(
        (await stage(root, ["diff", "2", "--color", "--no-color"])).stdout,
        /\x1b/,
      );
    }),
  );

  test("the real stages: stage 2's diff opens on the chat room party", async () => {
    const { code, stdout } = await stage(REPO, ["diff", "1", "2", "--stat"]);
    assert.equal(code, 0);
    assert.match(stdout, /^ party\/chatroom(\.schema)?\.ts /);
  });

  test("the real stages: every diff command the notes put on screen shows something", async () => {
    for (const { id } of listStages(REPO)) {
      const notes = readFileSync(join(REPO, "demos", id, "README.md"), "utf8");
      const commands = [...notes.matchAll(/`scripts\/stage (diff [^`]*)`/g)].map((m) => m[1]);
      assert.ok(commands.length, `demos/${id}/README.md names the diff commands to show`);
      for (const command of commands) {
        const { code, stdout, stderr } = await stage(REPO, command.split(" "));
        assert.equal(code, 0, `scripts/stage ${command}: ${stderr}`);
        assert.match(stdout, /^\+\+\+ b\//m, `scripts/stage ${command} shows a change`);
      }
    }
  });
});
