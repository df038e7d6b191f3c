import assert from "node:assert/strict";
import { test } from "node:test";
import { checkBearer, readBody, refuseMethod } from "./http";

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

test("checkBearer lets the exact secret through and refuses everything else", async () => {
  const withAuth = (Authorization?: string) =>
    new Request("http://localhost/", { headers: Authorization ? { Authorization } : {} }) as never;
  assert.equal(checkBearer(withAuth("Bearer s3cret"), "s3cret", "SECRET"), null);
  for (const header of [undefined, "Bearer wrong", "Bearer s3cre", "Bearer s3crett", "s3cret"]) {
    const refusal = checkBearer(withAuth(header), "s3cret", "SECRET");
    assert.equal(refusal?.status, 401, String(header));
    assert.equal(refusal?.headers.get("WWW-Authenticate"), "Bearer");
  }
  for (const secret of [undefined, ""]) {
    const refusal = checkBearer(withAuth("Bearer "), secret, "SECRET");
    assert.equal(refusal?.status, 503, "no secret configured: closed, not open");
    assert.match(await refusal!.text(), /SECRET is not set/);
  }
});
