import type { APIRequestContext, Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "../../scripts/stage-app.js";
import { enterRoom, expect, messages, post, test } from "./fixtures";

// Only "@ai" gets a reply, so the AI spends tokens when a test asks it to and at no other time.
test.use({ aiReply: "mention" });

const USAGE = "/parties/usage/total";
const ROOM = "lobby"; // not #ai: ai-replies watches the last reply there
type Tokens = { promptTokens: number; completionTokens: number };
type Tally = { total: Tokens; rooms: Record<string, Tokens>; models: Record<string, Tokens> };

const getTally = async (request: APIRequestContext) =>
  (await (await request.get(USAGE)).json()) as Tally;
const sum = (tokens: Tokens) => tokens.promptTokens + tokens.completionTokens;
const report = (fields: Partial<Record<keyof Tokens | "room" | "model", unknown>> = {}) =>
  JSON.stringify({
    room: `http-${randomUUID().slice(0, 8)}`,
    model: "gpt-4o-mini",
    promptTokens: 12,
    completionTokens: 34,
    ...fields,
  });

/** The server's total as the page holds it. */
const pageTotal = async (page: Page) =>
  Number(await page.getByTestId("usage-total").getAttribute("data-value"));

/** The usage of the AI's finished reply to the message containing `tag`; undefined until it is done. */
async function replyUsage(page: Page, tag: string) {
  type Stored = { body: string; role: string; status?: string; usage?: Tokens };
  const { messages } = (await (await page.request.get(`/parties/chatroom/${ROOM}`)).json()) as {
    messages: Stored[];
  };
  const reply = messages
    .slice(messages.findIndex((m) => m.body.includes(tag)) + 1)
    .find((m) => m.role === "assistant");
  return reply?.status === "done" ? reply.usage : undefined;
}

async function openUsage(page: Page) {
  await page.goto("/usage");
  await expect(page.getByTestId("connection-status")).toHaveText("live");
  await expect(page.getByTestId("usage-total")).toHaveAttribute("data-value", /^\d+$/);
}

test("an AI reply raises the /usage total by exactly its tokens, live; a reload shows the same", async ({
  alice,
  bob,
  tag,
}) => {
  await openUsage(bob);
  const before = await pageTotal(bob);
  const roomBefore = (await getTally(bob.request)).rooms[ROOM] ?? {
    promptTokens: 0,
    completionTokens: 0,
  };
  const chartBefore = Number(await bob.getByTestId("tokens-chart").getAttribute("data-total"));
  await bob.evaluate(() => ((window as { sameDocument?: boolean }).sameDocument = true));

  await enterRoom(alice, ROOM);
  await post(alice, `@ai how much did this cost? ${tag}`);
  // The reply's own usage, as the room saved it.
  await expect.poll(() => replyUsage(alice, tag), { timeout: 10_000 }).toBeDefined();
  const spent = sum((await replyUsage(alice, tag))!);
  expect(spent).toBeGreaterThan(0);

  const total = bob.getByTestId("usage-total");
  await expect(total).toHaveAttribute("data-value", String(before + spent));
  await expect(total).toHaveText((before + spent).toLocaleString("en-US")); // the text says the same
  await expect(bob.getByTestId("tokens-chart")).toHaveAttribute(
    "data-total",
    String(chartBefore + spent),
  );
  expect(await bob.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true); // no reload

  await bob.reload();
  await expect(total).toHaveAttribute("data-value", String(before + spent));
  await expect(total).toHaveText((before + spent).toLocaleString("en-US"));
  expect(sum((await getTally(bob.request)).rooms[ROOM]) - sum(roomBefore)).toBe(spent);
});

test("a reply someone stopped still counts the tokens it cost", async ({ alice, app, tag }) => {
  app.scriptReply(`A long answer ${"that goes on and on, ".repeat(60)}`);
  const before = sum((await getTally(alice.request)).total);
  await enterRoom(alice, ROOM);
  await post(alice, `@ai take your time ${tag}`);
  const reply = messages(alice).filter({ hasText: tag }).locator("xpath=following-sibling::li[1]");
  await expect(reply.getByTestId("body")).toContainText("goes on and on");
  await alice.getByRole("button", { name: "Stop" }).click();
  await expect(reply).toHaveAttribute("data-status", "stopped");

  const { messages: stored } = (await (
    await alice.request.get(`/parties/chatroom/${ROOM}`)
  ).json()) as {
    messages: { body: string; usage?: Tokens }[];
  };
  const usage = stored[stored.findIndex((m) => m.body.includes(tag)) + 1].usage;
  expect(usage?.completionTokens, "estimated: the stream was cut before usage").toBeGreaterThan(0);
  await expect
    .poll(async () => sum((await getTally(alice.request)).total) - before)
    .toBe(sum(usage!));
});

test.describe("the usage endpoint", () => {
  const authorized = (secret: string) => ({ Authorization: `Bearer ${secret}` });

  test("a POST without the right secret is 401 and changes nothing", async ({ app, request }) => {
    const before = await getTally(request);
    const secret = app.vars.USAGE_SECRET;
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: "Bearer wrong" },
      { Authorization: `Bearer ${secret}x` },
      { Authorization: `Bearer ${secret.slice(0, -1)}` },
      { Authorization: secret }, // not a Bearer token
      { Authorization: `Basic ${Buffer.from(`user:${secret}`).toString("base64")}` },
    ];
    for (const headers of attempts) {
      const response = await request.post(USAGE, { headers, data: report() });
      expect(response.status(), JSON.stringify(headers)).toBe(401);
      expect(response.headers()["www-authenticate"]).toBe("Bearer");
    }
    expect(await getTally(request)).toEqual(before);
  });

  test("malformed, negative, huge or non-numeric bodies are 400 with a reason and change nothing", async ({
    app,
    request,
  }) => {
    const before = await getTally(request);
    const bodies = [
      "",
      "{not json",
      "null",
      "[]",
      "{}",
      JSON.stringify({ room: "lobby", model: "gpt-4o-mini", promptTokens: 1 }), // a field missing
      report({ promptTokens: -1 }),
      report({ completionTokens: -5 }),
      report({ promptTokens: 1.5 }),
      report({ promptTokens: 1e7 }),
      report({ completionTokens: Number.MAX_SAFE_INTEGER }),
      report({ promptTokens: "12" }),
      report({ completionTokens: null }),
      '{"room":"lobby","model":"m","promptTokens":1e999,"completionTokens":1}', // Infinity once parsed
      report({ room: "" }),
      report({ room: "../lobby" }),
      report({ room: "x".repeat(65) }),
      report({ model: "   " }),
      report({ model: "m".repeat(101) }),
      report({ role: "admin" } as never), // an unknown field
      report({ padding: "x".repeat(10_000) } as never), // too large to read
    ];
    for (const data of bodies) {
      const response = await request.post(USAGE, {
        headers: authorized(app.vars.USAGE_SECRET),
        data,
      });
      expect(response.status(), data.slice(0, 80)).toBe(400);
      expect((await response.text()).length, `a reason for ${data.slice(0, 80)}`).toBeGreaterThan(
        5,
      );
    }
    expect(await getTally(request)).toEqual(before);
  });

  test("other methods are 405, and other room ids are 404", async ({ app, request }) => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const response = await request.fetch(USAGE, {
        method,
        headers: authorized(app.vars.USAGE_SECRET),
        data: report(),
      });
      expect(response.status(), method).toBe(405);
      expect(response.headers()["allow"]).toBe("GET, POST");
    }
    expect((await request.get("/parties/usage/other")).status()).toBe(404);
    const elsewhere = await request.post("/parties/usage/other", {
      headers: authorized(app.vars.USAGE_SECRET),
      data: report(),
    });
    expect(elsewhere.status()).toBe(404);
  });

  test("refusals leave a kept-alive connection usable for the next report", async ({ app }) => {
    // One socket for every request: a refusal that left its body unread would reset it (ECONNRESET).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body: string, secret = app.vars.USAGE_SECRET) =>
      new Promise<number>((resolve, reject) => {
        const headers = { Authorization: `Bearer ${secret}` };
        const req = httpRequest(`${app.url}${path}`, { method, agent, headers }, (res) =>
          res.resume().on("end", () => resolve(res.statusCode ?? 0)),
        );
        req.on("error", reject).end(body);
      });
    try {
      expect(await send("POST", USAGE, report(), "wrong")).toBe(401);
      expect(await send("PUT", USAGE, report())).toBe(405);
      expect(await send("POST", USAGE, report({ padding: "x".repeat(10_000) } as never))).toBe(400);
      expect(await send("POST", "/parties/usage/other", report())).toBe(404);
      expect(await send("POST", USAGE, report())).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  test("a good report is 200 with the new totals, and survives a restart", async ({
    app,
    request,
  }) => {
    const before = await getTally(request);
    const room = `http-${randomUUID().slice(0, 8)}`;
    const response = await request.post(USAGE, {
      headers: authorized(app.vars.USAGE_SECRET),
      data: report({ room, model: "gpt-4.1-mini", promptTokens: 1000, completionTokens: 250 }),
    });
    expect(response.status()).toBe(200);
    const after = (await response.json()) as Tally;
    expect(after.rooms[room]).toEqual({ promptTokens: 1000, completionTokens: 250 });
    expect(after.total).toEqual({
      promptTokens: before.total.promptTokens + 1000,
      completionTokens: before.total.completionTokens + 250,
    });

    await app.restart();
    expect(await getTally(request)).toEqual(after);
  });

  test("100 reports at once add up exactly, and the page gets a few coalesced updates", async ({
    app,
    request,
    bob,
  }) => {
    await openUsage(bob);
    let frames = 0;
    bob.on("websocket", (socket) => socket.on("framereceived", () => frames++)); // sockets opened from now on
    await bob.reload();
    await expect(bob.getByTestId("usage-total")).toHaveAttribute("data-value", /^\d+$/);
    await expect.poll(() => frames).toBe(1); // the tally on connect
    const before = await getTally(request);

    const room = `burst-${randomUUID().slice(0, 8)}`;
    const reports = Array.from({ length: 100 }, (_, i) => ({
      promptTokens: i + 1,
      completionTokens: 2 * i,
    }));
    const responses = await Promise.all(
      reports.map((tokens) =>
        request.post(USAGE, {
          headers: authorized(app.vars.USAGE_SECRET),
          data: report({ room, ...tokens }),
        }),
      ),
    );
    expect(responses.map((r) => r.status())).toEqual(reports.map(() => 200));

    const expected = { promptTokens: 5050, completionTokens: 9900 };
    const after = await getTally(request);
    expect(after.rooms[room]).toEqual(expected);
    expect(sum(after.total) - sum(before.total)).toBe(sum(expected));
    await expect(bob.getByTestId("usage-total")).toHaveAttribute(
      "data-value",
      String(sum(after.total)),
    );
    expect(frames, "updates are coalesced, not one per report").toBeLessThan(50);
  });

  test("without USAGE_SECRET the endpoint refuses every report", async ({ app }) => {
    const { USAGE_SECRET, ...others } = app.vars;
    await withCopy(app.dir, { vars: others }, async (copy) => {
      for (const Authorization of ["Bearer ", "Bearer undefined", `Bearer ${USAGE_SECRET}`]) {
        const response = await fetch(`${copy.url}${USAGE}`, {
          method: "POST",
          headers: { Authorization },
          body: report(),
        });
        expect(response.status).toBe(503);
        expect(await response.text()).toContain("USAGE_SECRET is not set");
      }
      expect(sum(((await (await fetch(`${copy.url}${USAGE}`)).json()) as Tally).total)).toBe(0);
    });
  });
});

test("a usage party that fails never holds up a room's replies", async ({ app, alice, tag }) => {
  // Every report gets a 503, so each one is retried for about 10 s before the room gives up.
  // It logs each request's method: the budget's GET before each reply is not a report.
  const failing = `export default class {
    onRequest(request) {
      console.log("usage: refused " + request.method);
      return new Response("down", { status: 503 });
    }
  }`;
  await withCopy(
    app.dir,
    { vars: app.vars, files: { "party/usage.ts": failing } },
    async (copy) => {
      await alice.goto(`${copy.url}/chats/lobby`);
      await expect(alice.getByTestId("connection-status")).toHaveText("live");
      for (const question of [`@ai first ${tag}`, `@ai second ${tag}`]) {
        await post(alice, question);
        const reply = messages(alice)
          .filter({ hasText: question })
          .locator("xpath=following-sibling::li[@data-role='assistant'][1]");
        await expect(reply).toHaveAttribute("data-status", "done", { timeout: 5_000 }); // not after the retries
      }
      // Both reports were tried four times, then given up with a log line.
      await expect
        .poll(() => copy.output().match(/usage of #lobby not reported \(503 down\)/g)?.length, {
          timeout: 20_000,
        })
        .toBe(2);
      expect(copy.output().match(/usage: refused POST/g)?.length).toBe(8);
    },
  );
});

type Copy = Awaited<ReturnType<typeof startApp>>;

/** Runs `use` against a copy of the built stage with fresh storage, its own variables and some files replaced. */
async function withCopy(
  built: string,
  { vars, files = {} }: { vars: Record<string, string>; files?: Record<string, string> },
  use: (copy: Copy) => Promise<void>,
) {
  const dir = mkdtempSync(join(tmpdir(), "usage-copy-"));
  cpSync(built, dir, {
    recursive: true,
    filter: (path) => !/\/(node_modules|\.partykit)$/.test(path),
  });
  symlinkSync(join(built, "node_modules"), join(dir, "node_modules"), "dir");
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  const copy = await startApp(dir, { vars });
  try {
    await use(copy);
  } catch (error) {
    await test
      .info()
      .attach("partykit dev output (the copy)", { body: copy.output(), contentType: "text/plain" });
    throw error;
  } finally {
    await copy.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
