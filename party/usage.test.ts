import assert from "node:assert/strict";
import { test } from "node:test";
import { add, emptyState, tallyOf } from "./usage";
import { LIMITS, OTHER, type UsageReport } from "./usage.schema";

const MINUTE = 60_000;
const report = (fields: Partial<UsageReport> = {}): UsageReport => ({
  room: "lobby",
  model: "gpt-4o-mini",
  promptTokens: 10,
  completionTokens: 5,
  ...fields,
});

test("a report adds to the total, its room, its model and its minute", () => {
  const state = emptyState();
  add(state, report(), 10 * MINUTE);
  add(state, report({ room: "ai", promptTokens: 1, completionTokens: 2 }), 10 * MINUTE + 1);
  add(state, report({ model: "gpt-4.1" }), 11 * MINUTE);
  const tally = tallyOf(state);
  assert.deepEqual(tally.total, { promptTokens: 21, completionTokens: 12 });
  assert.deepEqual(tally.rooms, {
    lobby: { promptTokens: 20, completionTokens: 10 },
    ai: { promptTokens: 1, completionTokens: 2 },
  });
  assert.deepEqual(Object.keys(tally.models), ["gpt-4o-mini", "gpt-4.1"]);
  assert.deepEqual(tally.perMinute, [
    { minute: 10, tokens: 18 },
    { minute: 11, tokens: 15 },
  ]);
});

test("minutes older than the last hour are dropped as new ones come", () => {
  const state = emptyState();
  add(state, report(), 0);
  add(state, report(), LIMITS.minutes * MINUTE);
  assert.deepEqual(tallyOf(state).perMinute, [{ minute: LIMITS.minutes, tokens: 15 }]);
});

test("past LIMITS.keys names, new rooms share OTHER; known ones keep counting", () => {
  const state = emptyState();
  for (let i = 0; i < LIMITS.keys; i++) add(state, report({ room: `room-${i}` }), 0);
  add(state, report({ room: "one-too-many" }), 0);
  add(state, report({ room: "room-0" }), 0);
  const { rooms } = tallyOf(state);
  assert.equal(Object.keys(rooms).length, LIMITS.keys + 1);
  assert.deepEqual(rooms[OTHER], { promptTokens: 10, completionTokens: 5 });
  assert.deepEqual(rooms["room-0"], { promptTokens: 20, completionTokens: 10 });
});

test('a room called "__proto__" is just a name', () => {
  const state = emptyState();
  add(state, report({ room: "__proto__" }), 0);
  const rooms = tallyOf(state).rooms;
  assert.deepEqual(Object.getOwnPropertyDescriptor(rooms, "__proto__")?.value, {
    promptTokens: 10,
    completionTokens: 5,
  });
});
