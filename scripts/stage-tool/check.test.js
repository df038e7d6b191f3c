// @ts-check
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { stage, withFixture } from "./fixture.js";

describe("check", { concurrency: true }, () => {
  test(
    "passes on a good repo",
    withFixture(async (root) => {
      const result = await stage(root, ["check"]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(
        result.stdout,
        "OK: 4 stages, minimal overlays, working copy at stage 4 with no edits\n",
      );
    }),
  );

  test(
    "lists every problem and exits 1",
    withFixture(async (root) => {
      const demos = join(root, "demos");
      copyFileSync(
        join(demos, "01-local-chat/app/root.tsx"),
        join(demos, "02-chat-room/app/root.tsx"),
      ); // not minimal
      writeFileSync(join(demos, "02-chat-room/notes.txt"), "stray\n");
      writeFileSync(join(demos, "03-ai-replies/removed.txt"), "app/never-existed.ts\n");
      writeFileSync(join(root, "app/root.tsx"), "drifted\n");
      const result = await stage(root, ["check"]);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, "");
      assert.deepEqual(result.stderr.trimEnd().split("\n"), [
        "stage: demos/02-chat-room/notes.txt is not under app, party, partykit.json; move or delete it",
        "stage: demos/02-chat-room/app/root.tsx is identical to stage 1's; delete it (overlays hold only changes)",
        "stage: demos/03-ai-replies/removed.txt lists app/never-existed.ts, which stage 2 does not have; drop the line",
        "stage: working copy: app/root.tsx differs from stage 4; run scripts/stage save to keep these edits in demos/, or scripts/stage 4 to discard",
        "stage: check found 4 problems",
      ]);
    }),
  );
});
