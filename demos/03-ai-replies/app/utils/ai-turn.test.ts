import assert from "node:assert/strict";
import { test } from "node:test";
import type { Message } from "../../party/chatroom.schema";
import { aiTurn } from "./ai-turn";

let clock = 0;
const said = (name: string, id = `m${clock}`): Message => ({
  id,
  body: "hi",
  user: { name },
  role: "user",
  createdAt: clock++,
});
const reply = (status: Message["status"], id = `r${clock}`): Message => ({
  ...said("AI", id),
  role: "assistant",
  status,
});

test("no turn while no reply is being written", () => {
  assert.equal(aiTurn([]), null);
  assert.equal(aiTurn([said("Ada"), reply("done")]), null);
  assert.equal(aiTurn([said("Ada"), reply("stopped"), said("Bob")]), null);
});

test("the streaming reply answers everyone since the last reply; later messages are queued", () => {
  const messages = [
    said("Old"),
    reply("done"),
    said("Ada"),
    said("Bob"),
    said("Ada"),
    reply("streaming", "now"),
    said("Cy", "late-1"),
    reply("error", "other"), // not a user message: nothing to queue
    said("Ada", "late-2"),
  ];
  const turn = aiTurn(messages);
  assert.equal(turn?.reply.id, "now");
  assert.deepEqual(turn?.answering, ["Ada", "Bob"]);
  assert.deepEqual([...(turn?.queued ?? [])], ["late-1", "late-2"]);
});

test("the mark clears when the next reply starts", () => {
  const waiting = [said("Ada"), reply("done"), said("Bob", "b")];
  const next = aiTurn([...waiting, reply("streaming", "next")]);
  assert.deepEqual(next?.answering, ["Bob"]);
  assert.equal(next?.queued.size, 0);
});
