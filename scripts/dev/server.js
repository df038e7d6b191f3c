// @ts-check
// The address the presenter opens. It serves public/ from disk, the live-reload script and its
// socket under /__dev/, and passes everything else (pages, parties, websockets) to partykit dev on
// its private port. Pages wait here while a build or a runtime restart is under way, so a reload
// never meets a half-started server, and the HTML it passes on gains one <script> that no build holds.
import { createReadStream, existsSync, statSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import { connect } from "node:net";
import { extname, isAbsolute, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { acceptPageSocket } from "./page-socket.js";

const CLIENT = fileURLToPath(new URL("./live-reload.browser.js", import.meta.url));
const TYPES = /** @type {Record<string, string>} */ ({
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
});

/**
 * @param {{ root: string, state: ReturnType<typeof import("./dev-state.js").createDevState>,
 *   backend: () => Promise<number>, unavailable: () => string | null,
 *   log: (line: string) => void }} options
 */
export function createDevServer({ root, state, backend, unavailable, log }) {
  const agent = new Agent({ keepAlive: true });
  let lastComplaint = 0;
  const server = createServer(async (req, res) => {
    const path = pathOf(req);
    if (path === "/__dev/client.js") return sendFile(res, CLIENT, "no-cache");
    const file = join(root, "public", normalize(path));
    if ((req.method === "GET" || req.method === "HEAD") && isFileIn(file, join(root, "public")))
      return sendFile(res, file, path.startsWith("/build/") ? "immutable" : "no-cache");
    // A page waits for the build in flight, so it is never served from code older than the files.
    if (req.headers["sec-fetch-dest"] === "document" || req.headers.accept?.includes("text/html"))
      await state.settled();
    const reason = unavailable();
    if (reason) {
      res.writeHead(503, { "content-type": "text/html; charset=utf-8" });
      return void res.end(injectClient(`<!doctype html><body><p>dev: ${reason}</p></body>`, ""));
    }
    forward(req, res, 0);
  });

  /** @param {import("node:http").IncomingMessage} req @param {import("node:http").ServerResponse} res @param {number} attempt */
  async function forward(req, res, attempt) {
    const port = await backend();
    // Uncompressed: the page gets a <script> added, and loopback gains nothing from gzip.
    const { "accept-encoding": _, ...headers } = req.headers;
    const upstream = request(
      { host: "127.0.0.1", port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        const headers = { ...answer.headers };
        if (!String(headers["content-type"]).startsWith("text/html")) {
          res.writeHead(answer.statusCode ?? 502, headers);
          return void answer.pipe(res);
        }
        const chunks = /** @type {Buffer[]} */ ([]);
        answer.on("data", (chunk) => chunks.push(chunk));
        answer.on("end", () => {
          const html = injectClient(Buffer.concat(chunks).toString("utf8"), state.get().generation);
          delete headers["content-length"];
          delete headers["transfer-encoding"];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(html);
        });
      },
    );
    upstream.on("error", (error) => {
      // workerd restarts in a blink on every reload: a GET simply tries again once it is back.
      if ((req.method === "GET" || req.method === "HEAD") && attempt < 20 && !res.headersSent)
        return void setTimeout(() => forward(req, res, attempt + 1), 100 * attempt);
      // partykit dev keeps running when its runtime dies (a crash, too many open files): say so.
      if (Date.now() - lastComplaint > 10_000) {
        lastComplaint = Date.now();
        log(
          `✖ dev: the PartyKit runtime does not answer (${error.message}); if it lasts, restart npm run dev`,
        );
      }
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`dev: the PartyKit runtime did not answer (${error.message}); see the terminal`);
    });
    if (req.method === "GET" || req.method === "HEAD") upstream.end();
    else req.pipe(upstream);
  }

  // Websockets (partysocket): a raw pipe to the runtime. When it restarts, the socket closes and
  // partysocket reconnects by itself.
  server.on("upgrade", async (req, socket, head) => {
    if (pathOf(req) === "/__dev/socket") return followState(req, socket);
    socket.on("error", () => socket.destroy());
    const upstream = connect(await backend(), "127.0.0.1", () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("close", () => upstream.destroy());
    upstream.on("close", () => socket.destroy());
  });

  /** A page's socket: the state now, then every change. @param {import("node:http").IncomingMessage} req @param {import("node:stream").Duplex} socket */
  function followState(req, socket) {
    const send = acceptPageSocket(req, socket);
    if (!send) return;
    send(JSON.stringify(state.get()));
    const unsubscribe = state.subscribe((s) => send(JSON.stringify(s)));
    socket.on("close", unsubscribe);
  }

  return server;
}

/** The live-reload script goes last in <body>: React 18 tolerates extra nodes there when it hydrates. */
export function injectClient(/** @type {string} */ html, /** @type {string} */ generation) {
  const tag = `<script src="/__dev/client.js" data-generation="${generation}"></script>`;
  const at = html.lastIndexOf("</body>");
  return at < 0 ? html + tag : html.slice(0, at) + tag + html.slice(at);
}

/** The request's path, decoded (as typed, when it does not decode). @param {import("node:http").IncomingMessage} req */
function pathOf(req) {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

/** @param {string} file @param {string} dir */
function isFileIn(file, dir) {
  const inside = relative(dir, file);
  if (!inside || inside.startsWith("..") || isAbsolute(inside)) return false;
  return existsSync(file) && statSync(file).isFile();
}

/** @param {import("node:http").ServerResponse} res @param {string} file @param {"immutable" | "no-cache"} cache */
function sendFile(res, file, cache) {
  res.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "cache-control": cache === "immutable" ? "public, max-age=31536000, immutable" : "no-cache",
  });
  createReadStream(file).pipe(res);
}
