import assert from "node:assert/strict";
import { test } from "node:test";
import { readBody, refuseMethod } from "./http";

const post = (body: string) => new Request("http://localhost/", { method: "POST", body }) as never;

test("readBody returns the text, or null past the limit", async () => {
  assert.equal(await readBody(post("héllo"), 6), "héllo");
  assert.equal(await readBody(post("héllo"), 5), null, "6 bytes in UTF-8");
  assert.equal(await readBody(new Request("http://localhost/") as never, 0), "");
});

test("refuseMethod reads the body, then answers 405 with Allow", async () => {
  const request = post("x".repeat(100_000));
  const response = await refuseMethod(request, ["GET", "POST"]);
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("Allow"), "GET, POST");
  assert.equal((request as Request).bodyUsed, true);
});
