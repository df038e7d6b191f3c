// @ts-check
// The AI provider test rooms talk to: a real HTTP server on loopback that answers with our offline
// model (scripts/local-ai), or fails the ways a real provider can and OpenAI cannot be made to on demand.
import { createServer as createHttpServer } from "node:http";
import { once } from "node:events";
import { createServer } from "../../scripts/local-ai/server.js";
import { loadCorpus } from "../../scripts/local-ai/corpus.js";
import { createNgramModel } from "../../scripts/local-ai/ngram-model.js";
import { ROOT } from "../../scripts/stage-app.js";

/** @typedef {"local" | "slow" | "down" | "unauthorized" | "stalling"} ProviderMode */

export async function startProvider() {
  const model = createNgramModel({ text: loadCorpus(ROOT).text });
  // Not listening themselves: the front server hands them requests.
  const local = createServer({ model, delayMs: 15 });
  const slow = createServer({ model, delayMs: 150 });
  let requests = 0;
  local.on("generation-start", () => requests++);
  slow.on("generation-start", () => requests++);

  /** @type {ProviderMode} */
  let mode = "local";
  const front = createHttpServer((req, res) => {
    if (mode === "local" || mode === "slow")
      return (mode === "local" ? local : slow).emit("request", req, res);
    requests++;
    if (mode === "stalling") return; // accept, then never answer
    res.writeHead(401, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        error: {
          message: "Incorrect API key provided",
          type: "invalid_request_error",
          code: "invalid_api_key",
        },
      }),
    );
  });
  front.listen(0, "127.0.0.1");
  await once(front, "listening");
  const { port } = /** @type {import("node:net").AddressInfo} */ (front.address());

  const close = () => new Promise((resolve) => (front.closeAllConnections(), front.close(resolve)));
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    model: model.id,
    requests: () => requests,
    /** "down" stops listening, so connections are refused; any other mode listens again on the same port. */
    async setMode(/** @type {ProviderMode} */ next) {
      if (next === "down" && front.listening) await close();
      if (next !== "down" && !front.listening) {
        front.listen(port, "127.0.0.1");
        await once(front, "listening");
      }
      mode = next;
    },
    close: async () => void (front.listening && (await close())),
  };
}
