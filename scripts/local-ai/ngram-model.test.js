// @ts-check
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createNgramModel, countTokens, tokenize } from "./ngram-model.js";
import { BUILT_IN_CORPUS } from "./corpus.js";

const corpus = readFileSync(BUILT_IN_CORPUS, "utf8");
const model = createNgramModel({ text: corpus });

/**
 * @param {string} prompt
 * @param {import("./chat-model.js").GenerateOptions} [options]
 */
async function reply(prompt, options = {}) {
  const generation = model.generate([{ role: "user", content: prompt }], options);
  /** @type {string[]} */
  const pieces = [];
  for (;;) {
    const step = await generation.next();
    if (step.done) return { pieces, text: pieces.join(""), finish: step.value };
    pieces.push(step.value);
  }
}

test("counts words and punctuation marks as tokens", () => {
  assert.deepEqual(tokenize("Hello, world! It's node.js."), [
    "Hello",
    ",",
    "world",
    "!",
    "It's",
    "node.js",
    ".",
  ]);
  assert.equal(countTokens("  "), 0);
});

test("trains on the corpus well within a second", () => {
  const started = performance.now();
  const trained = createNgramModel({ text: corpus.repeat(3) });
  assert.ok(performance.now() - started < 1000);
  assert.ok(trained.vocabularySize > 500);
});

test("replies only with words and punctuation from the corpus, properly spaced", async () => {
  const known = new Set(tokenize(corpus).map((piece) => piece.toLowerCase()));
  for (const seed of [1, 2, 3]) {
    const { text, pieces } = await reply("What happens when a connection drops?", { seed });
    for (const piece of tokenize(text))
      assert.ok(known.has(piece.toLowerCase()), `"${piece}" is not in the corpus`);
    assert.equal(countTokens(text), pieces.length); // our usage numbers count exactly what was streamed
    assert.match(text, /^[A-Z]/);
    assert.doesNotMatch(text, /\s[,.;:!?]|\s{2}|[,;:][.!?]/);
  }
});

test("starts from a word of the question when it knows one", async () => {
  assert.match((await reply("tell me about cursors", { seed: 1 })).text, /^Cursors /);
  assert.match((await reply("any thoughts on presence?", { seed: 1 })).text, /^Presence /);
  const { text } = await reply("zxqv wibble", { seed: 1 }); // nothing known: still answers
  assert.ok(countTokens(text) > 0);
});

test("respects maxTokens and reports why it stopped", async () => {
  const short = await reply("How do rooms work?", { seed: 4, maxTokens: 7 });
  assert.ok(short.pieces.length <= 7);
  assert.equal(
    short.finish,
    short.pieces.length === 7 && !/[.!?]$/.test(short.text) ? "length" : "stop",
  );

  const long = await reply("How do rooms work?", { seed: 4 });
  assert.equal(long.finish, "stop");
  assert.match(long.text, /[.!?]$/);
  assert.ok(long.pieces.length >= 30);
});

test("is deterministic for a fixed seed and varies across seeds", async () => {
  const prompt = "How should a room stream AI replies?";
  assert.equal((await reply(prompt, { seed: 42 })).text, (await reply(prompt, { seed: 42 })).text);
  const texts = new Set(
    await Promise.all([1, 2, 3, 4, 5].map(async (seed) => (await reply(prompt, { seed })).text)),
  );
  assert.ok(texts.size > 1);
  // Temperature 0 always takes the likeliest next word, so the seed no longer matters.
  assert.equal(
    (await reply(prompt, { seed: 1, temperature: 0 })).text,
    (await reply(prompt, { seed: 2, temperature: 0 })).text,
  );
});

test("stops at the next piece once the signal aborts", async () => {
  const controller = new AbortController();
  const generation = model.generate([{ role: "user", content: "rooms" }], {
    signal: controller.signal,
    maxTokens: 100,
  });
  await generation.next();
  controller.abort();
  assert.equal((await generation.next()).done, true);
});
