// @ts-check
// Stage 5's presence room, served by a real partykit dev: it survives garbage and floods while a
// well-behaved client keeps working, replaces a reconnecting tab's ghost socket, and wakes from
// hibernation whole. One build and one server for all (node --test may run test files in parallel).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { pack } from "msgpackr";
import { prepareStage, startApp } from "../../scripts/stage-app.js";
import { connectPresence } from "../../scripts/presence-socket.js";
import { waitFor } from "../../scripts/wait-for.js";

/** @type {Awaited<ReturnType<typeof startApp>>} */
let app;
before(async () => (app = await startApp(prepareStage(5), { vars: { OPEN_ROOMS: "[\\w-]+" } })), {
  timeout: 120_000,
});
after(() => app?.stop());

const join = (/** @type {unknown} */ user) => pack({ type: "join", user });
const update = (/** @type {unknown} */ presence) => pack({ type: "update", presence });

/** Frames a hostile client might send, all of which the room must drop. */
function garbage() {
  const valid = join({ name: "Mallory", colour: "#000000" });
  return [
    ...Array.from({ length: 200 }, (_, i) => randomBytes(1 + (i % 200))), // random bytes
    valid.subarray(0, valid.length - 3), // truncated msgpack
    Uint8Array.of(0xc1), // a byte msgpack never uses
    Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff), // an array that claims 4 billion items
    Uint8Array.of(0xd7, 0xff, 0, 0, 0, 0, 0, 0, 0, 0), // a timestamp extension
    pack([1, 2, 3]),
    pack("join"),
    pack(null),
    pack({ type: "update", presence: { cursor: { x: 0.5, y: 0.5 } } }), // before joining
    pack({ type: "leave" }),
    join({ name: "", colour: "#000000" }),
    join({ name: "M".repeat(41), colour: "#000000" }),
    join({ name: "Mallory", colour: "red; background: url(evil)" }),
    join({ name: "Mallory", colour: "#000000", country: "FR" }), // only the room sets a country
    pack({ type: "join", user: { name: "Mallory", colour: "#000000" }, extra: 1 }),
    "{not json",
    "null",
    JSON.stringify({ type: "join" }),
    '{"type":"join","user":{"name":"M","colour":"#000000","__proto__":{"admin":true}}}',
    pack({ type: "join", user: { name: "x".repeat(300), colour: "#000000" } }), // oversize
    randomBytes(64 * 1024), // oversize
    "x".repeat(1024 * 1024), // oversize text
  ];
}

test(
  "garbage never stops the room serving a well-behaved client",
  { timeout: 60_000 },
  async () => {
    const room = `flood-${Date.now()}`;
    const good = await connectPresence(app.url, room);
    good.join("Good");
    const watcher = await connectPresence(app.url, room);
    watcher.join("Watcher");
    // Each socket may send a burst of LIMITS.burst (60) frames: 50 each, so every frame reaches the decoder.
    const frames = [...garbage(), ...garbage()];
    const chunks = Array.from({ length: Math.ceil(frames.length / 50) }, (_, i) =>
      frames.slice(i * 50, i * 50 + 50),
    );
    const attackers = await Promise.all(chunks.map(() => connectPresence(app.url, room)));
    chunks.forEach((chunk, i) => chunk.forEach((frame) => attackers[i].send(frame)));
    // One more joins properly, then floods valid updates far faster than the room accepts (60 a second).
    const flooder = await connectPresence(app.url, room);
    attackers.push(flooder);
    flooder.join("Flooder");
    for (let i = 0; i < 2000; i++)
      flooder.send(update({ cursor: { x: Math.random(), y: Math.random() } }));

    // The good client still moves, and the watcher still sees it, at the spot it was sent.
    good.move(0.42, 0.24);
    const goodKey = await waitFor(() => good.received.find((m) => m.type === "sync")?.you, {
      message: "good client's sync",
    });
    await waitFor(() => watcher.received.some((m) => m.presence?.[goodKey]?.cursor?.x === 0.42), {
      message: "the watcher never saw the good client's cursor",
    });
    assert.ok(
      !good.received.some((m) => m.presence?.[goodKey]),
      "the good client's own cursor was echoed back",
    );

    const refused = await fetch(`${app.url}/parties/presence/${room}`, {
      method: "POST",
      body: "x".repeat(100_000),
    });
    assert.equal(refused.status, 405, "only GET");
    const { people, dropped } = await (await fetch(`${app.url}/parties/presence/${room}`)).json();
    assert.deepEqual(people.map((/** @type {{ name: string }} */ p) => p.name).sort(), [
      "Flooder",
      "Good",
      "Watcher",
    ]);
    assert.deepEqual(
      { tooLarge: dropped.tooLarge, invalid: dropped.invalid },
      { tooLarge: 6, invalid: frames.length - 6 },
      "every garbage frame was counted as dropped, for the right reason",
    );
    assert.ok(
      dropped.rateLimited > 1500,
      `rate-limited frames counted: ${JSON.stringify(dropped)}`,
    );

    // A newcomer is served as usual: a sync with everyone who joined, and nobody's garbage.
    const late = await connectPresence(app.url, room);
    const sync = await waitFor(() => late.received.find((m) => m.type === "sync"), {
      message: "newcomer's sync",
    });
    assert.deepEqual(
      Object.values(sync.people)
        .map((/** @type {any} */ p) => p.user.name)
        .sort(),
      ["Flooder", "Good", "Watcher"],
    );
    assert.deepEqual(sync.people[goodKey].presence, { cursor: { x: 0.42, y: 0.24 } });

    // Leaving still works after all that: everyone is gone within a second.
    for (const client of [good, watcher, late, ...attackers]) client.close();
    const here = async () =>
      (await (await fetch(`${app.url}/parties/presence/${room}`)).json()).people.length;
    await waitFor(async () => (await here()) === 0, {
      message: "people still listed after closing",
      timeout: 1000,
    });
  },
);

test(
  "a tab that reconnects with its id replaces the socket it left behind: no ghost",
  { timeout: 30_000 },
  async () => {
    const room = `ghost-${Date.now()}`;
    const watcher = await connectPresence(app.url, room);
    const stale = await connectPresence(app.url, room, { id: "tab-1" });
    stale.join("Ada");
    await waitFor(() => watcher.received.some((m) => m.add), {
      message: "the first socket's join",
    });
    const closed = new Promise((resolve) =>
      stale.socket.addEventListener("close", (event) => resolve(event.code)),
    );

    // The network came back and the tab reconnected, but the room never heard the old socket close.
    const fresh = await connectPresence(app.url, room, { id: "tab-1" });
    fresh.join("Ada");
    assert.equal(await closed, 4000);
    const here = async () =>
      (await (await fetch(`${app.url}/parties/presence/${room}`)).json()).people;
    await waitFor(async () => (await here()).length === 1, { message: "one Ada, not two" });
    assert.deepEqual(await here(), [{ name: "Ada", colour: "#38bdf8" }]);
    for (const client of [watcher, fresh]) client.close();
  },
);

test(
  "a room that hibernated wakes up with everyone, their cursors, and working leaves",
  { timeout: 90_000 },
  async () => {
    const room = `hibernate-${Date.now()}`;
    const ada = await connectPresence(app.url, room);
    ada.join("Ada");
    ada.move(0.1, 0.2);
    const bob = await connectPresence(app.url, room);
    bob.join("Bob");
    ada.send("not a message"); // counted in memory: the count starts again at 0 after a hibernation
    const status = async () => (await fetch(`${app.url}/parties/presence/${room}`)).json();
    await waitFor(async () => (await status()).dropped.invalid === 1, {
      message: "the bad frame was counted",
    });

    // The runtime evicts a room idle for about 10 s. Any request wakes it, so look less often than that.
    await waitFor(async () => (await status()).dropped.invalid === 0, {
      message: "the room never hibernated (its memory was never reset)",
      timeout: 50_000,
      interval: 12_000,
    });

    const late = await connectPresence(app.url, room);
    const sync = await waitFor(() => late.received.find((m) => m.type === "sync"), {
      message: "sync after waking",
    });
    const people = Object.values(sync.people).map((/** @type {any} */ p) => [
      p.user.name,
      p.presence.cursor,
    ]);
    assert.deepEqual(people.sort(), [
      ["Ada", { x: 0.1, y: 0.2 }],
      ["Bob", null],
    ]);

    ada.close();
    await waitFor(() => bob.received.some((m) => m.remove?.length === 1), {
      message: "Bob saw Ada leave",
      timeout: 1000,
    });
    for (const client of [bob, late]) client.close();
  },
);
