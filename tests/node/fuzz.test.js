// @ts-check
// The fuzz suite (issue #11): every party of stage 5, served by a real `partykit dev` on loopback,
// gets random and malformed frames and bodies, floods and abrupt disconnects, seeded and bounded in
// count and time. Afterwards the room still answers, a well-behaved client's view is exactly right,
// and every accepted message is stored once. One summary line per party.
// Replay a run with FUZZ_SEED=<the seed it printed>; FUZZ_FRAMES and FUZZ_SECONDS change the bounds;
// FUZZ_SERVER_LOG=<file> keeps the server's output.
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { isDeepStrictEqual } from "node:util";
import { after, before, test } from "node:test";
import { startProvider } from "../support/ai-providers.js";
import { startApp } from "../../scripts/stage-app.js";
import { fuzzChatroom } from "./fuzz/chatroom.js";
import { crashLines } from "./fuzz/crash-log.js";
import { buildPrivateStage } from "./fuzz/private-stage.js";
import { openRawWebSocket } from "./fuzz/raw-websocket.js";
import { createRandom, fuzzSeed } from "./fuzz/random.js";
import { CRASH_CLOSE_CODES, openSocket } from "./fuzz/sockets.js";
import { USAGE_PATH, expectedTally, fuzzUsage } from "./fuzz/usage.js";
import { fuzzPresence, viewOf } from "./fuzz/presence.js";
import { connectPresence } from "../../scripts/presence-socket.js";
import { waitFor } from "../../scripts/wait-for.js";

/** @typedef {import("./fuzz/usage.js").Tally} Tally */

const SEED = fuzzSeed();
const MAX_FRAMES = Number(process.env.FUZZ_FRAMES) || 3000; // per party
const BUDGET_MS = (Number(process.env.FUZZ_SECONDS) || 20) * 1000; // per party: a busy 2-core machine
const USAGE_SECRET = `fuzz-secret-${SEED}`;
console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

/** @type {Awaited<ReturnType<typeof startApp>>} */
let app;
/** @type {Awaited<ReturnType<typeof startProvider>>} */
let provider;
/** @type {string} */
let dir;

before(
  async () => {
    provider = await startProvider();
    dir = buildPrivateStage(5);
    app = await startApp(dir, { vars: vars() });
  },
  { timeout: 120_000 },
);

after(async () => {
  if (process.env.FUZZ_SERVER_LOG) writeFileSync(process.env.FUZZ_SERVER_LOG, app?.output() ?? "");
  await app?.stop();
  await provider?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const vars = () => ({
  OPEN_ROOMS: "fuzz-[\\w-]+",
  CONNECTIONS_PER_ADDRESS: "10000", // every fuzzing socket comes from loopback
  USAGE_SECRET,
  OPENAI_BASE_URL: provider.baseURL,
  OPENAI_MODEL: provider.model,
  OPENAI_API_KEY: "sk-fuzz",
  AI_REPLY: "mention", // quiet: no fuzz frame says @ai
});

/** Restarts the server on its port: what the rooms held in memory is gone, their storage stays. */
async function restart() {
  const { port } = app;
  await app.stop();
  app = await startApp(dir, { vars: vars(), port });
}

/** One random source per party, from the seed: each party's frames replay on their own. */
const randomFor = (/** @type {string} */ party) =>
  createRandom((SEED ^ [...party].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7)) >>> 0);

/** GET a party's HTTP endpoint; null when the server does not answer within 10 s. */
async function getJson(/** @type {string} */ path) {
  try {
    const response = await fetch(app.url + path, { signal: AbortSignal.timeout(10_000) });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/**
 * Everything that counts as a crash since `from` in the server's output, plus sockets the server
 * closed with 1011 and a server that stopped answering.
 * @param {number} from @param {number[]} closeCodes @param {boolean} answers
 */
function crashesSince(from, closeCodes, answers) {
  return [
    ...crashLines(app.output(), from).crashes,
    ...closeCodes.filter((code) => CRASH_CLOSE_CODES.includes(code)).map((c) => `closed ${c}`),
    ...(answers ? [] : ["the server stopped answering"]),
  ];
}

const budgetNote = (/** @type {boolean} */ stopped) =>
  stopped ? ` (stopped at the ${BUDGET_MS / 1000} s budget)` : "";

test("chatroom: random, malformed and flooding frames lose no accepted message", async () => {
  const room = "fuzz-chatroom";
  const from = app.output().length;
  const usageBefore = /** @type {Tally} */ (await getJson(USAGE_PATH));
  const run = await fuzzChatroom({
    url: app.url,
    room,
    random: randomFor("chatroom"),
    maxFrames: MAX_FRAMES,
    budgetMs: BUDGET_MS,
  });

  // After the fuzz the polite client asked the AI: its reply's usage must reach the usage party.
  const { reply } = run.polite;
  const spent = reply?.usage ?? { promptTokens: 0, completionTokens: 0 };
  const usageAfter = await waitFor(
    async () => {
      const tally = /** @type {Tally | null} */ (await getJson(USAGE_PATH));
      const { promptTokens, completionTokens } = tally?.total ?? usageBefore.total;
      return promptTokens === usageBefore.total.promptTokens + spent.promptTokens &&
        completionTokens === usageBefore.total.completionTokens + spent.completionTokens
        ? tally
        : null;
    },
    { message: "the AI reply's usage is reported", timeout: 20_000 },
  ).catch(() => null);
  const transcript = /** @type {{ messages: any[] } | null} */ (
    await getJson(`/parties/chatroom/${room}`)
  );
  const fresh = await openSocket(app.url, `/parties/chatroom/${room}`);
  await fresh.until(() => fresh.frames.length > 0);
  const history = fresh.frames.length ? JSON.parse(String(fresh.frames[0])) : null;
  fresh.close();
  const closeCodes = [...run.closeCodes, ...(run.polite.closeCode ? [run.polite.closeCode] : [])];
  const crashes = crashesSince(from, closeCodes, transcript !== null && history !== null);
  await restart(); // then the transcript comes from storage
  const restored = /** @type {{ messages: any[] } | null} */ (
    await getJson(`/parties/chatroom/${room}`)
  );

  const stored = restored?.messages ?? []; // from storage, after the restart
  const storedIds = new Set(stored.map((m) => m.id));
  const accepted = run.polite.view.filter((m) => m.role === "user"); // what the room broadcast
  const lost = [
    ...new Set([...run.confirmed, ...accepted.map((m) => m.id)].filter((id) => !storedIds.has(id))),
  ];
  console.log(
    `fuzz chatroom: ${run.tried} frames tried, ${run.errors} errors returned, ` +
      `${crashes.length} crashes, ${lost.length} accepted messages lost${budgetNote(run.stoppedByTime)}`,
  );

  assert.deepEqual(crashes, [], "no crashes");
  assert.deepEqual(run.problems, [], "the room answered every frame by the protocol");
  assert.deepEqual(lost, [], "every accepted message is stored");
  assert.equal(storedIds.size, stored.length, "no message is stored twice");
  assert.ok(stored.length < 200, "the run stayed under the room's 200-message history");
  assert.deepEqual(transcript?.messages, stored, "storage holds the transcript, exactly");
  // The polite client was never refused, and its view is the stored transcript, exactly.
  assert.deepEqual(run.polite.refused, [], "the polite client was never refused");
  assert.equal(run.polite.closeCode, null, "the polite client stayed connected");
  assert.equal(reply?.status, "done", "the AI still answers a mention, in full");
  assert.ok(reply?.body && reply.usage, "its reply has text and usage");
  assert.ok(usageAfter, "the reply's usage reached the usage party, once");
  assert.ok(run.polite.sentIds.size > 0);
  for (const id of run.polite.sentIds) assert.ok(storedIds.has(id), `polite ${id} is stored`);
  assert.deepEqual(run.polite.view, stored, "the polite client's view is the transcript");
  assert.deepEqual(history?.messages, stored, "a new client gets the transcript as its history");
  // Every accepted message is one that was sent, as the party normalizes it (trimmed, NFC names).
  for (const message of accepted) {
    const sent = run.sent.get(message.id) ?? [];
    assert.ok(
      sent.some((s) => s.body === message.body && s.name === message.user.name),
      `accepted ${JSON.stringify(message)} matches what was sent`,
    );
    assert.deepEqual(Object.keys(message).sort(), ["body", "createdAt", "id", "role", "user"]);
  }
  // Floods far above 3 a second (burst 10) got no more through than the token bucket holds.
  for (const flood of run.floods) {
    assert.ok(
      flood.accepted <= 10 + 3 * flood.seconds + 1,
      `a flood of ${flood.frames} frames got ${flood.accepted} through in ${flood.seconds.toFixed(2)} s`,
    );
  }
  assert.ok(run.errorCodes.rate_limited > 0, "floods were rate-limited");
});

test("usage: random, malformed and unauthorized bodies; the total is exactly what was accepted", async () => {
  const from = app.output().length;
  const before = /** @type {Tally} */ (await getJson(USAGE_PATH));
  const watcher = await openSocket(app.url, USAGE_PATH);
  const run = await fuzzUsage({
    url: app.url,
    secret: USAGE_SECRET,
    random: randomFor("usage"),
    maxBodies: MAX_FRAMES,
    budgetMs: BUDGET_MS,
  });

  const tally = /** @type {Tally | null} */ (await getJson(USAGE_PATH));
  const last = () => JSON.parse(String(watcher.frames.at(-1)));
  // The socket's updates are coalesced (one per 100 ms): wait for the one after the last report.
  const watcherCaughtUp = await watcher.until(
    () =>
      watcher.frames.length > 0 && JSON.stringify(last().total) === JSON.stringify(tally?.total),
  );
  watcher.close();
  const crashes = crashesSince(from, run.closeCodes, tally !== null);
  await restart(); // then the tally comes from storage
  const restored = /** @type {Tally | null} */ (await getJson(USAGE_PATH));
  const fresh = await openSocket(app.url, USAGE_PATH);
  await fresh.until(() => fresh.frames.length > 0);
  fresh.close();

  const expected = expectedTally(before, run.accepted);
  const wrongRooms = [...expected.rooms].filter(
    ([room, tokens]) => JSON.stringify(restored?.rooms[room]) !== JSON.stringify(tokens),
  );
  const lost = run.accepted.filter((r) => wrongRooms.some(([room]) => room === r.room)).length;
  console.log(
    `fuzz usage: ${run.tried} bodies tried, ${run.errors} errors returned, ` +
      `${crashes.length} crashes, ${lost} accepted reports lost${budgetNote(run.stoppedByTime)}`,
  );

  assert.deepEqual(crashes, [], "no crashes");
  assert.deepEqual(run.problems, [], "every body got the answer the protocol promises");
  assert.ok(run.accepted.length > 0 && run.errors > 0, "some reports were accepted, some refused");
  assert.ok(run.reusedAfterRefusal > 0, "kept-alive connections carried requests after refusals");
  assert.deepEqual(restored, tally, "storage holds the tally, exactly");
  assert.deepEqual(tally?.total, expected.total, "the total is the sum of the accepted reports");
  assert.deepEqual(wrongRooms, [], "each room's counter is the sum of its accepted reports");
  assert.ok(expected.rooms.size <= 50, "few enough rooms that each has its own counter");
  assert.equal(expected.lastHourOf(/** @type {Tally} */ (tally)), expected.lastHour);
  assert.ok(watcherCaughtUp, "a watching socket saw the final tally");
  assert.deepEqual(
    JSON.parse(String(fresh.frames[0])),
    { type: "tally", ...restored },
    "a new socket gets the tally",
  );
});

test("presence: random, malformed and flooding frames; a watcher sees exactly who is here", async () => {
  const room = "fuzz-presence";
  const from = app.output().length;
  const run = await fuzzPresence({
    url: app.url,
    room,
    random: randomFor("presence"),
    maxFrames: MAX_FRAMES,
    budgetMs: BUDGET_MS,
  });

  // What the room dropped, counted since it last woke: read before it can fall asleep again.
  const counted = await getJson(`/parties/presence/${room}`);
  // Every fuzzing socket is closed or dropped: in the end only the polite people are here.
  const expected = Object.fromEntries(run.people.map(({ key, person }) => [key, person]));
  const settled = await waitFor(() => isDeepStrictEqual(viewOf(run.watcher.received), expected), {
    message: "the watcher sees exactly the polite people",
    timeout: 15_000,
  }).catch(() => false);
  const view = viewOf(run.watcher.received);
  const state = await getJson(`/parties/presence/${room}`);
  const fresh = await connectPresence(app.url, room);
  const synced = await waitFor(() => fresh.received.length > 0, { message: "sync" }).catch(
    () => false,
  );
  const crashes = crashesSince(
    from,
    run.closeCodes,
    counted !== null && state !== null && synced !== false,
  );
  const clients = [run.watcher, fresh, ...run.people.map((p) => p.client)];
  const stayed = clients.every((client) => client.socket.readyState === WebSocket.OPEN);
  clients.forEach((client) => client.close());

  const dropped = counted?.dropped ?? { tooLarge: 0, rateLimited: 0, invalid: 0 };
  const droppedTotal = dropped.tooLarge + dropped.rateLimited + dropped.invalid;
  const lost = run.people.filter(({ key, person }) => !isDeepStrictEqual(view[key], person)).length;
  console.log(
    `fuzz presence: ${run.tried} frames tried, ${droppedTotal} errors returned (dropped: ` +
      `${dropped.tooLarge} too large, ${dropped.rateLimited} rate-limited, ${dropped.invalid} invalid), ` +
      `${crashes.length} crashes, ${lost} accepted messages lost${budgetNote(run.stoppedByTime)}`,
  );

  assert.deepEqual(crashes, [], "no crashes");
  assert.deepEqual(run.problems, [], "the room kept the protocol");
  assert.ok(stayed, "the watcher and the polite people stayed connected");
  assert.deepEqual(view, expected, "the watcher sees exactly the polite people, where they are");
  assert.ok(settled);
  assert.deepEqual(viewOf(fresh.received.slice(0, 1)), expected, "a new socket's sync is exact");
  const byName = (/** @type {{ name: string }[]} */ users) =>
    [...users].sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(
    byName(state?.people ?? []),
    byName(run.people.map(({ person }) => person.user)),
    "GET says who is here",
  );
  // The room counted what it dropped: every oversize frame exactly, and no more than was sent.
  assert.equal(dropped.tooLarge, run.oversize, "every frame over the limit was dropped unread");
  assert.ok(dropped.rateLimited > 0 && dropped.invalid > 0);
  assert.ok(droppedTotal <= run.tried);
});

// Found by the fuzz: a party that answered without reading the request body (a GET's, or a 404's
// for an unknown room) left workerd to reset the kept-alive connection, or to read the leftover
// body as the next request ("501 Unrecognized request method"), and to log an uncaught TypeError.
test("a body a party does not need never breaks the kept-alive connection it came on", async () => {
  const from = app.output().length;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 }); // one socket carries every request
  /** @param {string} method @param {string} path @param {string} [body] @param {boolean} [chunked] */
  const send = (method, path, body, chunked = false) =>
    new Promise((resolve) => {
      const req = httpRequest(app.url + path, { method, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(`${res.statusCode}${req.reusedSocket ? " (reused)" : ""}`));
      });
      req.on("error", (error) => resolve(error.message));
      if (body && chunked)
        req.write(body.slice(0, 5)); // two writes and no length: chunked
      else if (body) req.setHeader("Content-Length", Buffer.byteLength(body));
      req.end(chunked ? body?.slice(5) : body);
    });
  const body = JSON.stringify({ type: "message", message: { id: "x", body: "hi" } });
  /** @type {[string, string, string][]} the request, its answer, the next request's answer */
  const answers = [];
  // No chunked body on a GET: workerd itself reads one as the next request, whatever a party does.
  /** @type {[string, string, number, boolean][]} */
  const requests = [
    ["GET", "/parties/chatroom/fuzz-bodies", 200, false],
    ["GET", "/parties/presence/fuzz-bodies", 200, false],
    ["GET", USAGE_PATH, 200, false],
    ["POST", "/parties/chatroom/no-such-room", 404, false],
    ["POST", "/parties/presence/no-such-room", 404, true],
  ];
  for (const [method, path, status, chunked] of requests) {
    const answer = /** @type {string} */ (await send(method, path, body, chunked));
    const next = /** @type {string} */ (await send("GET", USAGE_PATH));
    answers.push([`${method} ${path}`, answer, next]);
    assert.match(answer, new RegExp(`^${status}`), `${method} ${path}`);
  }
  agent.destroy();
  assert.deepEqual(
    answers.map(([request, , next]) => [request, next]),
    answers.map(([request]) => [request, "200 (reused)"]),
    "the next request on the same connection is answered",
  );
  assert.deepEqual(crashLines(app.output(), from).crashes, []);
});

// Found by the fuzz: the presence room tags each socket with the id its client picks (`?_pk=`),
// and over 256 characters partykit failed the connection with 1011 and logged an error.
test("a connection id too long to tag a socket with is refused with 400, not a crash", async () => {
  const from = app.output().length;
  const path = "/parties/presence/fuzz-ids?_pk=";
  const tooLong = await openRawWebSocket(app.url, path + "x".repeat(257));
  const longest = await openRawWebSocket(app.url, path + "x".repeat(256));
  longest.drop();
  assert.equal(tooLong.status, 400);
  assert.equal(longest.status, 101);
  assert.deepEqual(crashLines(app.output(), from).crashes, []);
});
