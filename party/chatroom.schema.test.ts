import assert from "node:assert/strict";
import { test } from "node:test";
import { LIMITS, parseClientFrame } from "./chatroom.schema";

const frame = (message: object) => JSON.stringify({ type: "message", message });
const good = { id: "m-1", body: " hello ", user: { name: "Ada" } };

test("a good frame is the message, trimmed", () => {
  assert.deepEqual(parseClientFrame(frame(good)), {
    type: "message",
    message: { ...good, body: "hello" },
  });
});

test("each bad frame is refused with its own code, and the message id when there is one", () => {
  const cases: [string | ArrayBuffer, string, string?][] = [
    [new ArrayBuffer(4), "invalid"],
    ["x".repeat(LIMITS.frameBytes + 1), "too_large"],
    ["{not json", "bad_json"],
    [frame({ ...good, role: "assistant" }), "invalid", "m-1"], // a client cannot set the role
    [frame({ ...good, body: "   " }), "invalid", "m-1"],
    [frame({ ...good, id: "no spaces allowed" }), "invalid", "no spaces allowed"],
    [JSON.stringify({ type: "delete", id: "m-1" }), "invalid"],
  ];
  for (const [input, code, id] of cases) {
    const result = parseClientFrame(input);
    assert.ok(result.type === "error", `refused: ${String(input).slice(0, 40)}`);
    assert.equal(result.code, code);
    assert.equal(result.id, id);
  }
});
