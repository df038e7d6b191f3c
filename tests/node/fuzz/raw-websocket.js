// @ts-check
// A websocket client written by hand over node:net, for what no client library lets you do: send a
// frame cut off mid-header or mid-payload, break the protocol, and drop the socket without a close.
import { randomBytes } from "node:crypto";
import { connect } from "node:net";

/** @typedef {import("./random.js").Random} Random */

const OPCODE = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9 };

/**
 * Opens a websocket to `path` on `url` by hand. Resolves once the server has answered the upgrade;
 * `status` is 101 when it was accepted (else the socket is already closed). Fails after 10 s.
 * @param {string} url like http://127.0.0.1:1999 @param {string} path like /parties/chatroom/x
 */
export function openRawWebSocket(url, path) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.on("error", () => {}); // a reset is what some of these tests are for
  let buffer = Buffer.alloc(0);
  /** @type {number[]} */
  const closeCodes = []; // close codes the server sent
  /** @type {(Buffer)[]} */
  const messages = []; // payloads of the server's text and binary frames

  const readFrames = () => {
    // Server frames are never masked: [fin+opcode][length][extended length][payload].
    while (buffer.length >= 2) {
      const opcode = buffer[0] & 0x0f;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      const payload = buffer.subarray(offset, offset + length);
      if (opcode === OPCODE.close) closeCodes.push(length >= 2 ? payload.readUInt16BE(0) : 1005);
      else if (opcode === OPCODE.text || opcode === OPCODE.binary) messages.push(payload);
      buffer = buffer.subarray(offset + length);
    }
  };

  return new Promise((resolve, reject) => {
    let head = "";
    socket.once("connect", () =>
      socket.write(
        [
          `GET ${path} HTTP/1.1`,
          `Host: ${hostname}:${port}`,
          "Upgrade: websocket",
          "Connection: Upgrade",
          `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
          "Sec-WebSocket-Version: 13",
          "",
          "",
        ].join("\r\n"),
      ),
    );
    socket.once("close", () => reject(new Error(`${path}: closed during the upgrade`)));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${path}: no answer to the upgrade in 10 s`));
    }, 10_000);
    const onHead = (/** @type {Buffer} */ chunk) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.off("data", onHead);
      clearTimeout(timer);
      buffer = Buffer.from(head.slice(end + 4), "latin1");
      socket.on("data", (/** @type {Buffer} */ data) => {
        buffer = Buffer.concat([buffer, data]);
        readFrames();
      });
      readFrames();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      if (status !== 101) socket.destroy();
      resolve({
        status,
        socket,
        closeCodes,
        messages,
        /** Writes bytes as they are: a whole frame, part of one, or garbage. */
        write: (/** @type {Uint8Array} */ bytes) =>
          new Promise((done) => (socket.destroyed ? done(false) : socket.write(bytes, done))),
        /** Drops the connection with no close frame: a FIN, or a reset (RST) like a crashed tab. */
        drop: (/** @type {"end" | "reset"} */ how = "end") =>
          how === "reset" ? socket.resetAndDestroy() : socket.destroy(),
      });
    };
    socket.on("data", onHead);
  });
}

/**
 * One websocket frame as a client sends it: masked, FIN set, one fragment.
 * @param {Uint8Array | string} payload
 * @param {{ opcode?: number, fin?: boolean, rsv?: number, masked?: boolean, declaredLength?: number }} [options]
 *   declaredLength: a length in the header that differs from the payload's (a lie, or a cut frame)
 */
export function encodeFrame(payload, options = {}) {
  const { opcode = OPCODE.text, fin = true, rsv = 0, masked = true } = options;
  const body = typeof payload === "string" ? Buffer.from(payload) : Buffer.from(payload);
  const length = options.declaredLength ?? body.length;
  const mask = masked ? 0x80 : 0;
  /** @type {Buffer} */
  let header;
  if (length < 126) header = Buffer.from([0, mask | length]);
  else if (length < 65536) {
    header = Buffer.alloc(4);
    header[1] = mask | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = mask | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  header[0] = (fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xf);
  if (!masked) return Buffer.concat([header, body]);
  const key = randomBytes(4);
  return Buffer.concat([header, key, body.map((byte, i) => byte ^ key[i % 4])]);
}

/**
 * Ways to leave a server mid-frame, or mid-protocol. Each returns the bytes to write before the
 * socket is dropped; `payload` is a frame the party would otherwise accept.
 * @param {Random} random @param {Uint8Array | string} payload @param {number} opcode
 */
export function abruptEnding(random, payload, opcode) {
  const whole = encodeFrame(payload, { opcode });
  return random.pick([
    () => whole.subarray(0, 1), // half a header
    () => whole.subarray(0, random.int(2, Math.min(6, whole.length - 1))), // header, part of the mask
    () => whole.subarray(0, random.int(6, whole.length - 1)), // part of the payload
    () => encodeFrame(payload, { opcode, declaredLength: 2 ** 40 }).subarray(0, 30), // claims 1 TB
    () => encodeFrame(payload, { opcode, fin: false }), // first fragment of a message never finished
    () => Buffer.concat([whole, whole.subarray(0, random.int(1, whole.length - 1))]), // one whole, one cut
    () => encodeFrame(Uint8Array.of(0xff, 0xfe, 0xc0, 0x80), { opcode: OPCODE.text }), // text, not UTF-8
    () => encodeFrame(payload, { opcode, masked: false }), // clients must mask
    () => encodeFrame(payload, { opcode, rsv: 0b100 }), // an extension nobody agreed on
    () => encodeFrame(payload, { opcode: 0x3 }), // a reserved opcode
    () => encodeFrame("x".repeat(200), { opcode: OPCODE.ping }), // a control frame over 125 bytes
    () => Buffer.alloc(0), // nothing at all after the upgrade
  ])();
}
