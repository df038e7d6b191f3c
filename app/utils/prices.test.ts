import assert from "node:assert/strict";
import { test } from "node:test";
import { estimateCost } from "./prices";

const tokens = (promptTokens: number, completionTokens: number) => ({
  promptTokens,
  completionTokens,
});

test("a listed model costs its price per million tokens", () => {
  assert.equal(estimateCost("gpt-4o-mini", tokens(1_000_000, 0)), "$0.1500");
  assert.equal(estimateCost("gpt-4.1", tokens(1_000_000, 1_000_000)), "$10.00");
  assert.equal(estimateCost("gpt-4.1-mini", tokens(1000, 250)), "$0.0008");
});

test("a dated id costs what its model does; unknown models and the offline model say so", () => {
  assert.equal(estimateCost("gpt-4o-mini-2024-07-18", tokens(1_000_000, 0)), "$0.1500");
  assert.equal(estimateCost("some-local-llama", tokens(10, 10)), "unknown");
  assert.equal(estimateCost("constructor", tokens(10, 10)), "unknown");
  assert.equal(estimateCost("offline-demo-model", tokens(500, 500)), "free");
});
