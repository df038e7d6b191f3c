// @ts-check
import { createServer } from "node:net";

/** A port the OS says is free right now (for our own children: they retry if another process wins it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

export class DevError extends Error {
  /** @param {string} message @param {string} code */
  constructor(message, code) {
    super(message);
    this.name = "DevError";
    this.code = code;
  }
}

/**
 * Listens on `port`, on every interface (so phones on the same network can join); when the user did
 * not ask for that port and it is busy, on the next free one.
 * @param {import("node:http").Server} server @param {number} port @param {boolean} strict
 */
export async function listen(server, port, strict) {
  for (let candidate = port; ; candidate++) {
    const error = await new Promise((resolve) => {
      server.once("error", resolve);
      server.listen(candidate, () => (server.off("error", resolve), resolve(null)));
    });
    if (!error) return /** @type {import("node:net").AddressInfo} */ (server.address()).port;
    const code = /** @type {NodeJS.ErrnoException} */ (error).code;
    if (code !== "EADDRINUSE") throw error;
    if (strict || candidate - port >= 20)
      throw new DevError(
        `port ${candidate} is busy (another npm run dev?): stop it, or run PORT=${candidate + 1} npm run dev`,
        "PORT_BUSY",
      );
  }
}
