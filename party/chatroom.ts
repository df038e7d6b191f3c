import type * as Party from "partykit/server";
import { buildPrompt, connectAi, newReply, peopleIn, shouldReply, streamReply } from "./ai";
import type { Ai } from "./ai";
import { AiTurns } from "./ai-turns";
import { spendReply } from "./ai-budget";
import { LIMITS, parseClientFrame, refusal } from "./chatroom.schema";
import type { Message, ServerMessage } from "./chatroom.schema";
import { refuseMethod } from "./http";
import { RateLimiter } from "./rate-limit";
import { addressOf, overCap, onlyListedRooms, refuseUnknownRequest } from "./room-guard";
import { reportUsage, tokensSpent } from "./usage-report";

// Each message is stored under its own key, so a new message is one small write
// and `storage.list()` returns them in order.
const PREFIX = "message:";
const storageKey = (m: Message) => `${PREFIX}${String(m.createdAt).padStart(15, "0")}:${m.id}`;

export default class ChatRoomServer implements Party.Server {
  messages: Message[] = []; // oldest first, at most LIMITS.history
  limiter = new RateLimiter(3, 10); // messages per second per connection, burst
  ai: Ai | null;
  turns = new AiTurns(); // one AI reply at a time

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
  static onBeforeConnect = onlyListedRooms;
  static onBeforeRequest = refuseUnknownRequest;

  getConnectionTags(_connection: Party.Connection, ctx: Party.ConnectionContext) {
    return [addressOf(ctx.request)];
  }

  onConnect(connection: Party.Connection, ctx: Party.ConnectionContext) {
    if (overCap(this.room, ctx.request)) {
      send(connection, refusal("too_many", "too many tabs open here"));
      return void setTimeout(() => connection.close(1008, "too many connections")); // once open
    }
    send(connection, { type: "history", messages: this.messages, ai: this.ai?.label ?? null });
  }

  onClose(connection: Party.Connection) {
    this.limiter.forget(connection.id);
  }

  async onMessage(frame: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection) {
    if (!this.limiter.take(sender.id))
      return send(sender, refusal("rate_limited", "slow down: too many messages"));
    const parsed = parseClientFrame(frame);
    if (parsed.type === "error") return send(sender, parsed);
    if (parsed.type === "stop") return this.stop(parsed, sender);

    const { message } = parsed;
    if (this.messages.some((m) => m.id === message.id))
      return send(sender, refusal("duplicate_id", `id ${message.id} is taken`, message.id));
    sender.setState({ name: message.user.name }); // who is here, for the AI's prompt
    await this.add({ ...message, role: "user", createdAt: this.now() });
    const { ai } = this;
    if (ai) this.turns.request(() => this.reply(ai));
  }

  // GET /parties/chatroom/<room>: the transcript.
  async onRequest(request: Party.Request) {
    // workerd resets a connection whose request body is left unread, even a GET's
    if (request.method !== "GET") return refuseMethod(request, ["GET"]);
    await request.arrayBuffer();
    return Response.json({ messages: this.messages });
  }

  /** Stops the reply being written, for everyone: it keeps its text and says who stopped it. */
  stop({ id, user }: { id: string; user: { name: string } }, sender: Party.Connection) {
    if (!this.turns.stop(id, user.name))
      send(sender, refusal("not_streaming", `no AI reply ${id} is being written`));
  }

  /** Streams an AI reply into the room: a placeholder now, deltas as they come, then the end. */
  async reply(ai: Ai) {
    if (!(await shouldReply(ai, this.messages).catch(() => false))) return;
    const prompt = buildPrompt(this.room.id, peopleIn(this.room), this.messages);
    const reply = newReply(ai, this.now());
    // Over budget, the room says so instead of asking the provider.
    const spent = (await tokensSpent(this.room)) ?? (await spendReply(this.room));
    if (spent) return this.add({ ...reply, status: "error", error: spent });
    const stop = this.turns.begin(reply.id); // stoppable as soon as anyone sees it
    await this.add(reply); // everyone sees the AI typing

    let savedAt = Date.now();
    const { model, usage, error } = await streamReply(ai, prompt, {
      stop,
      onText: (text) => {
        reply.body += text;
        this.broadcast({ type: "delta", id: reply.id, text });
        // Keep the partial text, so a restart mid-reply loses little.
        if (Date.now() - savedAt > 1000) {
          savedAt = Date.now();
          void this.save(reply);
        }
      },
    });
    const stoppedBy = this.turns.end(reply.id);
    reply.status = stoppedBy ? "stopped" : error ? "error" : "done";
    Object.assign(reply, { usage, error, stoppedBy });
    await this.save(reply);
    this.broadcast({ type: "update", message: reply });
    // Party to party, not awaited: a slow or down usage party never holds up the room.
    if (usage) void reportUsage(this.room, { room: this.room.id, model, ...usage });
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

ChatRoomServer satisfies Party.Worker;
