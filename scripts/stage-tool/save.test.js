// @ts-check
import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  STAGES,
  expectedStage,
  read,
  snapshot,
  stage,
  withFixture,
  workingCopy,
} from "./fixture.js";

/** A fixture already switched to stage 2. @param {(root: string) => Promise<void>} body */
const atStage2 = (body) =>
  withFixture(async (root) => {
    await stage(root, ["2"]);
    await body(root);
  });

describe("save", { concurrency: true }, () => {
  test(
    "keeps an edit at stage 2 as a minimal overlay that survives switching",
    atStage2(async (root) => {
      writeFileSync(join(root, "app/routes/_index.tsx"), "rewritten\n");
      writeFileSync(join(root, "app/extra.ts"), "export const extra = 1\n");
      rmSync(join(root, "app/root.tsx"));
      const edited = workingCopy(root);

      const result = await stage(root, ["save"]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(
        result.stdout,
        [
          "+ demos/02-chat-room/app/extra.ts",
          "~ demos/02-chat-room/app/routes/_index.tsx",
          "+ demos/02-chat-room/removed.txt: app/root.tsx",
          "",
          "Saved 3 edited files into stage 2. Next: scripts/stage check",
          "",
        ].join("\n"),
      );
      assert.equal(result.stderr, "");
      assert.equal(
        read(root, "demos/02-chat-room/removed.txt"),
        "# the note is obsolete once there is a room\napp/deep/a/b/note.txt\napp/root.tsx\n",
      );
      assert.equal(existsSync(join(root, "demos/02-chat-room/app/root.tsx")), false);

      await stage(root, ["1"]);
      await stage(root, ["2"]);
      assert.deepEqual(workingCopy(root), edited);
      assert.equal((await stage(root, ["check"])).code, 0, "overlays are still minimal");
      assert.equal(
        (await stage(root, ["save"])).stdout,
        "Nothing to save: demos/02-chat-room already matches the working copy\n",
      );
    }),
  );

  test(
    "saving a revert to the previous stage removes the overlay file",
    atStage2(async (root) => {
      const original = STAGES["01-local-chat"]["app/routes/_index.tsx"];
      writeFileSync(join(root, "app/routes/_index.tsx"), original);
      const result = await stage(root, ["save"]);
      assert.match(
        result.stdout,
        /^- demos\/02-chat-room\/app\/routes\/_index\.tsx \(now the same as stage 1's\)$/m,
      );
      assert.equal(existsSync(join(root, "demos/02-chat-room/app/routes/_index.tsx")), false);
      await stage(root, ["1"]);
      await stage(root, ["2"]);
      assert.equal(read(root, "app/routes/_index.tsx"), original);
      assert.equal((await stage(root, ["check"])).code, 0);
    }),
  );

  test(
    "bringing back a removed file drops its removed.txt entry",
    atStage2(async (root) => {
      mkdirSync(join(root, "app/deep/a/b"), { recursive: true });
      writeFileSync(join(root, "app/deep/a/b/note.txt"), "deep\n");
      const result = await stage(root, ["save"]);
      assert.match(
        result.stdout,
        /^- demos\/02-chat-room\/removed\.txt: app\/deep\/a\/b\/note\.txt$/m,
      );
      assert.equal(
        existsSync(join(root, "demos/02-chat-room/removed.txt")),
        false,
        "an empty removed.txt is deleted",
      );
      assert.equal((await stage(root, ["check"])).code, 0);
    }),
  );

  test(
    "--no-forward only warns when a later stage has its own copy of the edited file",
    atStage2(async (root) => {
      writeFileSync(
        join(root, "party/chatroom.ts"),
        "export class ChatRoomServer { fixed = true }\n",
      );
      const result = await stage(root, ["save", "--no-forward"]);
      assert.equal(result.code, 0);
      assert.equal(
        result.stderr,
        "stage: stage 3 has its own party/chatroom.ts: this fix does not reach it; run scripts/stage 3 and port it\n",
      );
      await stage(root, ["3"]);
      assert.deepEqual(workingCopy(root), expectedStage(3), "stage 3 keeps its own copy");
    }),
  );

  test(
    "an edit at a stage reaches later stages that inherit the file",
    atStage2(async (root) => {
      writeFileSync(join(root, "app/root.tsx"), "export default function App() { /* fixed */ }\n");
      assert.equal((await stage(root, ["save"])).stderr, "");
      await stage(root, ["4"]);
      assert.equal(read(root, "app/root.tsx"), "export default function App() { /* fixed */ }\n");
    }),
  );

  test(
    "folder entries in removed.txt survive a save",
    withFixture(async (root) => {
      writeFileSync(
        join(root, "app/routes/usage.tsx"),
        "export default function Usage() { return 1 }\n",
      );
      assert.equal((await stage(root, ["save"])).code, 0);
      assert.equal(read(root, "demos/04-usage/removed.txt"), "party/ai.ts\napp/lib\n");
    }),
  );
});

/** party/chatroom.ts as stage 2 writes it; stages 3 and 5 change it further, stage 4 inherits it. */
const ROOM = [
  "// One chat room.",
  'import { z } from "zod";',
  "",
  "export class ChatRoom {",
  "  limit = 10;",
  "",
  "  onConnect() {}",
  "}",
  "",
].join("\n");
/** @param {string} text @param {string} from @param {string} to */
const edit = (text, from, to) => {
  assert.ok(text.includes(from), `the fixture holds ${from}`);
  return text.replace(from, to);
};
const ROOM_3 = edit(ROOM, "  onConnect() {}\n", "  onConnect() {}\n\n  reply() {}\n");
const ROOM_5 = edit(ROOM_3, 'from "zod";\n', 'from "zod";\nimport { people } from "./presence";\n');
/** Five stages; stages 2, 3 and 5 each hold their own party/chatroom.ts. @param {string} [room5] */
const chain = (room5 = ROOM_5) => ({
  "01-local-chat": { "README.md": "# Stage 1\n", "app/root.tsx": "root\n" },
  "02-chat-room": { "README.md": "# Stage 2\n", "party/chatroom.ts": ROOM },
  "03-ai-replies": { "README.md": "# Stage 3\n", "party/chatroom.ts": ROOM_3 },
  "04-usage": { "README.md": "# Stage 4\n", "party/usage.ts": "usage\n" },
  "05-presence": { "README.md": "# Stage 5\n", "party/chatroom.ts": room5 },
});
const FIX = (/** @type {string} */ text) => edit(text, "limit = 10;", "limit = 20;");
/** Stage 5 changed the very line the fix changes. */
const ROOM_5_CONFLICTING = edit(ROOM_5, "limit = 10;", "limit = 50;");

/**
 * A chain fixture switched to stage 2 with the fix in its working copy.
 * @param {(root: string) => Promise<void>} body @param {string} [room5]
 */
const fixAtStage2 = (body, room5) =>
  withFixture(async (root) => {
    await stage(root, ["2"]);
    writeFileSync(join(root, "party/chatroom.ts"), FIX(ROOM));
    await body(root);
  }, chain(room5));

describe("save carries a fix forward into later stages' own copies", { concurrency: true }, () => {
  test(
    "stages 3 and 5 carry a fix saved at stage 2, and check passes",
    fixAtStage2(async (root) => {
      const result = await stage(root, ["save"]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, "");
      assert.equal(
        result.stdout,
        [
          "~ demos/02-chat-room/party/chatroom.ts",
          "~ demos/03-ai-replies/party/chatroom.ts (carried from stage 2)",
          "~ demos/05-presence/party/chatroom.ts (carried from stage 2)",
          "",
          "Saved 1 edited file into stage 2 and carried into stages 3, 5. Next: scripts/stage check",
          "",
        ].join("\n"),
      );
      assert.equal(read(root, "demos/03-ai-replies/party/chatroom.ts"), FIX(ROOM_3));
      assert.equal(read(root, "demos/05-presence/party/chatroom.ts"), FIX(ROOM_5));
      assert.equal(existsSync(join(root, "demos/04-usage/party/chatroom.ts")), false);
      const check = await stage(root, ["check"]);
      assert.equal(check.code, 0, check.stderr);
      for (const n of ["3", "4", "5"]) {
        await stage(root, [n]);
        assert.equal(read(root, "party/chatroom.ts"), FIX(n === "5" ? ROOM_5 : ROOM_3));
      }
    }),
  );

  test(
    "a later copy that already had the fix becomes redundant and is removed",
    fixAtStage2(async (root) => {
      const result = await stage(root, ["save"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /^- demos\/05-presence\/party\/chatroom\.ts \(now the same as stage 4's\)$/m,
      );
      assert.equal(existsSync(join(root, "demos/05-presence/party/chatroom.ts")), false);
      assert.equal((await stage(root, ["check"])).code, 0);
    }, FIX(ROOM_3)),
  );

  test(
    "a conflicting later edit: markers in that stage's file only, exit 1, one line saying what to do",
    fixAtStage2(
      async (root) => {
        const result = await stage(root, ["save"]);
        assert.equal(result.code, 1);
        assert.equal(
          result.stderr,
          "stage: stage 5 changed the same lines: fix the markers in demos/05-presence/party/chatroom.ts, then run scripts/stage check\n",
        );
        assert.match(
          result.stdout,
          /^~ demos\/03-ai-replies\/party\/chatroom\.ts \(carried from stage 2\)$/m,
        );
        assert.equal(read(root, "demos/03-ai-replies/party/chatroom.ts"), FIX(ROOM_3));
        assert.equal(read(root, "demos/02-chat-room/party/chatroom.ts"), FIX(ROOM));
        assert.equal(
          read(root, "demos/05-presence/party/chatroom.ts"),
          edit(
            ROOM_5_CONFLICTING,
            "  limit = 50;\n",
            [
              "<<<<<<< stage 5",
              "  limit = 50;",
              "=======",
              "  limit = 20;",
              ">>>>>>> stage 4 with the fix from stage 2",
              "",
            ].join("\n"),
          ),
        );
        const markers = [...snapshot(root)].filter(([, bytes]) => bytes.includes("<<<<<<<"));
        assert.deepEqual(
          markers.map(([path]) => path),
          ["demos/05-presence/party/chatroom.ts"],
        );

        const check = await stage(root, ["check"]);
        assert.equal(check.code, 1);
        assert.match(check.stderr, /demos\/05-presence\/party\/chatroom\.ts has conflict markers/);
        writeFileSync(join(root, "demos/05-presence/party/chatroom.ts"), FIX(ROOM_5));
        assert.equal((await stage(root, ["check"])).code, 0);
      },
      edit(ROOM_5, "limit = 10;", "limit = 50;"),
    ),
  );

  test(
    "a removal in a later stage of a file the save deletes is dropped from its removed.txt",
    withFixture(
      async (root) => {
        await stage(root, ["2"]);
        rmSync(join(root, "party/old.ts"));
        const result = await stage(root, ["save"]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(
          result.stdout,
          /^- demos\/03-ai-replies\/removed\.txt: party\/old\.ts \(stage 2 no longer has it\)$/m,
        );
        assert.equal(existsSync(join(root, "demos/03-ai-replies/removed.txt")), false);
        assert.equal((await stage(root, ["check"])).code, 0);
      },
      {
        "01-local-chat": { "README.md": "# Stage 1\n", "app/root.tsx": "root\n" },
        "02-chat-room": { "README.md": "# Stage 2\n", "party/old.ts": "old\n" },
        "03-ai-replies": { "README.md": "# Stage 3\n", "removed.txt": "party/old.ts\n" },
      },
    ),
  );

  test(
    "a conflict at stage 3 stops there: stage 5's own copy is named, not touched",
    withFixture(
      async (root) => {
        await stage(root, ["2"]);
        writeFileSync(join(root, "party/chatroom.ts"), FIX(ROOM));
        const result = await stage(root, ["save"]);
        assert.equal(result.code, 1);
        assert.deepEqual(result.stderr.trimEnd().split("\n"), [
          "stage: stage 5 has its own party/chatroom.ts and was not updated; port the change there by hand",
          "stage: stage 3 changed the same lines: fix the markers in demos/03-ai-replies/party/chatroom.ts, then run scripts/stage check",
        ]);
        assert.match(
          read(root, "demos/03-ai-replies/party/chatroom.ts"),
          /^>>>>>>> stage 2 with the fix$/m,
        );
        assert.equal(read(root, "demos/05-presence/party/chatroom.ts"), ROOM_5);
      },
      {
        ...chain(),
        "03-ai-replies": {
          "README.md": "# Stage 3\n",
          "party/chatroom.ts": edit(ROOM_3, "limit = 10;", "limit = 30;"),
        },
      },
    ),
  );
});
