import type * as Party from "partykit/server";
import {
  MAX_REPLY_TOKENS,
  buildPrompt,
  connectAi,
  describeError,
  estimateTokens,
  shouldReply,
  type Ai,
} from "./ai";
import { ClientMessageSchema, LIMITS, type Message, type ServerMessage } from "./chatroom.schema";
import { RateLimiter } from "./rate-limit";
import { addressOf, overCap, refuseUnknownRequest, refuseUnknownRoom } from "./room-guard";
import { AI_NAME } from "./user.schema";
import { reportUsage } from "./usage-report";

// Each message is stored under its own key, so a new message is one small write
// and `storage.list()` returns them in order.
const PREFIX = "message:";
const storageKey = (message: Message) =>
  `${PREFIX}${String(message.createdAt).padStart(15, "0")}:${message.id}`;
// AI text is sent as coalesced deltas, at most this many frames a second per room.
const DELTAS_PER_SECOND = 20;

export default class ChatRoomServer implements Party.Server {
  messages: Message[] = []; // oldest first, at most LIMITS.history
  limiter = new RateLimiter(3, 10); // messages per second per connection, burst
  ai: Ai | null;
  replies = Promise.resolve(); // one AI reply at a time
  replyQueued = false;

  constructor(readonly room: Party.Room) {
    this.ai = connectAi(room.env);
  }

  async onStart() {
    const stored = await this.room.storage.list<Message>({ prefix: PREFIX });
    this.messages = [...stored.values()];
    // A reply that was streaming when the room stopped will never finish: say so.
    for (const message of this.messages.filter((m) => m.status === "streaming")) {
      Object.assign(message, { status: "error", error: "interrupted: the room restarted" });
      await this.save(message);
    }
  }

  // Only listed rooms exist: anything else is a 404 before the room or its storage is made.
  static onBeforeConnect(request: Party.Request, lobby: Party.Lobby) {
    return refuseUnknownRoom(lobby) ?? request;
  }

  static onBeforeRequest(request: Party.Request, lobby: Party.Lobby) {
    return refuseUnknownRequest(request, lobby);
  }

  getConnectionTags(_connection: Party.Connection, ctx: Party.ConnectionContext) {
    return [addressOf(ctx.request)];
  }

  onConnect(connection: Party.Connection, ctx: Party.ConnectionContext) {
    if (overCap(this.room, ctx.request)) {
      send(connection, { type: "error", code: "too_many", message: "too many tabs open here" });
      return connection.close(1008, "too many connections from one address");
    }
    send(connection, { type: "history", messages: this.messages, ai: this.ai?.label ?? null });
  }

  onClose(connection: Party.Connection) {
    this.limiter.forget(connection.id);
  }

  async onMessage(raw: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection) {
    const reject = (
      code: Extract<ServerMessage, { type: "error" }>["code"],
      message: string,
      id?: string,
    ) => send(sender, { type: "error", code, message, id });

    if (typeof raw !== "string") return reject("invalid", "send JSON text frames");
    if (raw.length > LIMITS.frameBytes)
      return reject("too_large", `frames are at most ${LIMITS.frameBytes} bytes`);
    if (!this.limiter.take(sender.id))
      return reject("rate_limited", "slow down: too many messages");

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return reject("bad_json", "the frame is not valid JSON");
    }
    const result = ClientMessageSchema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      return reject("invalid", `${issue.path.join(".") || "frame"}: ${issue.message}`, idOf(json));
    }

    const { message } = result.data;
    if (this.messages.some((m) => m.id === message.id)) {
      return reject("duplicate_id", `a message with id ${message.id} exists`, message.id);
    }
    sender.setState({ name: message.user.name }); // who is here, for the AI's prompt
    const saved: Message = { ...message, role: "user", createdAt: this.now() };
    await this.add(saved);
    this.requestReply();
  }

  // GET /parties/chatroom/<room>: the transcript.
  async onRequest(request: Party.Request) {
    // workerd resets a connection whose request body is left unread, even a GET's
    await request.arrayBuffer();
    if (request.method === "GET") return Response.json({ messages: this.messages });
    return new Response("Method not allowed", { status: 405, headers: { Allow: "GET" } });
  }

  /** Queues an AI reply. A message that arrives while one is queued is answered by that same reply. */
  requestReply() {
    const ai = this.ai;
    if (!ai || this.replyQueued) return;
    this.replyQueued = true;
    this.replies = this.replies
      .then(async () => {
        this.replyQueued = false;
        const latest = this.messages.findLast((m) => m.role === "user");
        if (latest && (await shouldReply(ai, latest, this.messages).catch(() => false)))
          await this.reply(ai);
      })
      .catch((error) => console.error("AI reply failed", error)); // the next message still gets one
  }

  /** Streams one AI reply into the room: a placeholder now, coalesced deltas, then the final message. */
  async reply(ai: Ai) {
    const prompt = buildPrompt(this.room.id, this.people(), this.messages);
    const reply: Message = {
      id: crypto.randomUUID(),
      body: "",
      user: { name: AI_NAME },
      role: "assistant",
      createdAt: this.now(),
      status: "streaming",
      model: ai.label,
    };
    await this.add(reply); // everyone sees the AI typing

    let unsent = "";
    let savedAt = Date.now();
    const flush = () => {
      if (!unsent) return;
      reply.body += unsent;
      this.broadcast({ type: "delta", id: reply.id, text: unsent });
      unsent = "";
      // Keep the partial text, so a restart mid-reply loses little.
      if (Date.now() - savedAt > 1000) {
        savedAt = Date.now();
        void this.save(reply);
      }
    };
    const ticker = setInterval(flush, 1000 / DELTAS_PER_SECOND);
    // Give up when the provider is silent for too long (a stalled server, a cut stream).
    const abort = new AbortController();
    let idle = setTimeout(() => abort.abort(), ai.timeoutMs);
    let model = "unknown";
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
        unsent += chunk.choices[0]?.delta?.content ?? "";
        if (chunk.usage) {
          reply.usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
          };
        }
      }
      reply.status = "done";
    } catch (error) {
      Object.assign(reply, {
        status: "error",
        error: describeError(error, abort.signal.aborted, ai.timeoutMs),
      });
    } finally {
      clearInterval(ticker);
      clearTimeout(idle);
    }
    flush();
    // Providers that report no usage get an estimate; a reply that failed before any text cost nothing.
    if (!reply.usage && reply.body) {
      const promptText = prompt.map((m) => m.content).join("\n");
      reply.usage = {
        promptTokens: estimateTokens(promptText),
        completionTokens: estimateTokens(reply.body),
      };
    }
    await this.save(reply);
    this.broadcast({ type: "update", message: reply });
    // Party to party, once the reply is saved. Not awaited: a slow or down usage party never holds up the room.
    if (reply.usage) void reportUsage(this.room, { room: this.room.id, model, ...reply.usage });
  }

  /** Names of the people connected now, as their messages told us. */
  people() {
    const names = new Set<string>();
    for (const connection of this.room.getConnections<{ name: string }>()) {
      if (connection.state?.name) names.add(connection.state.name);
    }
    return [...names];
  }

  /** Keeps, stores and broadcasts a new message (the sender's copy is its acknowledgement). */
  async add(message: Message) {
    this.messages.push(message);
    this.broadcast({ type: "update", message });
    await this.save(message);
    const dropped = this.messages.splice(0, Math.max(0, this.messages.length - LIMITS.history));
    if (dropped.length) await this.room.storage.delete(dropped.map(storageKey));
  }

  save(message: Message) {
    return this.room.storage.put(storageKey(message), message);
  }

  broadcast(message: ServerMessage) {
    this.room.broadcast(JSON.stringify(message));
  }

  /** Milliseconds, strictly increasing, so storage keys keep the order of arrival. */
  now() {
    return Math.max(Date.now(), (this.messages.at(-1)?.createdAt ?? 0) + 1);
  }
}

function send(connection: Party.Connection, message: ServerMessage) {
  connection.send(JSON.stringify(message));
}

function idOf(json: unknown): string | undefined {
  const id = (json as { message?: { id?: unknown } } | null)?.message?.id;
  return typeof id === "string" ? id.slice(0, 64) : undefined;
}

ChatRoomServer satisfies Party.Worker;
