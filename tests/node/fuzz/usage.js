// @ts-check
// Fuzzes the usage party (party/usage.ts): POST bodies to /parties/usage/total with the right and
// wrong `Authorization: Bearer <USAGE_SECRET>`, over a few kept-alive connections so that requests
// follow refusals on the same socket; requests cut off mid-header or mid-body; frames to its socket.
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { abruptEnding, openRawWebSocket } from "./raw-websocket.js";
import { breakJson, entries, nastyText, raw, toJson, weirdValue } from "./random.js";
import { openSocket } from "./sockets.js";

/** @typedef {import("./random.js").Random} Random */
/** @typedef {{ promptTokens: number, completionTokens: number }} Tokens */
/** @typedef {{ total: Tokens, rooms: Record<string, Tokens>, models: Record<string, Tokens>, perMinute: { minute: number, tokens: number }[] }} Tally */

export const USAGE_PATH = "/parties/usage/total";
const MAX_TOKENS = 1_000_000; // LIMITS.tokens in party/usage.schema.ts
const BODY_BYTES = 1024; // LIMITS.bodyBytes
// Few enough rooms that each keeps its own counter (the party counts 50 by name), and names that
// are only names: a room called "__proto__" must not touch any object's prototype.
const ROOMS = [
  ...Array.from({ length: 24 }, (_, i) => `fuzz-room-${i}`),
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "_",
];
const MODELS = [
  "gpt-4o-mini",
  "  padded  ",
  "__proto__",
  "😀",
  "\u202Egpt",
  "m".repeat(100),
  "e\u0301",
];

/**
 * @param {{ url: string, secret: string, random: Random, maxBodies: number, budgetMs: number }} options
 */
export async function fuzzUsage({ url, secret, random, maxBodies, budgetMs }) {
  const run = {
    tried: 0,
    errors: 0,
    /** @type {Record<number, number>} */
    statuses: {},
    /** @type {{ room: string, promptTokens: number, completionTokens: number }[]} reports answered 200 */
    accepted: [],
    reusedAfterRefusal: 0,
    /** @type {string[]} */
    problems: [],
    /** @type {number[]} */
    closeCodes: [],
    stoppedByTime: false,
  };
  const deadline = Date.now() + budgetMs;
  const more = () => run.tried < maxBodies && Date.now() < deadline;
  const agent = new Agent({ keepAlive: true, maxSockets: 2 }); // few sockets: each carries many requests
  const refusedOn = new WeakSet(); // sockets that have carried a refusal

  /**
   * One request; returns its status, or 0 when the connection failed.
   * @param {{ method?: string, path?: string, auth?: string | string[], body?: string | Buffer, chunked?: boolean }} req
   */
  const send = ({ method = "POST", path = USAGE_PATH, auth, body = "", chunked = false }) =>
    new Promise((resolve) => {
      /** @type {Record<string, string | string[]>} */
      const headers = { "Content-Type": "application/json" };
      if (auth !== undefined) headers.Authorization = auth;
      const req = request(url + path, { method, headers, agent }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => {
          if (res.statusCode !== 200 && req.socket) refusedOn.add(req.socket);
          resolve({ status: res.statusCode ?? 0, text });
        });
      });
      req.on("socket", (socket) => {
        if (refusedOn.has(socket)) run.reusedAfterRefusal++;
      });
      req.on("error", (error) => {
        run.problems.push(`${method} ${path}: ${error.message}`);
        resolve({ status: 0, text: "" });
      });
      if (chunked && body.length) {
        // Several writes with no Content-Length: a chunked body, as a streaming client sends it.
        for (let at = 0; at < body.length; at += 100) req.write(body.slice(at, at + 100));
      } else if (body.length) req.setHeader("Content-Length", Buffer.byteLength(body));
      req.end(chunked ? undefined : body);
    });

  /** Sends one body and checks the answer against what the protocol promises. */
  const oneBody = async (/** @type {Random} */ random) => {
    const body = reportBody(random);
    const rightSecret = random.chance(0.7);
    const auth = rightSecret ? `Bearer ${secret}` : wrongAuth(random, secret);
    const method = random.chance(0.9) ? "POST" : random.pick(["PUT", "PATCH", "DELETE", "GET"]);
    const path = random.chance(0.97)
      ? USAGE_PATH
      : random.pick(["/parties/usage/other", "/parties/usage/__proto__"]);
    // workerd takes no chunked body on a GET or DELETE: it reads one as the next request (a 501).
    const chunked = ["POST", "PUT", "PATCH"].includes(method) && random.chance(0.2);
    run.tried++;
    const { status, text } = /** @type {{ status: number, text: string }} */ (
      await send({ method, path, auth, body: body.text, chunked })
    );
    run.statuses[status] = (run.statuses[status] ?? 0) + 1;
    if (status !== 200) run.errors++;

    const why = (/** @type {string} */ expected) =>
      run.problems.push(
        `${method} ${path} (${rightSecret ? "right" : "wrong"} secret) ${JSON.stringify(body.text.slice(0, 120))}: ${status} ${text.slice(0, 100)}, expected ${expected}`,
      );
    if (![200, 400, 401, 404, 405].includes(status)) return why("a clear answer, never a 5xx");
    if (path !== USAGE_PATH) return status === 404 || why("404: only the room `total` exists");
    if (method === "GET") return status === 200 || why("200 with the tally");
    if (method !== "POST") return status === 405 || why("405");
    if (!rightSecret) return status === 401 || why("401: the secret is wrong");
    if (body.valid && status !== 200) return why("200: a valid report");
    if (body.oversize && status !== 400) return why("400: the body is too large");
    if (status === 200) {
      const report = JSON.parse(body.text.replace(/^\uFEFF/, "")); // the party's TextDecoder drops a BOM
      run.accepted.push({
        room: report.room,
        promptTokens: report.promptTokens,
        completionTokens: report.completionTokens,
      });
    }
  };

  /** A request that never finishes: the connection drops mid-header or mid-body. */
  const cutShort = async (/** @type {Random} */ random) => {
    run.tried++;
    const body = JSON.stringify(validReport(random));
    const head = [
      `POST ${USAGE_PATH} HTTP/1.1`,
      `Host: ${new URL(url).host}`,
      `Authorization: Bearer ${secret}`,
      "Content-Type: application/json",
      `Content-Length: ${Buffer.byteLength(body) + random.int(1, 50)}`, // more than will ever come
      "",
      "",
    ].join("\r\n");
    const bytes = head + body;
    const cut = random.chance(0.3)
      ? random.int(1, head.length - 1)
      : random.int(head.length, bytes.length);
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.on("error", () => {});
    await new Promise((resolve) => socket.once("connect", resolve));
    await new Promise((resolve) => socket.write(bytes.slice(0, cut), resolve));
    if (random.chance(0.5)) socket.resetAndDestroy();
    else socket.destroy();
  };

  /** The party's websocket takes no frames: whatever arrives, it must shrug. */
  const framesToSocket = async (/** @type {Random} */ random) => {
    if (random.chance(0.5)) {
      const client = await openSocket(url, USAGE_PATH);
      for (let i = random.int(1, 5); i > 0 && more(); i--, run.tried++)
        client.ws.send(random.chance(0.5) ? nastyText(random) : random.bytes(random.int(0, 2000)));
      await client.until(() => client.frames.length > 0); // the tally on connect
      if (client.closeCode() !== null)
        run.closeCodes.push(/** @type {number} */ (client.closeCode()));
      client.close();
    } else {
      run.tried++;
      const socket = await openRawWebSocket(url, USAGE_PATH);
      await socket.write(abruptEnding(random, JSON.stringify(validReport(random)), 0x1));
      socket.drop(random.chance(0.5) ? "reset" : "end");
    }
  };

  const worker = async (/** @type {Random} */ random) => {
    while (more()) {
      const action = random.next();
      if (action < 0.05) await cutShort(random);
      else if (action < 0.08) await framesToSocket(random);
      else await oneBody(random);
    }
  };
  await Promise.all([random.fork(), random.fork(), random.fork()].map(worker));
  run.stoppedByTime = run.tried < maxBodies;
  agent.destroy();
  return run;
}

/** A report the party must accept. @param {Random} random */
function validReport(random) {
  return {
    room: random.pick(ROOMS),
    model: random.pick(MODELS),
    promptTokens: random.int(0, MAX_TOKENS),
    completionTokens: random.chance(0.1) ? random.pick([0, MAX_TOKENS]) : random.int(0, 5000),
  };
}

/**
 * A body: a valid report, or one broken in a way the party must refuse with 400 (with the right
 * secret); `valid` and `oversize` say what the answer must be, when that is certain.
 * @param {Random} random @returns {{ text: string, valid: boolean, oversize: boolean }}
 */
function reportBody(random) {
  const report = /** @type {Record<string, unknown>} */ (validReport(random));
  if (random.chance(0.35)) return { text: JSON.stringify(report), valid: true, oversize: false };
  const field = random.pick(["room", "model", "promptTokens", "completionTokens"]);
  const broken = random.pick([
    () => toJson({ ...report, [field]: weirdValue(random) }),
    () =>
      toJson({
        ...report,
        [field]: random.pick([
          -1,
          MAX_TOKENS + 1,
          1.5,
          raw("1e309"),
          raw("9007199254740993"),
          "12",
          "",
          " ",
          "a b",
          "ид",
          "x".repeat(101),
        ]),
      }),
    () => toJson(entries([...Object.entries(report), ["__proto__", { promptTokens: 1 }]])),
    () =>
      toJson(
        entries([...Object.entries(report), [random.pick(["total", "constructor", "extra"]), 1]]),
      ),
    () => {
      const { [field]: _gone, ...rest } = report;
      return JSON.stringify(rest);
    },
    () => toJson(entries([...Object.entries(report), [field, weirdValue(random)]])), // a key twice
    () => breakJson(random, JSON.stringify(report)),
    () => toJson(weirdValue(random)),
    () => nastyText(random, 300),
  ])();
  if (random.chance(0.08)) {
    // Over the body limit: valid JSON padded, or plain bulk.
    const pad = " ".repeat(random.int(BODY_BYTES, 20_000));
    return {
      text: random.chance(0.5) ? JSON.stringify(report) + pad : pad,
      valid: false,
      oversize: true,
    };
  }
  return { text: broken, valid: false, oversize: false };
}

/** An Authorization header that must not pass. @param {Random} random @param {string} secret */
function wrongAuth(random, secret) {
  return random.pick([
    undefined,
    "",
    "Bearer",
    "Bearer ",
    "Bearer wrong",
    `Bearer ${secret}x`,
    `Bearer ${secret.slice(0, -1)}`,
    `bearer ${secret}`,
    `Bearer  ${secret}`,
    `Bearer ${secret.toUpperCase()}`,
    `Basic ${Buffer.from(`user:${secret}`).toString("base64")}`,
    `${secret}`,
    [`Bearer ${secret}`, `Bearer ${secret}`], // two headers arrive joined: "Bearer s, Bearer s"
    `Bearer ${"A".repeat(4000)}`,
  ]);
}

/**
 * What the tally must be after `accepted`, from `before`: totals, each room's counter (while no
 * room spills into "(other)"), and the tokens of the last hour.
 * @param {Tally} before @param {{ room: string, promptTokens: number, completionTokens: number }[]} accepted
 */
export function expectedTally(before, accepted) {
  const total = { ...before.total };
  /** @type {Map<string, Tokens>} */
  const rooms = new Map(Object.entries(before.rooms).map(([room, t]) => [room, { ...t }]));
  for (const report of accepted) {
    total.promptTokens += report.promptTokens;
    total.completionTokens += report.completionTokens;
    const slot = rooms.get(report.room) ?? { promptTokens: 0, completionTokens: 0 };
    slot.promptTokens += report.promptTokens;
    slot.completionTokens += report.completionTokens;
    rooms.set(report.room, slot);
  }
  const lastHour = (/** @type {Tally} */ t) => t.perMinute.reduce((sum, m) => sum + m.tokens, 0);
  const added = accepted.reduce((sum, r) => sum + r.promptTokens + r.completionTokens, 0);
  return { total, rooms, lastHour: lastHour(before) + added, lastHourOf: lastHour };
}
