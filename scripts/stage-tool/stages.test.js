// @ts-check
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, test } from "node:test";
import { join } from "node:path";
import { expectedStage, makeFixture, remove } from "./fixture.js";
import { findRoot, listStages, materialize, StageError } from "./index.js";
import { loadIgnore, parseNotes } from "./stages.js";

const root = makeFixture();
after(() => remove(root));

test("findRoot walks up to the folder holding demos/stages.json", () => {
  assert.equal(findRoot(join(root, "demos", "02-chat-room", "app")), root);
  assert.throws(() => findRoot("/"), { code: "NO_ROOT" });
});

test("listStages reads the folders in order with their titles", () => {
  const stages = listStages(root).map(({ n, name, title, headline }) => ({
    n,
    name,
    title,
    headline,
  }));
  assert.deepEqual(stages, [
    {
      n: 1,
      name: "local-chat",
      title: "Stage 1: local chat",
      headline: "You chat with yourself. No server yet.",
    },
    { n: 2, name: "chat-room", title: "Stage 2: a chat room", headline: "Everyone shares a room." },
    { n: 3, name: "ai-replies", title: "Stage 3: AI replies", headline: "A bot answers." },
    { n: 4, name: "usage", title: "Stage 4: usage", headline: "Count the tokens." },
  ]);
});

test("materialize applies overlays and removals in order; refs can be N, NN, name or folder", () => {
  for (const n of [1, 2, 3, 4]) assert.deepEqual(materialize(root, n), expectedStage(n));
  assert.deepEqual(materialize(root, "02"), expectedStage(2));
  assert.deepEqual(materialize(root, "chat-room"), expectedStage(2));
  assert.deepEqual(materialize(root, "03-ai-replies"), expectedStage(3));
  assert.throws(
    () => materialize(root, "4b"),
    (err) =>
      err instanceof StageError &&
      /unknown stage "4b"; expected one of: 1 local-chat, 2 chat-room/.test(err.message),
  );
});

test('parseNotes: first "# " heading is the title, the paragraph after it the headline', () => {
  assert.deepEqual(parseNotes("intro\n# Stage 2: rooms\n\nOne room.\nFor all.\n\n## Steps\n"), {
    title: "Stage 2: rooms",
    headline: "One room. For all.",
  });
  assert.deepEqual(parseNotes("# Only a title\n\n## Steps\n"), {
    title: "Only a title",
    headline: "",
  });
  assert.deepEqual(parseNotes("no heading"), { title: "", headline: "" });
});

test("git's ignore rules keep build output out, `!` rules included", () => {
  const ignored = loadIgnore(root);
  assert.equal(ignored("public/build", true), true);
  assert.equal(ignored("app/node_modules", true), true);
  assert.equal(ignored("public/favicon.ico", false), false);
  assert.equal(ignored("app/build", true), false); // "/public/build/" is anchored

  const other = makeFixture();
  try {
    writeFileSync(join(other, ".gitignore"), "*.log\n!keep.log\n/cache/\n");
    const rules = loadIgnore(other);
    assert.equal(rules("app/debug.log", false), true);
    assert.equal(rules("app/keep.log", false), false, "a `!` rule brings a file back");
    assert.equal(rules("cache", true), true);
    assert.equal(rules("cache", false), false, "a trailing / matches folders only");
  } finally {
    remove(other);
  }
});
