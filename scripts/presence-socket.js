// @ts-check
// A raw presence client for node tests and benchmarks: a plain WebSocket, msgpack frames, every frame kept.
import { FLOAT32_OPTIONS, Packr } from "msgpackr";

// The options party/presence.schema.ts packs with: floats travel as 32 bits, rounded back on decoding.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND,
});
const pack = (/** @type {unknown} */ value) => packr.pack(value);

// Node 22 has a global WebSocket; Node 20 needs --experimental-websocket (npm test and npm run bench set it).
if (typeof WebSocket !== "function")
  throw new Error("run node with --experimental-websocket (Node 20)");

/**
 * Opens /parties/presence/<room> on `url` and resolves once it is open.
 * @param {string} url @param {string} room @param {{ id?: string }} [options]
 */
export async function connectPresence(url, room, { id } = {}) {
  const query = id ? `?_pk=${encodeURIComponent(id)}` : "";
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/parties/presence/${room}${query}`);
  socket.binaryType = "arraybuffer";
  /** @type {any[]} */
  const received = []; // decoded server frames, oldest first
  /** @type {number[]} */
  const sizes = []; // their sizes on the wire, in bytes
  socket.addEventListener("message", (event) => {
    sizes.push(event.data.byteLength);
    received.push(packr.unpack(new Uint8Array(event.data)));
  });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", () =>
      reject(new Error(`cannot connect to the presence room ${room} on ${url}`)),
    );
  });
  return {
    socket,
    received,
    sizes,
    /** Sends a message as msgpack (or a string / bytes as they are). @param {unknown} message */
    send: (message) =>
      socket.send(
        typeof message === "string" || message instanceof Uint8Array ? message : pack(message),
      ),
    join: (/** @type {string} */ name) =>
      socket.send(pack({ type: "join", user: { name, colour: "#38bdf8" } })),
    move: (/** @type {number} */ x, /** @type {number} */ y) =>
      socket.send(pack({ type: "update", presence: { cursor: { x, y } } })),
    close: () => socket.close(),
  };
}
