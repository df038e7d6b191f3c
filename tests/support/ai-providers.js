// @ts-check
// The AI provider test rooms talk to: a real HTTP server on loopback that answers with our offline
// model (scripts/local-ai) or a scripted reply, or fails the ways a real provider can and OpenAI
// cannot be made to on demand. It records how each generation ended, so a test can see a hang-up.
import { createServer as createHttpServer } from "node:http";
import { once } from "node:events";
import { createServer } from "../../scripts/local-ai/server.js";
import { loadCorpus } from "../../scripts/local-ai/corpus.js";
import { createNgramModel } from "../../scripts/local-ai/ngram-model.js";
import { ROOT } from "../../scripts/stage-app.js";

/** @typedef {"local" | "slow" | "scripted" | "down" | "unauthorized" | "stalling"} ProviderMode */
/** @typedef {import("../../scripts/local-ai/server.js").GenerationEnd["outcome"]} Outcome */

export async function startProvider() {
  const model = createNgramModel({ text: loadCorpus(ROOT).text });
  // Not listening themselves: the front server hands them requests.
  const local = createServer({ model, delayMs: 15 });
  const slow = createServer({ model, delayMs: 150 });
  let script = "";
  const scripted = createServer({ model: scriptedModel(model.id, () => script), delayMs: 100 });
  let requests = 0;
  /** @type {Outcome[]} */
  const outcomes = [];
  for (const server of [local, slow, scripted]) {
    server.on("generation-start", () => requests++);
    server.on("generation-end", (/** @type {{ outcome: Outcome }} */ end) =>
      outcomes.push(end.outcome),
    );
  }

  /** @type {ProviderMode} */
  let mode = "local";
  const front = createHttpServer((req, res) => {
    if (mode === "local" || mode === "slow" || mode === "scripted")
      return { local, slow, scripted }[mode].emit("request", req, res);
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
    /** How each generation so far ended: "stop", "length", or "aborted" when the client hung up. */
    outcomes: () => [...outcomes],
    /** From now on each reply is `text`, a word every 100 ms (mode "scripted"). */
    scriptReply(/** @type {string} */ text) {
      script = text;
      mode = "scripted";
    },
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

/**
 * A model that says what a test wrote, a word at a time, and honours max_tokens (a word a token).
 * @param {string} id @param {() => string} text
 * @returns {import("../../scripts/local-ai/chat-model.js").ChatModel}
 */
function scriptedModel(id, text) {
  return {
    id,
    description: "scripted test model",
    countTokens: (words) => words.split(/\s+/).filter(Boolean).length,
    async *generate(_messages, { maxTokens = Infinity } = {}) {
      const words = text().match(/\s*\S+/g) ?? [];
      for (const word of words.slice(0, maxTokens)) yield word;
      return words.length > maxTokens ? "length" : "stop";
    },
  };
}
