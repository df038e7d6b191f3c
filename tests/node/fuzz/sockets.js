// @ts-check
// Plain WebSocket clients for the fuzz suite (Node 20 needs --experimental-websocket; npm test sets it).

if (typeof WebSocket !== "function")
  throw new Error("run node with --experimental-websocket (Node 20)");

/** Close codes that mean the server failed, not that it refused. */
export const CRASH_CLOSE_CODES = [1011];

/**
 * Opens `path` on `url` (http://host:port) and resolves once it is open; keeps every frame.
 * @param {string} url @param {string} path @param {{ binary?: boolean }} [options]
 */
export async function openSocket(url, path, { binary = false } = {}) {
  const ws = new WebSocket(url.replace(/^http/, "ws") + path);
  if (binary) ws.binaryType = "arraybuffer";
  /** @type {(string | ArrayBuffer)[]} */
  const frames = [];
  /** @type {number | null} */
  let closeCode = null;
  /** @type {Set<() => void>} */
  const waiting = new Set();
  const wake = () => waiting.forEach((check) => check());
  ws.addEventListener("message", (event) => (frames.push(event.data), wake()));
  ws.addEventListener("close", (event) => ((closeCode = event.code), wake()));
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error(`cannot open ${path} on ${url}`)), {
      once: true,
    });
  });
  return {
    ws,
    frames,
    closeCode: () => closeCode,
    /**
     * Resolves when `check()` is true, checked on every frame and on close; false after `timeout` ms.
     * @param {() => boolean} check @param {number} [timeout]
     */
    until(check, timeout = 10_000) {
      if (check()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (/** @type {boolean} */ ok) => {
          clearTimeout(timer);
          waiting.delete(test);
          resolve(ok);
        };
        const test = () => check() && done(true);
        const timer = setTimeout(() => done(false), timeout);
        waiting.add(test);
      });
    },
    close: () => ws.readyState === WebSocket.OPEN && ws.close(),
  };
}
/** @typedef {Awaited<ReturnType<typeof openSocket>>} Socket */
