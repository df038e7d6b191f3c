// @ts-check
// Fuzzes the presence party (party/presence.ts): msgpack binary frames (JSON text is accepted too).
// It answers nothing to a bad frame, by design: it counts it (GET /parties/presence/<room> says
// `dropped`). Two polite people move their cursors throughout; a watcher that never sends anything
// must end up seeing exactly them, where they last were, and nobody else.
import { FLOAT32_OPTIONS, Packr } from "msgpackr";
import { connectPresence } from "../../../scripts/presence-socket.js";
import { waitFor } from "../../../scripts/wait-for.js";
import { abruptEnding, encodeFrame, openRawWebSocket } from "./raw-websocket.js";
import { breakJson, entries, nastyText, raw, toJson, weirdValue } from "./random.js";
import { openSocket } from "./sockets.js";

/** @typedef {import("./random.js").Random} Random */
/** @typedef {{ user: { name: string, colour: string }, presence: { cursor: { x: number, y: number } | null, typing?: boolean } }} Person */

const FRAME_LIMIT = 256; // LIMITS.frameBytes in party/presence.schema.ts
// The options party/presence.schema.ts packs with.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND,
});
const pack = (/** @type {unknown} */ value) => packr.pack(value);
const recordsPackr = new Packr({ useRecords: true }); // msgpackr's own record extension
const POLITE = ["Polite Ada", "Polite Grace"];

/**
 * @param {{ url: string, room: string, random: Random, maxFrames: number, budgetMs: number }} options
 */
export async function fuzzPresence({ url, room, random, maxFrames, budgetMs }) {
  const path = `/parties/presence/${room}`;
  const run = {
    tried: 0,
    oversize: 0, // frames over the limit that surely reached the room: it must count each one
    /** @type {number[]} */
    closeCodes: [],
    /** @type {string[]} */
    problems: [],
    stoppedByTime: false,
  };
  const deadline = Date.now() + budgetMs;
  const more = () => run.tried < maxFrames && Date.now() < deadline;

  const watcher = await connectPresence(url, room);
  const polite = await Promise.all(POLITE.map((name) => politePerson(url, room, name)));

  /** A fresh socket sends some frames, then closes (or leaves its id to a new socket). */
  const burst = async (/** @type {Random} */ random, /** @type {string | undefined} */ id) => {
    const query = id === undefined ? "" : `?_pk=${encodeURIComponent(id)}`;
    const client = await openSocket(url, path + query, { binary: true });
    for (let i = random.int(1, 40); i > 0 && more(); i--) {
      const frame = presenceFrame(random);
      run.tried++;
      if (frame.oversize) run.oversize++;
      client.ws.send(frame.data);
    }
    if (id || random.chance(0.9)) return void (client.close(), noteClose(client));
    // Now and then the same connection id comes back, like a tab reconnecting: the room must
    // close the old socket (4000) and keep no ghost of it, even when the old one never answers.
    const again =
      random.pick(["-", "a b", "😀", "__proto__", "x".repeat(240)]) + random.int(0, 1e9);
    const old = await openRawWebSocket(url, `${path}?_pk=${encodeURIComponent(again)}`);
    if (old.status !== 101) return run.problems.push(`a raw upgrade got ${old.status}`);
    if (run.tried < maxFrames) {
      run.tried++;
      const join = pack({ type: "join", user: { name: "Replaced", colour: "#123456" } });
      await old.write(encodeFrame(join, { opcode: 0x2 }));
    }
    client.close();
    await burst(random, again);
    const closed = await waitFor(() => old.closeCodes.length > 0, {
      message: "the replaced socket is closed",
      timeout: 10_000,
    }).catch(() => false);
    if (!closed) run.problems.push("a replaced socket was not closed");
    else if (old.closeCodes[0] !== 4000)
      run.problems.push(`a replaced socket got ${old.closeCodes}`);
    old.drop(); // without answering the close: the room must forget it anyway
  };
  const noteClose = (/** @type {import("./sockets.js").Socket} */ client) => {
    if (client.closeCode() !== null)
      run.closeCodes.push(/** @type {number} */ (client.closeCode()));
  };

  /** Far above 60 updates a second on one connection, after a valid join. */
  const flood = async (/** @type {Random} */ random) => {
    const client = await openSocket(url, path, { binary: true });
    if (!more()) return client.close();
    client.ws.send(pack({ type: "join", user: { name: "Flood", colour: "#ff0000" } }));
    run.tried++;
    for (let i = Math.min(300, maxFrames - run.tried); i > 0; i--, run.tried++) {
      const cursor = { x: random.int(0, 64) / 64, y: random.int(0, 64) / 64 };
      client.ws.send(pack({ type: "update", presence: { cursor } }));
    }
    client.close();
    noteClose(client);
  };

  /** A raw socket joins, maybe, then leaves half a frame and vanishes. */
  const abruptly = async (/** @type {Random} */ random) => {
    if (random.chance(0.1)) {
      // A connection id partykit cannot tag a socket with: refused before the room, not a 1011.
      const id = "x".repeat(random.int(257, 2000));
      const refused = await openRawWebSocket(url, `${path}?_pk=${id}`);
      if (refused.status !== 400)
        run.problems.push(`a ${id.length}-character _pk got ${refused.status}`);
      return;
    }
    const socket = await openRawWebSocket(url, path);
    if (socket.status !== 101) return run.problems.push(`a raw upgrade got ${socket.status}`);
    if (random.chance(0.6) && run.tried < maxFrames - 1) {
      run.tried++;
      const join = pack({
        type: "join",
        user: { name: `Raw ${random.int(0, 99)}`, colour: "#00ff00" },
      });
      await socket.write(encodeFrame(join, { opcode: 0x2 }));
    }
    if (!more()) return socket.drop(); // the budget ran out meanwhile
    const last = presenceFrame(random, { small: true });
    run.tried++;
    await socket.write(abruptEnding(random, last.data, typeof last.data === "string" ? 0x1 : 0x2));
    socket.drop(random.chance(0.5) ? "reset" : "end");
    run.closeCodes.push(...socket.closeCodes);
  };

  const worker = async (/** @type {Random} */ random, /** @type {number} */ n) => {
    for (let first = n === 0; more(); first = false) {
      const action = random.next();
      if (first || action < 0.02)
        await flood(random); // at least one flood a run
      else if (action < 0.2) await abruptly(random);
      else await burst(random, undefined);
    }
  };
  await Promise.all([random.fork(), random.fork(), random.fork()].map(worker));
  run.stoppedByTime = run.tried < maxFrames;
  const people = await Promise.all(polite.map((person) => person.stop()));
  return { ...run, watcher, people };
}

/** Someone who joins and moves their cursor 16 times a second, well under the limit of 60. */
async function politePerson(
  /** @type {string} */ url,
  /** @type {string} */ room,
  /** @type {string} */ name,
) {
  const client = await connectPresence(url, room);
  const colour = "#38bdf8";
  client.send({ type: "join", user: { name, colour } });
  let stopped = false;
  /** @type {{ x: number, y: number }} */
  let cursor = { x: 0, y: 0 };
  const moving = (async () => {
    for (let i = 0; !stopped; i++) {
      cursor = { x: (i % 65) / 64, y: ((i * 7) % 65) / 64 }; // exact in 32-bit floats
      client.send({ type: "update", presence: { cursor } });
      await new Promise((resolve) => setTimeout(resolve, 60)); // a pace, not a wait for anything
    }
  })();
  return {
    async stop() {
      stopped = true;
      await moving;
      const you = client.received.find((frame) => frame.type === "sync")?.you;
      /** @type {Person} */
      const person = { user: { name, colour }, presence: { cursor } };
      return { key: /** @type {string} */ (you), person, client };
    },
  };
}

/**
 * Who the room's frames say is here: `sync`, then each `changes` applied in order. (msgpack carries
 * `undefined`, as a user's `country` in dev: it is left out, as JSON would.)
 * @param {any[]} frames @returns {Record<string, Person>}
 */
export function viewOf(frames) {
  /** @type {Record<string, Person>} */
  let people = {};
  for (const frame of frames) {
    if (frame.type === "sync") people = { ...frame.people };
    if (frame.type !== "changes") continue;
    for (const [key, person] of Object.entries(frame.add ?? {})) people[key] = person;
    for (const [key, presence] of Object.entries(frame.presence ?? {}))
      if (people[key]) people[key] = { ...people[key], presence };
    for (const key of frame.remove ?? []) delete people[key];
  }
  return JSON.parse(JSON.stringify(people));
}

/**
 * One frame for the presence room: valid, or broken in one of many ways. `oversize`: over the
 * room's limit, so it must be dropped unread. `small` keeps it under the limit.
 * @param {Random} random @param {{ small?: boolean }} [options]
 * @returns {{ data: string | Uint8Array, oversize: boolean }}
 */
export function presenceFrame(random, { small = false } = {}) {
  const name = () =>
    random.chance(0.5) ? random.pick(["Ada", "Zoë", "名前"]) : nastyText(random, 40);
  const colour = () =>
    random.chance(0.8) ? random.pick(["#000000", "#ABCDEF"]) : nastyText(random, 10);
  const join = () => ({ type: "join", user: { name: name(), colour: colour() } });
  const number = () =>
    random.pick([
      0,
      1,
      0.5,
      -0,
      -1,
      1.0000001,
      1e308,
      -1e308,
      5e-324,
      NaN,
      Infinity,
      -Infinity,
      2 ** 53 + 1,
    ]);
  const update = () => ({
    type: "update",
    presence: random.chance(0.2)
      ? { cursor: null, typing: random.chance(0.5) }
      : { cursor: { x: random.chance(0.5) ? random.next() : number(), y: random.next() } },
  });
  /** @type {(() => string | Uint8Array)[]} */
  const kinds = [
    () => pack(join()),
    () => pack(update()),
    () => toJson(random.chance(0.5) ? join() : update()), // JSON text is accepted too
    () => pack({ ...join(), type: weirdValue(random) }),
    () => pack({ type: "join", user: weirdValue(random) }),
    () => pack({ type: "update", presence: { cursor: weirdValue(random) } }),
    () => pack({ ...join(), extra: 1 }),
    () => pack({ type: "join", user: { name: name(), colour: colour(), country: "FR" } }), // only the room sets it
    () => {
      // A key named __proto__ in msgpack (msgpackr renames it on the way in).
      const pairs = (/** @type {[string, unknown][]} */ list) => new Map(list);
      const user = pairs([
        ["__proto__", { name: "AI" }],
        ["colour", "#000000"],
      ]);
      return pack(
        pairs([
          ["type", "join"],
          ["user", user],
        ]),
      );
    },
    () =>
      toJson(
        entries([
          ["type", "join"],
          [
            "user",
            entries([
              ["name", "x"],
              ["colour", "#000000"],
              ["__proto__", { admin: true }],
            ]),
          ],
        ]),
      ),
    () =>
      toJson(
        entries([
          ["type", "update"],
          ["presence", { cursor: { x: raw("1e309"), y: raw("-0") } }],
        ]),
      ),
    () => breakJson(random, toJson(join())),
    () => {
      const bytes = pack(random.chance(0.5) ? join() : update());
      return bytes.subarray(0, random.int(0, bytes.length - 1)); // truncated msgpack
    },
    () => random.bytes(random.int(0, 200)),
    () =>
      random.pick([
        Uint8Array.of(0xc1), // a byte msgpack never uses
        Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff), // an array that claims 4 billion items
        Uint8Array.of(0xdf, 0xff, 0xff, 0xff, 0xff), // a map that claims as many
        Uint8Array.of(0xd7, 0xff, 0, 0, 0, 0, 0, 0, 0, 0), // a timestamp
        Uint8Array.of(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // 2^64 - 1
        new Uint8Array(200).fill(0x91), // arrays nested 200 deep
        recordsPackr.pack(join()), // msgpackr's record extension, which the room does not use
      ]),
    () => pack([join()]),
    () => pack(null),
    () => toJson(weirdValue(random)),
    () => nastyText(random, 100),
  ];
  if (!small && random.chance(0.08)) {
    const data = random.chance(0.5)
      ? random.bytes(random.int(FRAME_LIMIT + 1, 64 * 1024))
      : pack({
          type: "join",
          user: { name: "x".repeat(random.int(FRAME_LIMIT, 4000)), colour: "#000000" },
        });
    return { data, oversize: true };
  }
  let data = random.pick(kinds)();
  while (small && sizeOf(data) > FRAME_LIMIT) data = pack(update());
  return { data, oversize: sizeOf(data) > FRAME_LIMIT };
}

/** The size the room measures: UTF-16 units of a text frame, bytes of a binary one. */
const sizeOf = (/** @type {string | Uint8Array} */ data) =>
  typeof data === "string" ? data.length : data.byteLength;
