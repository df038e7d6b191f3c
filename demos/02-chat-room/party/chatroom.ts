import type * as Party from "partykit/server";
import { LIMITS, parseClientFrame, refusal } from "./chatroom.schema";
import type { Message, ServerMessage } from "./chatroom.schema";
import { refuseMethod } from "./http";
import { RateLimiter } from "./rate-limit";
import { addressOf, overCap, onlyListedRooms, refuseUnknownRequest } from "./room-guard";

// Each message is stored under its own key, so a new message is one small write
// and `storage.list()` returns them in order.
const PREFIX = "message:";
const storageKey = (m: Message) => `${PREFIX}${String(m.createdAt).padStart(15, "0")}:${m.id}`;

export default class ChatRoomServer implements Party.Server {
  messages: Message[] = []; // oldest first, at most LIMITS.history
  limiter = new RateLimiter(3, 10); // messages per second per connection, burst

  constructor(readonly room: Party.Room) {}

  async onStart() {
    const stored = await this.room.storage.list<Message>({ prefix: PREFIX });
    this.messages = [...stored.values()];
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
    send(connection, { type: "history", messages: this.messages });
  }

  onClose(connection: Party.Connection) {
    this.limiter.forget(connection.id);
  }

  async onMessage(frame: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection) {
    if (!this.limiter.take(sender.id))
      return send(sender, refusal("rate_limited", "slow down: too many messages"));
    const parsed = parseClientFrame(frame);
    if (parsed.type === "error") return send(sender, parsed);

    const { message } = parsed;
    if (this.messages.some((m) => m.id === message.id))
      return send(sender, refusal("duplicate_id", `id ${message.id} is taken`, message.id));
    await this.add({ ...message, role: "user", createdAt: this.now() });
  }

  // GET /parties/chatroom/<room>: the transcript.
  async onRequest(request: Party.Request) {
    // workerd resets a connection whose request body is left unread, even a GET's
    if (request.method !== "GET") return refuseMethod(request, ["GET"]);
    await request.arrayBuffer();
    return Response.json({ messages: this.messages });
  }

  /** Keeps, stores and broadcasts a new message (the sender's copy is its acknowledgement). */
  async add(message: Message) {
    this.messages.push(message);
    this.broadcast({ type: "update", message });
    await this.room.storage.put(storageKey(message), message);
    const dropped = this.messages.splice(0, Math.max(0, this.messages.length - LIMITS.history));
    if (dropped.length) await this.room.storage.delete(dropped.map(storageKey));
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
