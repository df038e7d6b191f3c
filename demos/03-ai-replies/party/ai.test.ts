import assert from "node:assert/strict";
import { test } from "node:test";
import { buildPrompt, connectAi, estimateTokens, shouldReply } from "./ai";
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
