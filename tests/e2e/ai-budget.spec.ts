// A public room cannot run up the presenter's bill: past its budget the room shows a notice and
// the provider is not asked; the budget is kept in storage, so a restart does not reset it.
import { randomUUID } from "node:crypto";
import { expect, test } from "./fixtures";
import { STAGE } from "../support/stage";

type Frame = { type: string; message?: { role: string; status?: string; error?: string } };

/** Sends one message to a room of the test's own, and resolves with the AI's finished reply. */
async function ask(url: string, room: string) {
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/parties/chatroom/${room}`);
  await new Promise((resolve) => (socket.onopen = resolve));
  const reply = new Promise<NonNullable<Frame["message"]>>((resolve) => {
    socket.onmessage = (event) => {
      const frame: Frame = JSON.parse(event.data);
      const message = frame.message;
      if (
        frame.type === "update" &&
        message?.role === "assistant" &&
        message.status !== "streaming"
      )
        resolve(message);
    };
  });
  const message = { id: randomUUID(), body: "hello?", user: { name: "Ada" } };
  socket.send(JSON.stringify({ type: "message", message }));
  const answer = await reply;
  socket.close();
  return answer;
}

test("past AI_REPLIES_PER_MINUTE the room shows a notice, asks no provider, and remembers it", async ({
  app,
}) => {
  const room = `test-budget-${randomUUID().slice(0, 8)}`;
  await app.restart({ AI_REPLIES_PER_MINUTE: "1" });
  try {
    expect((await ask(app.url, room)).status).toBe("done");
    const asked = app.aiRequests();
    const notice = await ask(app.url, room);
    expect(notice).toMatchObject({ status: "error" });
    expect(notice.error).toMatch(/budget is 1 replies a minute in this room/);
    await app.restart({ AI_REPLIES_PER_MINUTE: "1" }); // the count is in storage
    expect((await ask(app.url, room)).error).toMatch(/budget/);
    expect(app.aiRequests()).toBe(asked);
  } finally {
    await app.restart();
  }
});

test("past AI_TOKENS_PER_HOUR every room shows a notice and asks no provider", async ({
  app,
  request,
}) => {
  test.skip(STAGE < 4, "the whole deployment's tokens are counted from stage 4");
  // Some tokens this hour, reported as a chat room would.
  const report = { room: "lobby", model: "test", promptTokens: 3, completionTokens: 2 };
  const headers = { Authorization: `Bearer ${app.vars.USAGE_SECRET}` };
  expect((await request.post("/parties/usage/total", { data: report, headers })).ok()).toBe(true);
  await app.restart({ AI_TOKENS_PER_HOUR: "5" });
  try {
    const asked = app.aiRequests();
    const notice = await ask(app.url, `test-hour-${randomUUID().slice(0, 8)}`);
    expect(notice.error).toMatch(/used its 5 tokens for this hour/);
    expect(app.aiRequests()).toBe(asked);
  } finally {
    await app.restart();
  }
});
