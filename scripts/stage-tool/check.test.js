// @ts-check
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { STAGES, stage, withFixture } from "./fixture.js";

const SIZES = [
  " 1  local-chat    24 diff lines (+11 -0); widest line 32",
  " 2  chat-room     25 diff lines (+4 -3); widest line 33",
  " 3  ai-replies    20 diff lines (+5 -1); widest line 31",
  " 4  usage         13 diff lines (+1 -3); widest line 34",
  "",
];

describe("check", { concurrency: true }, () => {
  test(
    "passes on a good repo",
    withFixture(async (root) => {
      const result = await stage(root, ["check"]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.stdout.split("\n"), [
        ...SIZES,
        "OK: 4 stages, minimal overlays, working copy at stage 4 with no edits",
        "",
      ]);
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
      assert.deepEqual(result.stderr.trimEnd().split("\n"), [
        "stage: demos/02-chat-room/notes.txt is not under app, party, partykit.json; move or delete it",
        "stage: demos/02-chat-room/app/root.tsx is identical to stage 1's; delete it (overlays hold only changes)",
        "stage: demos/03-ai-replies/removed.txt lists app/never-existed.ts, which stage 2 does not have; drop the line",
        "stage: working copy: app/root.tsx differs from stage 4; run scripts/stage save to keep these edits in demos/, or scripts/stage 4 to discard",
        "stage: check found 4 problems",
      ]);
    }),
  );

  test(
    "prints each stage's diff size and fails a stage over its targets in demos/stages.json",
    withFixture(
      async (root) => {
        const result = await stage(root, ["check"]);
        assert.equal(result.code, 1);
        assert.deepEqual(result.stdout.split("\n"), [
          " 1  local-chat    24 diff lines (+11 -0); widest line 32, target 32",
          " 2  chat-room     25 diff lines (+4 -3), target 20; widest line 33, target 32",
          " 3  ai-replies    20 diff lines (+5 -1), target 20; widest line 31, target 32",
          " 4  usage         13 diff lines (+1 -3); widest line 34, target 32",
          "",
          "",
        ]);
        assert.deepEqual(result.stderr.trimEnd().split("\n"), [
          "stage: stage 2's diff is 25 lines, over its target of 20 (demos/stages.json); move what is not its lesson into a module of its own or an earlier stage",
          "stage: stage 2's diff has 1 line wider than 32 characters, the widest 33 at app/routes/chats.$room.tsx:1; wrap them",
          "stage: stage 4's diff has 1 line wider than 32 characters, the widest 34 at app/routes/usage.tsx:1; wrap them",
          "stage: check found 3 problems",
        ]);
      },
      STAGES,
      {
        maxLineWidth: 32,
        stages: { "02-chat-room": { maxDiffLines: 20 }, "03-ai-replies": { maxDiffLines: 20 } },
      },
    ),
  );

  test(
    "unit tests do not count towards a stage's diff",
    withFixture(
      async (root) => {
        const result = await stage(root, ["check"]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^ 2 {2}chat-room {5}25 diff lines \(\+4 -3\), target 25;/m);
      },
      {
        ...STAGES,
        "02-chat-room": { ...STAGES["02-chat-room"], "party/chatroom.test.ts": "test()\n" },
      },
      { stages: { "02-chat-room": { maxDiffLines: 25 } } },
    ),
  );

  test(
    "names leftover conflict markers, settings for a stage that does not exist, and stale orders",
    withFixture(
      async (root) => {
        writeFileSync(
          join(root, "demos/03-ai-replies/party/ai.ts"),
          "<<<<<<< stage 3\na\n=======\nb\n>>>>>>> stage 2 with the fix\n",
        );
        const result = await stage(root, ["check"]);
        assert.equal(result.code, 1);
        assert.deepEqual(result.stderr.trimEnd().split("\n"), [
          'stage: demos/stages.json has settings for "07-gone", which demos/ lacks; rename the key to a stage folder',
          "stage: demos/03-ai-replies/party/ai.ts has conflict markers (<<<<<<< ... >>>>>>>); keep what both sides need and delete the markers",
          'stage: demos/stages.json: stage 3\'s order lists "app/gone.ts", which its diff does not touch; fix the path or drop it',
          "stage: check found 3 problems",
        ]);
      },
      STAGES,
      { stages: { "07-gone": { order: ["party/"] }, "03-ai-replies": { order: ["app/gone.ts"] } } },
    ),
  );
});
