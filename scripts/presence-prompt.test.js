// @ts-check
// Stage 5: the AI's system prompt names the people present in the room's presence, including those
// who have not said a word, and not the watchers who never joined.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { prepareStage, startApp } from "../tests/support/stage-app.js";
import { WebSocketClass, connectPresence, waitFor } from "../tests/support/presence-socket.js";

/** @type {any[]} */
const prompts = []; // the `messages` of every chat completion asked for
/** An OpenAI-compatible provider that records each request and streams a one-word reply. */
const provider = createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  prompts.push(JSON.parse(body).messages);
  const chunk = (/** @type {object} */ delta, /** @type {string | null} */ finish) =>
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 0, model: "test", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.end(chunk({ role: "assistant", content: "Hello" }, null) + chunk({}, "stop") + "data: [DONE]\n\n");
});

/** @type {Awaited<ReturnType<typeof startApp>>} */
let app;
before(
  async () => {
    provider.listen(0, "127.0.0.1");
    await once(provider, "listening");
    const { port } = /** @type {import("node:net").AddressInfo} */ (provider.address());
    const vars = { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "test", OPENAI_API_KEY: "sk-test", AI_REPLY: "every" };
    app = await startApp(prepareStage(5), { vars });
  },
  { timeout: 120_000 },
);
after(async () => {
  await app?.stop();
  provider.close();
});

test("the AI's prompt lists the people present, from presence", { timeout: 30_000 }, async () => {
  const room = "lobby";
  const ada = await connectPresence(app.url, room);
  ada.join("Ada");
  const grace = await connectPresence(app.url, room); // here, silent
  grace.join("Grace");
  const watcher = await connectPresence(app.url, room); // signed out: never joins
  await waitFor(() => watcher.received.filter((m) => m.add).flatMap((m) => Object.keys(m.add)).length === 2, {
    message: "both joins reached the room",
  });

  const chat = new WebSocketClass(`${app.url.replace(/^http/, "ws")}/parties/chatroom/${room}`);
  await once(/** @type {any} */ (chat), "open");
  chat.send(JSON.stringify({ type: "message", message: { id: `m-${Date.now()}`, body: "Who is here?", user: { name: "Ada" } } }));
  const [system] = await waitFor(() => prompts.at(-1), { message: "the AI was never asked" });
  assert.match(system.content, /People here now: Ada, Grace\./);

  for (const socket of [ada, grace, watcher]) socket.close();
  chat.close();
});
