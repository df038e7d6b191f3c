// @ts-check
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import OpenAI from "openai";
import { createServer } from "./server.js";
import { createNgramModel, countTokens, NGRAM_MODEL_ID } from "./ngram-model.js";
import { BUILT_IN_CORPUS } from "./corpus.js";

const model = createNgramModel({ text: readFileSync(BUILT_IN_CORPUS, "utf8") });
const question = [
  { role: /** @type {const} */ ("user"), content: "How do websockets keep a room in sync?" },
];
// Any model name is accepted, as the room may ask for a hosted one; replies name the model that ran.
const base = { model: "gpt-4o-mini", messages: question };

/**
 * A server on a free port plus an SDK client for it; closed when the test ends.
 * @param {import("node:test").TestContext} t
 * @param {Partial<import("./server.js").ServerOptions>} [options]
 */
async function start(t, options = {}) {
  const server = createServer({ model, delayMs: 0, ...options });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  const baseURL = `http://127.0.0.1:${port}/v1`;
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, baseURL, client: new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0 }) };
}

/** Polls until `condition` holds: for server state the client cannot see. @param {() => boolean} condition @param {string} what */
async function waitFor(condition, what) {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(5);
  }
}

test("a non-streaming completion returns text and usage", async (t) => {
  const { client } = await start(t);
  const completion = await client.chat.completions.create({ ...base, max_tokens: 40 });

  assert.equal(completion.object, "chat.completion");
  assert.equal(completion.model, NGRAM_MODEL_ID);
  const [choice] = completion.choices;
  assert.equal(choice.message.role, "assistant");
  assert.match(choice.message.content ?? "", /^Websockets\b/); // seeded from the question
  assert.ok(["stop", "length"].includes(choice.finish_reason));
  const completionTokens = countTokens(choice.message.content ?? "");
  assert.ok(completionTokens <= 40);
  assert.deepEqual(completion.usage, {
    prompt_tokens: countTokens(question[0].content),
    completion_tokens: completionTokens,
    total_tokens: countTokens(question[0].content) + completionTokens,
  });
});

test("a stream sends the role, content pieces, a finish reason, then usage", async (t) => {
  const { client } = await start(t);
  const stream = await client.chat.completions.create({
    ...base,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 60,
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);

  assert.equal(chunks[0].choices[0].delta.role, "assistant");
  const pieces = chunks.flatMap((chunk) => chunk.choices[0]?.delta.content || []);
  assert.ok(pieces.length >= 5, `expected several content chunks, got ${pieces.length}`);
  const finishing = chunks.filter((chunk) => chunk.choices[0]?.finish_reason);
  assert.equal(finishing.length, 1);
  assert.ok(["stop", "length"].includes(finishing[0].choices[0].finish_reason ?? ""));

  const last = chunks[chunks.length - 1];
  assert.deepEqual(last.choices, []);
  assert.equal(last.usage?.completion_tokens, countTokens(pieces.join("")));
  assert.equal(last.usage?.completion_tokens, pieces.length); // one piece per chunk
});

test("models.list names the running model", async (t) => {
  const { client } = await start(t);
  const page = await client.models.list();
  assert.deepEqual(
    page.data.map(({ id, object, owned_by }) => ({ id, object, owned_by })),
    [{ id: NGRAM_MODEL_ID, object: "model", owned_by: "party-ai-chat" }],
  );
});

test("aborting a stream stops generation and frees the only slot", { timeout: 5000 }, async (t) => {
  const { server, client } = await start(t, { concurrency: 1, delayMs: 10 });
  const ended = once(server, "generation-end");
  const controller = new AbortController();
  const stream = await client.chat.completions.create(
    { ...base, stream: true, max_tokens: 500 }, // 5 s of tokens if nobody stopped it
    { signal: controller.signal },
  );
  let received = 0;
  try {
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++received === 3) controller.abort();
    }
  } catch (error) {
    assert.match(String(error), /abort/i);
  }

  const [end] = await ended;
  assert.equal(end.outcome, "aborted");
  assert.ok(end.pieces < 50, `generation ran on for ${end.pieces} pieces after the abort`);
  assert.equal(server.queue.active, 0);
  const next = await client.chat.completions.create({ ...base, max_tokens: 5 });
  assert.ok(next.choices[0].message.content);
});

test("a request aborted while it waits in the queue never runs", { timeout: 5000 }, async (t) => {
  const { server, client } = await start(t, { concurrency: 1, delayMs: 5 });
  let started = 0;
  server.on("generation-start", () => started++);
  const running = await client.chat.completions.create({ ...base, stream: true, max_tokens: 40 });
  const controller = new AbortController();
  const queued = client.chat.completions.create(
    { ...base, max_tokens: 5 },
    { signal: controller.signal },
  );
  await waitFor(() => server.queue.waiting === 1, "the second request is queued");
  controller.abort();
  await assert.rejects(queued, /abort/i);
  await waitFor(() => server.queue.waiting === 0, "the queue is empty");

  for await (const _chunk of running); // let the first one finish
  assert.equal(started, 1);
  assert.equal(server.queue.active, 0);
});

test("with concurrency 1, two streams run one after the other", async (t) => {
  const { server, client } = await start(t, { concurrency: 1, delayMs: 1 });
  /** @type {string[]} */
  const events = [];
  server.on("generation-start", () => events.push("start"));
  server.on("generation-end", () => events.push("end"));
  /** @type {string[]} */
  const arrivals = [];
  /** @param {string} name */
  const consume = async (name) => {
    const stream = await client.chat.completions.create({ ...base, stream: true, max_tokens: 15 });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(name);
  };
  await Promise.all([consume("A"), consume("B")]);

  assert.deepEqual(events, ["start", "end", "start", "end"]);
  const first = arrivals[0];
  const switchAt = arrivals.findIndex((name) => name !== first);
  assert.ok(switchAt > 0, "both streams produced content");
  assert.ok(
    arrivals.slice(switchAt).every((name) => name !== first),
    `interleaved: ${arrivals.join("")}`,
  );
});

test("raw HTTP: errors have the OpenAI shape and status", async (t) => {
  const { baseURL } = await start(t);
  /** @param {string} path @param {RequestInit} [init] */
  const call = async (path, init) => {
    const response = await fetch(`${baseURL}${path}`, init);
    return {
      status: response.status,
      allow: response.headers.get("allow"),
      body: await response.json(),
    };
  };
  const post = (/** @type {string} */ body) => call("/chat/completions", { method: "POST", body });
  /** @param {{ body: any }} result */
  const errorOf = ({ body }) => {
    assert.deepEqual(Object.keys(body.error).sort(), ["code", "message", "param", "type"]);
    assert.equal(typeof body.error.message, "string");
    return body.error;
  };

  const badJson = await post("{not json");
  assert.equal(badJson.status, 400);
  assert.equal(errorOf(badJson).type, "invalid_request_error");

  const noMessages = await post(JSON.stringify({ model: "x" }));
  assert.equal(noMessages.status, 400);
  assert.equal(errorOf(noMessages).param, "messages");

  const badLimit = await post(JSON.stringify({ messages: question, max_tokens: 0 }));
  assert.equal(badLimit.status, 400);
  assert.equal(errorOf(badLimit).param, "max_tokens");

  const unknown = await call("/nope");
  assert.equal(unknown.status, 404);
  errorOf(unknown);

  const wrongMethod = await call("/chat/completions");
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.allow, "POST");
  errorOf(wrongMethod);

  const huge = await post(
    JSON.stringify({ messages: [{ role: "user", content: "x".repeat(1_100_000) }] }),
  );
  assert.equal(huge.status, 413);
  errorOf(huge);
});

test("raw HTTP: a stream is server-sent events ending in [DONE]", async (t) => {
  const { baseURL } = await start(t);
  /** @param {object} [streamOptions] */
  const events = async (streamOptions) => {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        messages: question,
        stream: true,
        stream_options: streamOptions,
        max_tokens: 5,
      }),
    });
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    return (await response.text()).split("\n\n").filter(Boolean);
  };
  const withUsage = await events({ include_usage: true });
  assert.ok(withUsage.every((event) => event.startsWith("data: ")));
  assert.equal(withUsage[withUsage.length - 1], "data: [DONE]");
  // role chunk + 5 pieces + finish chunk + usage chunk + [DONE]
  assert.equal(withUsage.length, 9);
  assert.match(withUsage[7], /"usage":\{"prompt_tokens"/);

  const withoutUsage = await events();
  assert.equal(withoutUsage.length, 8);
  assert.ok(withoutUsage.every((event) => !event.includes('"usage"')));
});
