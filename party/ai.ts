// Which AI answers in the rooms, and how we ask it. Runs inside the chatroom party (workerd).
import OpenAI from "openai";
import type * as Party from "partykit/server";
import type { Message } from "./chatroom.schema";
import { AI_NAME } from "./user.schema";

const OFFLINE_MODEL = "offline-demo-model"; // scripts/local-ai, started by `npm run dev`
const OPENAI_DEFAULT_MODEL = "gpt-4.1-mini"; // small, cheap and current
const CONTEXT_MESSAGES = 20;
const MAX_REPLY_TOKENS = 300;
const DELTAS_PER_SECOND = 20; // text reaches the room in coalesced deltas, not one frame a token

export type Ai = {
  client: OpenAI;
  /** Resolves the model to ask (a local server names its own when OPENAI_MODEL is unset). */
  model: () => Promise<string>;
  /** Said plainly in the room: which model is answering. */
  label: string;
  /** Milliseconds without a token before a reply is given up. */
  timeoutMs: number;
  mode: "every" | "mention" | "judge";
};

type Env = Record<string, unknown>;
const read = (env: Env, name: string) =>
  typeof env[name] === "string" && env[name] ? (env[name] as string) : undefined;

/** OPENAI_BASE_URL (any OpenAI-compatible server), else OpenAI with OPENAI_API_KEY, else none. */
export function connectAi(env: Env): Ai | null {
  const baseURL = read(env, "OPENAI_BASE_URL");
  const apiKey = read(env, "OPENAI_API_KEY");
  if (!baseURL && !apiKey) return null;

  // No retries: one upstream request per user message, and a failure shows at once.
  const client = new OpenAI({ baseURL, apiKey: apiKey ?? "not-needed", maxRetries: 0 });
  const configured = read(env, "OPENAI_MODEL") ?? (baseURL ? undefined : OPENAI_DEFAULT_MODEL);
  let named: Promise<string> | undefined;
  const model = () =>
    configured
      ? Promise.resolve(configured)
      : (named ??= client.models.list().then((page) => page.data[0].id));

  const host = baseURL ? new URL(baseURL).host : "OpenAI";
  const where = `${configured ?? "the model"} at ${host}`;
  const label = configured === OFFLINE_MODEL ? "offline demo model" : where;
  const mode = read(env, "AI_REPLY");
  return {
    client,
    model,
    label,
    timeoutMs: Number(read(env, "AI_TIMEOUT_MS") ?? 30_000),
    mode: mode === "mention" || mode === "judge" ? mode : "every",
  };
}

export type Prompt = ReturnType<typeof buildPrompt>;
type Usage = NonNullable<Message["usage"]>;

/** An AI reply as it starts: empty and streaming, so everyone sees the AI typing. */
export function newReply(ai: Ai, createdAt: number): Message {
  return {
    id: crypto.randomUUID(),
    body: "",
    user: { name: AI_NAME },
    role: "assistant",
    createdAt,
    status: "streaming",
    model: ai.label,
  };
}

/** Names of the people connected to `room` now, as their messages told it. */
export function peopleIn(room: Party.Room) {
  const names = [...room.getConnections<{ name: string }>()].map((c) => c.state?.name);
  return [...new Set(names.filter((name) => name !== undefined))];
}

/** The system prompt and the recent conversation, as chat-completion messages. */
export function buildPrompt(room: string, people: string[], history: Message[]) {
  const system = [
    `You are ${AI_NAME}, a friendly participant in the chat room #${room}.`,
    `People here now: ${people.length ? people.join(", ") : "nobody else"}.`,
    "Reply briefly, in plain text, to the latest messages.",
  ].join(" ");
  const recent = history.filter((m) => m.status !== "error" && m.body).slice(-CONTEXT_MESSAGES);
  return [
    { role: "system" as const, content: system },
    ...recent.map((m) =>
      m.role === "assistant"
        ? { role: "assistant" as const, content: m.body }
        : { role: "user" as const, content: `${m.user.name}: ${m.body}` },
    ),
  ];
}

/** AI_REPLY: "every" message (the default), only "@ai" ("mention"), or a cheap call's "judge". */
export async function shouldReply(ai: Ai, history: Message[]): Promise<boolean> {
  const latest = history.findLast((m) => m.role === "user");
  if (!latest) return false;
  if (ai.mode === "every" || /@ai\b/i.test(latest.body)) return true;
  if (ai.mode === "mention") return false;
  const verdict = await ai.client.chat.completions.create({
    model: await ai.model(),
    max_tokens: 3,
    messages: [
      ...buildPrompt("this room", [], history).slice(1),
      { role: "system", content: "Should the AI interject now? Answer INTERJECT or QUIET only." },
    ],
  });
  return /INTERJECT/i.test(verdict.choices[0]?.message.content ?? "");
}

/**
 * Streams one reply: `onText` gets new text at most DELTAS_PER_SECOND times a second. No throws:
 * a failure comes back as `error`, a sentence for the room. When the provider reports no usage, it
 * is estimated; a reply that failed before any text cost nothing. `stop` ends it early: the
 * provider is hung up on, and that is no error.
 */
export async function streamReply(
  ai: Ai,
  prompt: Prompt,
  { onText, stop }: { onText: (text: string) => void; stop?: AbortSignal },
): Promise<{ model: string; usage?: Usage; error?: string }> {
  let model = "unknown";
  let text = "";
  let unsent = "";
  let usage: Usage | undefined;
  let error: string | undefined;
  const flush = () => {
    if (unsent) onText(unsent);
    unsent = "";
  };
  const ticker = setInterval(flush, 1000 / DELTAS_PER_SECOND);
  // Give up when the provider is silent for too long (a stalled server, a cut stream).
  const abort = new AbortController();
  let idle = setTimeout(() => abort.abort(), ai.timeoutMs);
  stop?.addEventListener("abort", () => abort.abort()); // hangs up on the provider
  if (stop?.aborted) abort.abort(); // stopped before it started
  try {
    model = await ai.model();
    const stream = await ai.client.chat.completions.create(
      {
        model,
        messages: prompt,
        max_tokens: MAX_REPLY_TOKENS,
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal: abort.signal },
    );
    for await (const chunk of stream) {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(), ai.timeoutMs);
      const delta = chunk.choices[0]?.delta?.content ?? "";
      text += delta;
      unsent += delta;
      if (chunk.usage) {
        const { prompt_tokens, completion_tokens } = chunk.usage;
        usage = { promptTokens: prompt_tokens, completionTokens: completion_tokens };
      }
    }
    if (abort.signal.aborted) throw new Error("stalled"); // the SDK ends an aborted stream quietly
  } catch (caught) {
    if (!stop?.aborted) error = describeError(caught, abort.signal.aborted, ai.timeoutMs);
  } finally {
    clearInterval(ticker);
    clearTimeout(idle);
  }
  flush();
  if (!usage && text) {
    const promptTokens = estimateTokens(prompt.map((m) => m.content).join("\n"));
    usage = { promptTokens, completionTokens: estimateTokens(text) };
  }
  return { model, usage, error };
}

/** A rough count for providers that report no usage: about four characters a token. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/** A short reason everyone in the room can read. */
function describeError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `the AI did not answer within ${Math.round(timeoutMs / 1000)} s`;
  if (error instanceof OpenAI.APIConnectionError) return "could not reach the AI provider";
  if (error instanceof OpenAI.AuthenticationError)
    return "the AI provider refused the API key (401)";
  if (error instanceof OpenAI.APIError)
    return `the AI provider failed (${error.status ?? "stream cut"})`;
  return "the AI reply was cut off";
}
