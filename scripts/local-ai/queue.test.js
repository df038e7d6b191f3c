// @ts-check
import { test } from "node:test";
import assert from "node:assert/strict";
import { createQueue } from "./queue.js";

test("runs at most `limit` at once and hands slots over in arrival order", async () => {
  const queue = createQueue(2);
  const first = await queue.acquire();
  await queue.acquire();
  /** @type {string[]} */
  const order = [];
  const third = queue.acquire().then((release) => (order.push("third"), release));
  const fourth = queue.acquire().then((release) => (order.push("fourth"), release));
  assert.deepEqual([queue.active, queue.waiting], [2, 2]);

  first();
  first(); // a second release is ignored, so it cannot free someone else's slot
  await third;
  assert.deepEqual(order, ["third"]);
  assert.deepEqual([queue.active, queue.waiting], [2, 1]);
  (await third)();
  await fourth;
  assert.deepEqual(order, ["third", "fourth"]);
});

test("a waiter whose signal aborts leaves the queue", async () => {
  const queue = createQueue(1);
  const release = await queue.acquire();
  const controller = new AbortController();
  const leaving = queue.acquire(controller.signal);
  const staying = queue.acquire();
  controller.abort();
  await assert.rejects(leaving, { name: "AbortError" });
  assert.equal(queue.waiting, 1);

  release();
  (await staying)();
  assert.deepEqual([queue.active, queue.waiting], [0, 0]);
  await assert.rejects(queue.acquire(AbortSignal.abort()), { name: "AbortError" });
});
