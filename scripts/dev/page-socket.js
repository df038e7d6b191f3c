// @ts-check
// The open pages' line to the dev server: a websocket, server to page only. (Server-sent events would
// hold one of the browser's six connections per host for each tab: the seventh tab would hang.)
import { createHash } from "node:crypto";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455

/**
 * Completes the handshake on `socket`; returns a function that sends text, or null for a bad request.
 * @param {import("node:http").IncomingMessage} req @param {import("node:stream").Duplex} socket
 */
export function acceptPageSocket(req, socket) {
  const key = req.headers["sec-websocket-key"];
  if (!key) {
    socket.destroy();
    return null;
  }
  const accept = createHash("sha1")
    .update(key + GUID)
    .digest("base64");
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  socket.on("error", () => socket.destroy());
  // Pages send nothing but a close frame (opcode 8) when they go: answer it and hang up.
  socket.on("data", (data) => {
    if ((data[0] & 0x0f) === 0x8) socket.end(frame(Buffer.alloc(0), 0x8));
  });
  return (/** @type {string} */ text) => {
    if (socket.writable) socket.write(frame(Buffer.from(text), 0x1));
  };
}

/** One unmasked, unfragmented frame. @param {Buffer} payload @param {number} opcode */
function frame(payload, opcode) {
  const n = payload.length;
  const size = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const header = Buffer.alloc(size);
  header[0] = 0x80 | opcode;
  header[1] = size === 2 ? n : size === 4 ? 126 : 127;
  if (size === 4) header.writeUInt16BE(n, 2);
  if (size === 10) header.writeBigUInt64BE(BigInt(n), 2);
  return Buffer.concat([header, payload]);
}
