// @ts-check
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { markdownToText } from "./markdown-text.js";
import { loadCorpus, MIN_CORPUS_WORDS } from "./corpus.js";

test("markdown becomes plain sentences", () => {
  const markdown = [
    "# Stage one",
    "",
    "Rooms are **small** servers. See [the docs](https://docs.partykit.io) or <https://example.com>.",
    "",
    "```ts",
    "const secret = 1;",
    "```",
    "",
    "- open a `websocket`",
    "- send frames:",
    "",
    "| Hook | When |",
    "| --- | --- |",
    "| onConnect | a person joins |",
    "",
    "[docs]: https://example.com/docs",
  ].join("\n");
  assert.equal(
    markdownToText(markdown),
    [
      "Stage one.",
      "Rooms are small servers. See the docs or.",
      "open a websocket.",
      "send frames.",
      "Hook, When.",
      "onConnect, a person joins.",
    ].join("\n"),
  );
});

test("uses the project's markdown when there is enough, else the built-in corpus", (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "local-ai-corpus-"));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, "demos", "01", "node_modules"), { recursive: true });
  fs.writeFileSync(path.join(root, "README.md"), "# Tiny\n\nToo few words here.\n");
  fs.writeFileSync(path.join(root, "demos", "01", "node_modules", "x.md"), "ignored ".repeat(5000));
  assert.match(loadCorpus(root).sources[0], /corpus\.txt$/);

  fs.writeFileSync(
    path.join(root, "demos", "01", "README.md"),
    "Rooms keep everyone in sync. ".repeat(MIN_CORPUS_WORDS / 4),
  );
  const corpus = loadCorpus(root);
  assert.deepEqual(corpus.sources, ["README.md", path.join("demos", "01", "README.md")]);
  assert.ok(corpus.words >= MIN_CORPUS_WORDS);
  assert.doesNotMatch(corpus.text, /ignored/);
});
