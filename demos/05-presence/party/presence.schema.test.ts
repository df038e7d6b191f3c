import assert from "node:assert/strict";
import { test } from "node:test";
import { pack } from "msgpackr";
import { ClientMessageSchema, ServerMessageSchema, decode, encode } from "./presence.schema";

const move = { type: "update", presence: { cursor: { x: 0.25, y: 0.75 } } } as const;

test("encode then decode gives the message back, in fewer bytes than JSON", () => {
  const frame = encode(ClientMessageSchema, move);
  assert.ok(frame.byteLength < JSON.stringify(move).length, `${frame.byteLength} bytes`);
  assert.deepEqual(decode(ClientMessageSchema, frame), move);
  assert.deepEqual(decode(ClientMessageSchema, JSON.stringify(move)), move, "JSON text too");
});

test("encode refuses a malformed message: it never reaches the wire", () => {
  const bad = { type: "update", presence: { cursor: { x: 2, y: 0 } } };
  assert.throws(() => encode(ClientMessageSchema, bad as never));
});

test("decode turns anything malformed into null, never an exception", () => {
  const frames = [
    new Uint8Array([0xc1]), // a byte msgpack never uses
    new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff]), // an array that claims 4 billion items
    pack({ type: "update", presence: { cursor: { x: 0.5 } } }),
    pack({ type: "join", user: { name: "M", colour: "#000000" }, extra: 1 }),
    pack({ type: "join", user: { name: "M", colour: "#000000", country: "FR" } }),
    "{not json",
    "null",
  ];
  for (const frame of frames) assert.equal(decode(ClientMessageSchema, frame), null);
  assert.equal(
    decode(ServerMessageSchema, pack({ type: "sync", you: "bad key!", people: {} })),
    null,
  );
});
