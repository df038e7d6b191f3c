import type * as Party from "partykit/server";
import { ClientMessageSchema, LIMITS, type Message, type ServerMessage } from "./chatroom.schema";
import { RateLimiter } from "./rate-limit";
import { addressOf, overCap, refuseUnknownRequest, refuseUnknownRoom } from "./room-guard";

// Each message is stored under its own key, so a new message is one small write
// and `storage.list()` returns them in order.
const PREFIX = "message:";
const storageKey = (message: Message) =>
  `${PREFIX}${String(message.createdAt).padStart(15, "0")}:${message.id}`;

export default class ChatRoomServer implements Party.Server {
  messages: Message[] = []; // oldest first, at most LIMITS.history
  limiter = new RateLimiter(3, 10); // messages per second per connection, burst

  constructor(readonly room: Party.Room) {}

  async onStart() {
    const stored = await this.room.storage.list<Message>({ prefix: PREFIX });
    this.messages = [...stored.values()];
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
    send(connection, { type: "history", messages: this.messages });
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
    await this.add({ ...message, role: "user", createdAt: this.now() });
  }

  // GET /parties/chatroom/<room>: the transcript.
  async onRequest(request: Party.Request) {
    // workerd resets a connection whose request body is left unread, even a GET's
    await request.arrayBuffer();
    if (request.method === "GET") return Response.json({ messages: this.messages });
    return new Response("Method not allowed", { status: 405, headers: { Allow: "GET" } });
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

function idOf(json: unknown): string | undefined {
  const id = (json as { message?: { id?: unknown } } | null)?.message?.id;
  return typeof id === "string" ? id.slice(0, 64) : undefined;
}

ChatRoomServer satisfies Party.Worker;
