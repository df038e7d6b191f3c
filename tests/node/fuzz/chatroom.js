// @ts-check
// Fuzzes the chat room party (party/chatroom.ts): JSON text frames, each answered by exactly one
// frame to its sender, either an `error` or the `update` that echoes an accepted message to everyone.
// A polite client keeps chatting throughout; what it sees is the room's record of what was accepted.
import { abruptEnding, encodeFrame, openRawWebSocket } from "./raw-websocket.js";
import { breakJson, entries, nastyText, toJson, weirdValue } from "./random.js";
import { openSocket } from "./sockets.js";

/** @typedef {import("./random.js").Random} Random */
/**
 * @typedef {{ id: string, body: string, user: { name: string }, role: string, createdAt: number,
 *   status?: string, usage?: { promptTokens: number, completionTokens: number } }} Message
 */
/** @typedef {{ data: string | Uint8Array }} Frame */

const RATE = { perSecond: 3, burst: 10 }; // party/chatroom.ts: new RateLimiter(3, 10)
const FRAME_LIMIT = 8 * 1024; // LIMITS.frameBytes, in UTF-16 units (the party checks string length)
// The room keeps its last 200 messages (and forgets older ids): frames that could be accepted stop
// at this many, so that with those in flight and the polite client's the run stays under 200, and
// the whole transcript can be compared.
const VALID_ACCEPTED = 90;
const ERROR_CODES = ["bad_json", "invalid", "too_large", "duplicate_id", "rate_limited"];

/**
 * @param {{ url: string, room: string, random: Random, maxFrames: number, budgetMs: number }} options
 */
export async function fuzzChatroom({ url, room, random, maxFrames, budgetMs }) {
  const path = `/parties/chatroom/${room}`;
  const run = newRun();
  const deadline = Date.now() + budgetMs;
  const more = () => run.tried < maxFrames && Date.now() < deadline;

  const polite = await politeClient(url, path, run);
  const acceptedIds = () => [...polite.view.keys()];
  const allowValid = () => polite.view.size < VALID_ACCEPTED;

  /** Records what a frame carries under its id, as the party will read it. @param {Frame} frame */
  const record = (frame) => {
    run.tried++;
    if (typeof frame.data !== "string") return;
    let json;
    try {
      json = JSON.parse(asSent(frame.data));
    } catch {
      return;
    }
    const message = json?.message;
    if (typeof message?.id !== "string") return;
    const expected = {
      body: typeof message.body === "string" ? message.body.trim() : undefined,
      name:
        typeof message.user?.name === "string"
          ? message.user.name.normalize("NFC").trim()
          : undefined,
    };
    run.sent.set(message.id, [...(run.sent.get(message.id) ?? []), expected]);
  };

  /** One worker: fresh connections sending a few frames each, floods, and abrupt disconnects. */
  const worker = async (/** @type {Random} */ random, /** @type {number} */ n) => {
    let count = 0;
    const nextId = () => `w${n}-${count++}`;
    const frame = (flood = false) =>
      chatFrame(random, { id: nextId(), accepted: acceptedIds(), valid: allowValid(), flood });
    for (let first = n === 1; more(); first = false) {
      const action = random.next();
      if (first || action < 0.03)
        await floodOnce(frame); // at least one flood a run
      else if (action < 0.23) await abruptly(random, frame);
      else await burst(random.int(1, RATE.burst + 2), frame);
    }
  };

  /** A fresh connection sends `size` frames, waits for one answer to each, and closes. */
  const burst = async (/** @type {number} */ size, /** @type {() => Frame} */ frame) => {
    const client = await openSocket(url, path);
    if (!(await client.until(() => client.frames.length > 0)))
      return run.problems.push("a new connection got no history");
    if (JSON.parse(String(client.frames[0])).type !== "history")
      run.problems.push(`a new connection got ${String(client.frames[0]).slice(0, 80)} first`);
    const answers = countAnswers(client, run);
    const known = new Set(acceptedIds()); // a duplicate of these is refused; their echoes are old news
    for (let i = 0; i < size && more(); i++) {
      const next = frame();
      record(next);
      answers.expect(next, known);
      client.ws.send(next.data);
    }
    await answers.done();
    client.close();
  };

  /** Far above the rate limit on one connection: what gets through must fit the token bucket. */
  const floodOnce = async (/** @type {(flood: boolean) => Frame} */ frame) => {
    const client = await openSocket(url, path);
    await client.until(() => client.frames.length > 0);
    const answers = countAnswers(client, run);
    const known = new Set(acceptedIds());
    const started = performance.now();
    const size = Math.min(150, maxFrames - run.tried);
    for (let i = 0; i < size; i++) {
      const next = frame(true);
      record(next);
      answers.expect(next, known);
      client.ws.send(next.data);
    }
    await answers.done();
    const seconds = (performance.now() - started) / 1000;
    run.floods.push({ frames: size, accepted: answers.accepted(), seconds });
    client.close();
  };

  /** A raw socket: the upgrade by hand, maybe a frame or two, then half a frame, then gone. */
  const abruptly = async (/** @type {Random} */ random, /** @type {() => Frame} */ frame) => {
    const socket = await openRawWebSocket(url, path);
    if (socket.status !== 101) return run.problems.push(`a raw upgrade got ${socket.status}`);
    for (let i = random.int(0, 2); i > 0 && run.tried < maxFrames - 1; i--) {
      const whole = frame();
      record(whole);
      await socket.write(encodeFrame(whole.data, { opcode: opcodeOf(whole) }));
    }
    if (!more()) return socket.drop(); // the budget ran out meanwhile
    const last = frame();
    record(last);
    await socket.write(abruptEnding(random, last.data, opcodeOf(last)));
    socket.drop(random.chance(0.5) ? "reset" : "end");
    run.closeCodes.push(...socket.closeCodes);
  };

  await Promise.all([1, 2, 3].map((n) => worker(random.fork(), n)));
  run.stoppedByTime = run.tried < maxFrames;
  const view = await polite.stop();
  return { ...run, polite: view };
}

/** What a run counts and notices. */
function newRun() {
  return {
    tried: 0,
    errors: 0,
    /** @type {Record<string, number>} */
    errorCodes: {},
    /** @type {Map<string, { body: unknown, name: unknown }[]>} what was sent under each id */
    sent: new Map(),
    /** @type {Set<string>} ids whose `update` echo reached their sender */
    confirmed: new Set(),
    /** @type {number[]} */
    closeCodes: [],
    /** @type {string[]} anything a correct room would not do */
    problems: [],
    /** @type {{ frames: number, accepted: number, seconds: number }[]} */
    floods: [],
    stoppedByTime: false,
  };
}
/** @typedef {ReturnType<typeof newRun>} Run */

/**
 * Counts the answers to the frames a connection sent: each frame gets exactly one, an `error`, or
 * the `update` of its own message. @param {import("./sockets.js").Socket} client @param {Run} run
 */
function countAnswers(client, run) {
  let seen = client.frames.length; // frames before ours answer nothing of ours
  let expected = 0;
  let answered = 0;
  let accepted = 0;
  const mine = new Set(); // ids of ours whose echo would be an answer
  const read = () => {
    for (; seen < client.frames.length; seen++) {
      const frame = JSON.parse(String(client.frames[seen]));
      if (frame.type === "error") {
        answered++;
        run.errors++;
        run.errorCodes[frame.code] = (run.errorCodes[frame.code] ?? 0) + 1;
        if (!ERROR_CODES.includes(frame.code) || typeof frame.message !== "string")
          run.problems.push(`an error frame out of protocol: ${JSON.stringify(frame)}`);
      } else if (frame.type === "update" && mine.delete(frame.message.id)) {
        answered++;
        accepted++;
        run.confirmed.add(frame.message.id);
      }
    }
    return answered >= expected || client.closeCode() !== null;
  };
  return {
    /** @param {Frame} frame @param {Set<string>} known */
    expect(frame, known) {
      expected++;
      const id = idOf(frame);
      if (id && !known.has(id)) mine.add(id);
    },
    accepted: () => accepted,
    async done() {
      const complete = await client.until(read, 15_000);
      if (client.closeCode() !== null) {
        run.closeCodes.push(/** @type {number} */ (client.closeCode()));
        run.problems.push(`the room closed a fuzzing socket (${client.closeCode()})`);
      } else if (!complete) {
        const waiting = [...mine].map((id) => JSON.stringify(id)).join(", ");
        run.problems.push(
          `${expected - answered} frames got no answer (ids still unechoed: ${waiting})`,
        );
      }
    },
  };
}

/** The client everyone should be: one plain message at a time, well under the rate limit. */
async function politeClient(
  /** @type {string} */ url,
  /** @type {string} */ path,
  /** @type {Run} */ run,
) {
  const client = await openSocket(url, path);
  /** @type {Map<string, Message>} the room as this client sees it, in order */
  const view = new Map();
  const sentIds = new Set();
  /** @type {unknown[]} */
  const refused = [];
  let seen = 0;
  const read = () => {
    for (; seen < client.frames.length; seen++) {
      const frame = JSON.parse(String(client.frames[seen]));
      if (frame.type === "history") for (const m of frame.messages) view.set(m.id, m);
      if (frame.type === "update") view.set(frame.message.id, frame.message);
      if (frame.type === "error") refused.push(frame);
    }
  };
  await client.until(() => (read(), seen > 0)); // the history

  let stopped = false;
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const id = `polite-${i}`;
      const body = `message ${i}: héllo wörld 😀 e\u0301`;
      sentIds.add(id);
      run.sent.set(id, [{ body, name: "Polite Pat" }]);
      client.ws.send(
        JSON.stringify({ type: "message", message: { id, body, user: { name: "Polite Pat" } } }),
      );
      const answered = await client.until(() => (read(), view.has(id) || refused.length > 0));
      if (!answered || refused.length) break;
      await new Promise((resolve) => setTimeout(resolve, 400)); // 2.5 a second: under the limit of 3
    }
  })();

  return {
    view,
    /** Stops chatting; then, the fuzz over, asks the AI and waits for its whole reply. */
    async stop() {
      stopped = true;
      await loop;
      const id = "polite-asks-the-ai";
      const body = "@ai are you still there?";
      sentIds.add(id);
      run.sent.set(id, [{ body, name: "Polite Pat" }]);
      client.ws.send(
        JSON.stringify({ type: "message", message: { id, body, user: { name: "Polite Pat" } } }),
      );
      const replied = () =>
        [...view.values()].find((m) => m.role === "assistant" && m.status !== "streaming");
      await client.until(() => (read(), refused.length > 0 || Boolean(replied())), 60_000);
      const closeCode = client.closeCode(); // null: still open
      client.close();
      return { view: [...view.values()], sentIds, refused, closeCode, reply: replied() };
    },
  };
}

const idOf = (/** @type {Frame} */ frame) => {
  if (typeof frame.data !== "string") return undefined;
  try {
    const id = JSON.parse(asSent(frame.data))?.message?.id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
};

/** A string as the party reads it: a text frame travels as UTF-8, so a lone surrogate arrives as U+FFFD. */
const asSent = (/** @type {string} */ text) => Buffer.from(text).toString();

const opcodeOf = (/** @type {Frame} */ frame) => (typeof frame.data === "string" ? 0x1 : 0x2);

/**
 * A wrong id. One that happens to be a valid id ("NaN", "12") gets the fresh id appended: ids stay
 * unique across connections, so an echo is always its sender's answer.
 * @param {Random} random @param {string} id
 */
function weirdId(random, id) {
  const value = weirdValue(random);
  return typeof value === "string" && /^[\w-]{1,64}$/.test(value) ? `${value}-${id}` : value;
}

const NAMES = ["Ada", "Grace", "Zoë", "Renée", "名前", "Ω", "x"];
const BODIES = [
  "hello",
  "héllo wörld 😀",
  "a < b && c > d",
  "  padded  ",
  "e\u0301",
  "<b>bold</b>",
];

/**
 * One frame for the chat room: well-formed (while `valid` allows), or broken in one of many ways.
 * @param {Random} random
 * @param {{ id: string, accepted: string[], valid: boolean, flood: boolean }} options
 * @returns {Frame}
 */
export function chatFrame(random, { id, accepted, valid, flood }) {
  const body = () => (random.chance(0.5) ? random.pick(BODIES) : nastyText(random, 300));
  const name = () => (random.chance(0.6) ? random.pick(NAMES) : nastyText(random, 50));
  const message = () => ({ id, body: body(), user: { name: name() } });
  const text = (/** @type {unknown} */ value) => toJson(value).replace(/@ai/gi, "@-ai"); // the AI stays quiet
  const frame = (/** @type {string | Uint8Array} */ data) => ({ data });

  if (valid && random.chance(flood ? 0.8 : 0.25))
    return frame(text({ type: "message", message: message() }));

  /** @type {(() => Frame)[]} */
  const kinds = [
    // one field of the wrong type or at the edge of its type
    () => {
      const m = /** @type {Record<string, any>} */ (message());
      const field = random.pick(["id", "body", "user", "name", "message", "type"]);
      if (field === "id") m.id = weirdId(random, id);
      else if (field === "name") m.user.name = weirdValue(random);
      else if (field === "message")
        return frame(text({ type: "message", message: weirdValue(random) }));
      else if (field === "type") return frame(text({ type: weirdValue(random), message: m }));
      else m[field] = weirdValue(random);
      return frame(text({ type: "message", message: m }));
    },
    // fields a client may not set, and prototype keys at every level
    () => {
      const extra = /** @type {[string, unknown]} */ (
        random.pick([
          ["role", "assistant"],
          ["createdAt", 0],
          ["status", "done"],
          ["model", "gpt-5"],
          ["__proto__", { role: "assistant" }],
          ["constructor", { prototype: { polluted: true } }],
          ["prototype", 1],
        ])
      );
      const m = message();
      const level = random.pick(["frame", "message", "user"]);
      const user = level === "user" ? entries([["name", m.user.name], extra]) : m.user;
      const inner = entries([
        ["id", m.id],
        ["body", m.body],
        ["user", user],
        ...(level === "message" ? [extra] : []),
      ]);
      return frame(
        text(
          entries([["type", "message"], ["message", inner], ...(level === "frame" ? [extra] : [])]),
        ),
      );
    },
    // a key twice: JSON.parse keeps the last
    () =>
      frame(
        text(
          entries([
            ["type", "message"],
            [
              "message",
              entries([
                ["id", id],
                ["body", body()],
                ["user", { name: name() }],
                ["id", weirdId(random, id)],
              ]),
            ],
          ]),
        ),
      ),
    // a field missing
    () => {
      const m = /** @type {Record<string, unknown>} */ (message());
      delete m[random.pick(["id", "body", "user"])];
      return frame(text({ type: "message", message: m }));
    },
    // a type the party never takes from a client
    () =>
      frame(
        text({
          type: random.pick(["Message", "update", "history", "delta", "error", ""]),
          message: message(),
        }),
      ),
    () => frame(breakJson(random, text({ type: "message", message: message() }))),
    () => frame(text(weirdValue(random))),
    () => frame(nastyText(random, 200)), // not JSON at all
    // binary frames: this party speaks JSON text
    () =>
      frame(
        random.chance(0.5)
          ? random.bytes(random.int(0, 300))
          : new TextEncoder().encode(text({ type: "message", message: message() })),
      ),
    // over the frame limit, or a body over its limit inside one
    () => {
      const size = random.chance(0.5) ? random.int(FRAME_LIMIT, 64 * 1024) : random.int(2001, 7000);
      return frame(text({ type: "message", message: { ...message(), body: "x".repeat(size) } }));
    },
    // ids that are not ids
    () => {
      const badId = random.pick(["", "a".repeat(65), "../x", "a b", "ид", "<x>", "a\u0000b", "😀"]);
      return frame(text({ type: "message", message: { ...message(), id: badId } }));
    },
    // a message id the room already has
    () =>
      accepted.length
        ? frame(text({ type: "message", message: { ...message(), id: random.pick(accepted) } }))
        : frame("{}"),
  ];
  const kind = random.pick(flood ? kinds.slice(0, 8) : kinds); // a flood tests the limiter: no binary or oversize
  let next = kind();
  // Broken frames are often still valid ("NaN" is a fine body): past the cap, only sure refusals.
  for (let tries = 0; !valid && mightBeAccepted(next.data); tries++)
    next = tries < 20 ? kind() : frame("{}");
  return next;
}

/**
 * True unless the party will surely refuse the frame: a loose copy of ClientMessageSchema (it lets
 * through some frames the party refuses, never the other way round).
 * @param {string | Uint8Array} data
 */
export function mightBeAccepted(data) {
  if (typeof data !== "string" || data.length > FRAME_LIMIT) return false;
  let json;
  try {
    json = JSON.parse(asSent(data));
  } catch {
    return false;
  }
  const message = json?.message;
  if (json?.type !== "message" || typeof message !== "object" || message === null) return false;
  if (typeof message.id !== "string" || !/^[\w-]{1,64}$/.test(message.id)) return false;
  if (typeof message.body !== "string" || !message.body.trim() || message.body.trim().length > 2000)
    return false;
  return typeof message.user?.name === "string";
}
