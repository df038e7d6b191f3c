// @ts-check
// Stage 5's presence room on the wire: bytes per cursor update (msgpack, as sent, vs JSON of the same
// delta), and the frames a second each client receives while 50 cursors move in one room.
// Usage: node scripts/bench/presence.js [--cursors 50] [--seconds 5]
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { prepareStage, startApp } from "../stage-app.js";
import { connectPresence } from "../presence-socket.js";
import { waitFor } from "../wait-for.js";

const { values } = parseArgs({
  options: {
    cursors: { type: "string", default: "50" },
    seconds: { type: "string", default: "5" },
  },
});
const CURSORS = Number(values.cursors);
const SECONDS = Number(values.seconds);
const SEND_HZ = 30; // what the browser client sends at most

const app = await startApp(prepareStage(5));
try {
  await bytesPerUpdate();
  await manyCursors();
} finally {
  await app.stop();
}

/** One cursor moves once: the frame another client receives, and the same delta as JSON. */
async function bytesPerUpdate() {
  const room = `bench-one-${Date.now()}`;
  const [mover, viewer] = await Promise.all([
    connectPresence(app.url, room),
    connectPresence(app.url, room),
  ]);
  mover.join("Ada Lovelace");
  await waitFor(() => viewer.received.some((m) => m.add), { message: "join seen" });
  const before = viewer.received.length;
  mover.move(0.4321, 0.8765);
  await waitFor(() => viewer.received.length > before, { message: "move seen" });
  const msgpack = viewer.sizes.at(-1);
  const json = Buffer.byteLength(JSON.stringify(viewer.received.at(-1)));
  console.log(
    `one cursor update, one frame:  msgpack ${msgpack} B, JSON ${json} B of the same delta`,
  );
  mover.close();
  viewer.close();
}

/** CURSORS clients in one room, each moving at SEND_HZ: what each one receives. */
async function manyCursors() {
  const room = `bench-many-${Date.now()}`;
  /** @type {Awaited<ReturnType<typeof connectPresence>>[]} */
  const clients = [];
  for (let i = 0; i < CURSORS; i++) {
    const client = await connectPresence(app.url, room);
    client.join(`Cursor ${i}`);
    clients.push(client);
  }
  await waitFor(() => clients.every((c) => countPeople(c.received) === CURSORS), {
    message: "everyone sees everyone",
    timeout: 20_000,
  });

  const start = clients.map((c) => c.received.length);
  let step = 0;
  const started = performance.now();
  const ticker = setInterval(() => {
    step++;
    clients.forEach((client, i) =>
      client.move(frac(i * 0.02 + step * 0.003), frac(i * 0.013 + step * 0.005)),
    );
  }, 1000 / SEND_HZ);
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  clearInterval(ticker);
  const elapsed = (performance.now() - started) / 1000;

  let frames = 0,
    updates = 0,
    msgpack = 0,
    json = 0;
  clients.forEach((client, i) => {
    for (let f = start[i]; f < client.received.length; f++) {
      const message = client.received[f];
      frames++;
      updates += Object.keys(message.presence ?? {}).length;
      msgpack += client.sizes[f];
      json += Buffer.byteLength(JSON.stringify(message));
    }
  });
  const sent = step * CURSORS;
  console.log(
    `${CURSORS} cursors moving at ${SEND_HZ} Hz for ${elapsed.toFixed(1)} s (one room, loopback, generator on the same cores;`,
  );
  console.log(
    `  load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores: numbers drop when the machine is busy):`,
  );
  console.log(
    `  server frames per second per client: ${(frames / CURSORS / elapsed).toFixed(1)} (the room flushes at most 30)`,
  );
  console.log(`  cursor updates per frame: ${(updates / frames).toFixed(1)}`);
  console.log(
    `  moves superseded by a newer one before the room flushed (coalesced): ${(100 * (1 - updates / (sent * (CURSORS - 1)))).toFixed(0)}%`,
  );
  console.log(
    `  bytes per cursor update in those frames: msgpack ${(msgpack / updates).toFixed(1)} B, JSON ${(json / updates).toFixed(1)} B`,
  );
  console.log(
    `  per client: ${(msgpack / CURSORS / elapsed / 1024).toFixed(1)} KiB/s msgpack vs ${(json / CURSORS / elapsed / 1024).toFixed(1)} KiB/s as JSON`,
  );
  for (const client of clients) client.close();
}

/** How many people a client knows of, from its sync and changes so far. @param {any[]} received */
function countPeople(received) {
  const people = new Set();
  for (const message of received) {
    if (message.type === "sync") for (const key of Object.keys(message.people)) people.add(key);
    for (const key of Object.keys(message.add ?? {})) people.add(key);
    for (const key of message.remove ?? []) people.delete(key);
  }
  return people.size;
}

function frac(/** @type {number} */ value) {
  return Math.round((value % 1) * 1000) / 1000;
}
