import assert from "node:assert/strict";
import { test } from "node:test";
import { ServerMessageSchema } from "./chatroom.schema";
import { parseJson } from "./json";

test("a valid server frame is parsed", () => {
  const frame = JSON.stringify({ type: "history", messages: [], ai: null });
  const parsed = parseJson(ServerMessageSchema, frame);
  assert.ok(parsed.success);
  assert.equal(parsed.data.type, "history");
});

test("bad frames come back as a reason, never as an exception", () => {
  const frames: unknown[] = [
    "{not json",
    "",
    "null",
    JSON.stringify({ type: "nope" }),
    JSON.stringify({ type: "update" }),
    JSON.stringify({ type: "update", message: { id: 1 } }),
    new ArrayBuffer(8),
    undefined,
  ];
  for (const frame of frames) {
    const parsed = parseJson(ServerMessageSchema, frame);
    assert.equal(parsed.success, false, String(frame));
    if (!parsed.success) assert.ok(parsed.error.length > 5, `a reason for ${String(frame)}`);
  }
});
