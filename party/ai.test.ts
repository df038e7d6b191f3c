import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { test, type TestContext } from "node:test";
import { buildPrompt, connectAi, estimateTokens, shouldReply, streamReply } from "./ai";
import type { Message } from "./chatroom.schema";

const message = (body: string, fields: Partial<Message> = {}): Message => ({
  id: crypto.randomUUID(),
  body,
  user: { name: "Ada" },
  role: "user",
  createdAt: 0,
  ...fields,
});

test("the prompt names the room and who is here, then the conversation", () => {
  const history = [
    message("hello"),
    message("Hi Ada!", { role: "assistant", user: { name: "AI" } }),
    message("", { role: "assistant", status: "streaming" }), // the reply being written now
    message("oops", { role: "assistant", status: "error" }),
  ];
  const [system, ...rest] = buildPrompt("lobby", ["Ada", "Grace"], history);
  assert.equal(system.role, "system");
  assert.match(system.content, /#lobby/);
  assert.match(system.content, /People here now: Ada, Grace\./);
  assert.deepEqual(rest, [
    { role: "user", content: "Ada: hello" },
    { role: "assistant", content: "Hi Ada!" },
  ]);
  assert.match(buildPrompt("lobby", [], [])[0].content, /nobody else/);
});

test("the prompt keeps only the last 20 messages", () => {
  const history = Array.from({ length: 30 }, (_, i) => message(`m${i}`));
  const prompt = buildPrompt("lobby", [], history);
  assert.equal(prompt.length, 21);
  assert.equal(prompt[1].content, "Ada: m10");
});

test("mention answers only @ai; every answers all; none answers no user message", async () => {
  const env = { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }; // never called in these modes
  const mention = connectAi({ ...env, AI_REPLY: "mention" })!;
  const every = connectAi(env)!;
  assert.equal(await shouldReply(mention, [message("hello")]), false);
  assert.equal(await shouldReply(mention, [message("hey @AI, a question")]), true);
  assert.equal(await shouldReply(mention, [message("write to ada@aim.example")]), false);
  assert.equal(await shouldReply(every, [message("hello")]), true);
  assert.equal(await shouldReply(every, []), false);
});

test("no AI without a base URL or a key; the label says which model answers", () => {
  assert.equal(connectAi({}), null);
  assert.equal(connectAi({ OPENAI_API_KEY: "sk-x" })!.label, "gpt-4.1-mini at OpenAI");
  const local = connectAi({ OPENAI_BASE_URL: "http://127.0.0.1:8787/v1" })!;
  assert.equal(local.label, "the model at 127.0.0.1:8787");
});

test("estimateTokens: about four characters a token, rounded up", () => {
  assert.deepEqual(
    [estimateTokens(""), estimateTokens("abcd"), estimateTokens("abcde")],
    [0, 1, 2],
  );
});

/** An OpenAI-compatible provider on loopback that answers every request with `respond`. */
async function provider(t: TestContext, respond: (res: ServerResponse) => void) {
  const server = createServer((req, res) => req.resume().on("end", () => respond(res)));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const chunk = (fields: object) =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 0, model: "m", ...fields })}\n\n`;
const piece = (content: string) =>
  chunk({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });

async function stream(baseURL: string, env: Record<string, string> = {}) {
  const ai = connectAi({ OPENAI_BASE_URL: baseURL, OPENAI_MODEL: "m", ...env })!;
  const texts: string[] = [];
  const result = await streamReply(ai, buildPrompt("lobby", [], [message("hi")]), {
    onText: (text) => texts.push(text),
  });
  return { ...result, text: texts.join("") };
}

test("streamReply passes the text on and returns the provider's usage", async (t) => {
  const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 };
  const baseURL = await provider(t, (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(piece("Hel") + piece("lo") + chunk({ choices: [], usage }) + "data: [DONE]\n\n");
  });
  assert.deepEqual(await stream(baseURL), {
    model: "m",
    text: "Hello",
    usage: { promptTokens: 12, completionTokens: 3 },
    error: undefined,
  });
});

test("streamReply estimates the usage a provider does not report", async (t) => {
  const baseURL = await provider(t, (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(piece("Hello there") + "data: [DONE]\n\n");
  });
  const { usage, error } = await stream(baseURL);
  assert.equal(error, undefined);
  assert.equal(usage?.completionTokens, estimateTokens("Hello there"));
  assert.ok(usage!.promptTokens > 0);
});

test("streamReply never throws: no provider is a reason, and costs nothing", async () => {
  const { error, usage, text } = await stream("http://127.0.0.1:1/v1");
  assert.equal(error, "could not reach the AI provider");
  assert.deepEqual([usage, text], [undefined, ""]);
});

test("streamReply gives up on a provider that stalls, keeping the text so far", async (t) => {
  const baseURL = await provider(t, (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(piece("Hel")); // and then nothing
  });
  const { error, text, usage } = await stream(baseURL, { AI_TIMEOUT_MS: "300" });
  assert.match(error!, /did not answer within/);
  assert.equal(text, "Hel");
  assert.equal(usage?.completionTokens, 1);
});

test("streamReply stopped mid-stream hangs up and keeps the text so far", async (t) => {
  let hungUp: Promise<unknown> = Promise.resolve();
  const baseURL = await provider(t, (res) => {
    hungUp = once(res, "close");
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(piece("Hel")); // and more would follow
  });
  const ai = connectAi({ OPENAI_BASE_URL: baseURL, OPENAI_MODEL: "m" })!;
  const stop = new AbortController();
  const result = await streamReply(ai, buildPrompt("lobby", [], [message("hi")]), {
    onText: () => stop.abort(),
    stop: stop.signal,
  });
  await hungUp; // the provider saw the connection end
  assert.equal(result.error, undefined);
  assert.equal(result.usage?.completionTokens, estimateTokens("Hel"));
});

test("streamReply stopped before it starts asks the provider nothing", async (t) => {
  let asked = 0;
  const baseURL = await provider(t, (res) => {
    asked++;
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(piece("Hello") + "data: [DONE]\n\n");
  });
  const ai = connectAi({ OPENAI_BASE_URL: baseURL, OPENAI_MODEL: "m" })!;
  const result = await streamReply(ai, buildPrompt("lobby", [], [message("hi")]), {
    onText: () => assert.fail("no text"),
    stop: AbortSignal.abort(),
  });
  assert.deepEqual([asked, result.error, result.usage], [0, undefined, undefined]);
});
