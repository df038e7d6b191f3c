import assert from "node:assert/strict";
import { test } from "node:test";
import { apply, colourFor } from "./use-presence";

const ada = { user: { name: "Ada", colour: "#f87171" }, presence: { cursor: null } };
const bob = { user: { name: "Bob", colour: "#38bdf8" }, presence: { cursor: null } };

test("a sync replaces everything; changes add, move and remove people", () => {
  let here = apply({ people: { old: ada } }, { type: "sync", you: "k1", people: { k1: ada } });
  assert.deepEqual(here, { you: "k1", people: { k1: ada } });

  here = apply(here, { type: "changes", add: { k2: bob } });
  const cursor = { x: 0.5, y: 0.25 };
  here = apply(here, { type: "changes", presence: { k2: { cursor }, gone: { cursor } } });
  assert.deepEqual(here.people.k2.presence, { cursor });
  assert.equal("gone" in here.people, false, "a move for someone unknown adds nobody");

  const before = here;
  here = apply(here, { type: "changes", remove: ["k1"] });
  assert.deepEqual(Object.keys(here.people), ["k2"]);
  assert.deepEqual(Object.keys(before.people), ["k1", "k2"], "the previous state is untouched");
});

test("the same name always gets the same colour", () => {
  assert.equal(colourFor("Ada"), colourFor("Ada"));
  assert.match(colourFor("Grace"), /^#[0-9a-f]{6}$/);
});
