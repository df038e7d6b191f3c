import assert from "node:assert/strict";
import { test } from "node:test";
import { RateLimiter } from "./rate-limit";

test("a burst is allowed at once, then one action per refill", () => {
  const limiter = new RateLimiter(2, 3); // 2 a second, bursts of 3
  assert.deepEqual(
    [1, 2, 3, 4].map(() => limiter.take("a", 0)),
    [true, true, true, false],
  );
  assert.equal(limiter.take("a", 400), false, "0.8 of a token is not enough");
  assert.equal(limiter.take("a", 500), true, "a whole token after half a second");
  assert.equal(limiter.take("a", 500), false);
});

test("buckets are per key, never overfill, and forget() starts a key afresh", () => {
  const limiter = new RateLimiter(1, 2);
  assert.equal(limiter.take("a", 0), true);
  assert.equal(limiter.take("a", 0), true);
  assert.equal(limiter.take("a", 0), false);
  assert.equal(limiter.take("b", 0), true, "another key has its own bucket");
  const later = 60_000; // a minute idle refills to the burst, not to 60
  assert.deepEqual(
    [1, 2, 3].map(() => limiter.take("b", later)),
    [true, true, false],
  );
  limiter.forget("a");
  assert.equal(limiter.take("a", 0), true);
});
