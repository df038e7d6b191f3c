// @ts-check
import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { STAGES, expectedStage, read, stage, withFixture, workingCopy } from "./fixture.js";

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
    "warns when a later stage has its own copy of the edited file",
    atStage2(async (root) => {
      writeFileSync(
        join(root, "party/chatroom.ts"),
        "export class ChatRoomServer { fixed = true }\n",
      );
      const result = await stage(root, ["save"]);
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
