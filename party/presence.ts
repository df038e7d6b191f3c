import type * as Party from "partykit/server";
import {
  ClientMessageSchema,
  LIMITS,
  PeopleSchema,
  ServerMessageSchema,
  decode,
  encode,
  pack,
  type Person,
  type Presence,
  type ServerMessage,
} from "./presence.schema";
import { RateLimiter } from "./rate-limit";
import { addressOf, overCap, refuseUnknownRequest, refuseUnknownRoom } from "./room-guard";

/** What the room keeps on each connection: it survives hibernation, and stays far below the 2 kB limit. */
type State = { key: string; country?: string } & Partial<Person>;
type Changes = Extract<ServerMessage, { type: "changes" }>;

// One presence room per chat room (same id). Hibernates: an idle room costs nothing.
export default class PresenceServer implements Party.Server {
  readonly options: Party.ServerOptions = { hibernate: true }; // an instance field: partykit ignores a static one

  people = new Map<string, Person>(); // by key: everyone who has joined
  pending = {
    add: new Map<string, Person>(),
    presence: new Map<string, Presence>(),
    remove: new Set<string>(),
  };
  timer: ReturnType<typeof setTimeout> | undefined;
  limiter = new RateLimiter(LIMITS.updatesPerSecond, LIMITS.burst);
  dropped = { tooLarge: 0, rateLimited: 0, invalid: 0 }; // since the room last woke up

  constructor(readonly room: Party.Room) {}

  // After waking from hibernation, memory is empty: rebuild it from the connections' state.
  onStart() {
    for (const connection of this.room.getConnections<State>()) {
      const { key, user, presence } = connection.state ?? {};
      if (key && user && presence) this.people.set(key, { user, presence });
    }
  }

  static onBeforeConnect(request: Party.Request, lobby: Party.Lobby) {
    return refuseUnknownRoom(lobby) ?? refuseLongId(request) ?? request;
  }

  static onBeforeRequest(request: Party.Request, lobby: Party.Lobby) {
    return refuseUnknownRequest(request, lobby);
  }

  getConnectionTags(_connection: Party.Connection, ctx: Party.ConnectionContext) {
    return [addressOf(ctx.request)];
  }

  onConnect(connection: Party.Connection<State>, ctx: Party.ConnectionContext) {
    if (overCap(this.room, ctx.request)) return connection.close(1008, "too many connections");
    const key = crypto.randomUUID().slice(0, 8);
    connection.setState({ key, country: countryOf(ctx.request) });
    // Same connection id = the same tab reconnecting: a socket it left behind is a ghost.
    for (const old of this.room.getConnections<State>(connection.id)) {
      if (old.state?.key !== key) old.close(4000, "replaced");
    }
    send(connection, { type: "sync", you: key, people: Object.fromEntries(this.people) });
  }

  onMessage(frame: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection<State>) {
    const size = typeof frame === "string" ? frame.length : frame.byteLength;
    if (size > LIMITS.frameBytes) return this.drop("tooLarge");
    if (!this.limiter.take(sender.id)) return this.drop("rateLimited");
    const message = decode(ClientMessageSchema, frame);
    const state = sender.state;
    if (!message || !state || (message.type === "update" && !state.user))
      return this.drop("invalid"); // join first

    if (message.type === "update") return this.update(sender, message.presence);
    this.join(sender, {
      user: { ...message.user, country: state.country },
      presence: { cursor: null },
    });
  }

  /** Bad input is counted and dropped: no reply, no crash, nothing for anyone else. */
  drop(reason: keyof PresenceServer["dropped"]) {
    this.dropped[reason]++;
  }

  onClose(connection: Party.Connection<State>) {
    this.limiter.forget(connection.id);
    const key = connection.state?.key;
    if (!key || !this.people.delete(key)) return;
    this.pending.add.delete(key);
    this.pending.presence.delete(key);
    this.pending.remove.add(key);
    this.schedule();
  }

  onError(connection: Party.Connection<State>) {
    this.onClose(connection); // an error ends the socket too: no ghost cursors
  }

  // GET /parties/presence/<room>: who is here, for the AI's system prompt.
  async onRequest(request: Party.Request) {
    // workerd resets a connection whose request body is left unread, even a GET's
    await request.arrayBuffer();
    if (request.method !== "GET") {
      return new Response("Method not allowed", { status: 405, headers: { Allow: "GET" } });
    }
    const people = PeopleSchema.parse({
      people: [...this.people.values()].map((person) => person.user),
    });
    return Response.json({ ...people, dropped: this.dropped });
  }

  join(connection: Party.Connection<State>, person: Person) {
    const { key } = connection.state!;
    connection.setState({ ...connection.state!, ...person });
    this.people.set(key, person);
    this.pending.add.set(key, person); // joining again (a new name) replaces the old entry
    this.schedule();
  }

  update(connection: Party.Connection<State>, presence: Presence) {
    const { key, user } = connection.state!;
    connection.setState({ ...connection.state!, presence });
    this.people.set(key, { user: user!, presence });
    if (this.pending.add.has(key)) this.pending.add.set(key, { user: user!, presence });
    else this.pending.presence.set(key, presence);
    this.schedule();
  }

  /** Many changes, one frame: the room flushes at most every LIMITS.flushMs. */
  schedule() {
    this.timer ??= setTimeout(() => this.flush(), LIMITS.flushMs);
  }

  flush() {
    const { add, presence, remove } = this.pending;
    this.pending = { add: new Map(), presence: new Map(), remove: new Set() };
    this.timer = undefined;
    const changes = ServerMessageSchema.parse(changesOf(add, presence, remove)) as Changes; // checked once

    let everyone: Uint8Array<ArrayBuffer> | undefined; // one frame for all who did not move themselves
    for (const connection of this.room.getConnections<State>()) {
      const key = connection.state?.key ?? "";
      if (!changes.presence?.[key]) {
        connection.send((everyone ??= pack(changes)));
        continue;
      }
      // Everyone else's moves, never your own: drop your key, and `presence` itself if nothing is left.
      const { [key]: _yours, ...others } = changes.presence;
      const { presence: _all, ...rest } = changes;
      const mine: Changes = Object.keys(others).length ? { ...rest, presence: others } : rest;
      if (mine.add || mine.remove || mine.presence) connection.send(pack(mine));
    }
  }
}

/**
 * The client picks its connection id (`?_pk=`), and a hibernating room tags the socket with it:
 * partykit fails the connection (1011, an error in the log) when it is over 256 characters.
 */
function refuseLongId(request: Party.Request) {
  const id = new URL(request.url).searchParams.get("_pk") ?? "";
  if (id.length <= 256) return undefined;
  return new Response("_pk: a connection id is at most 256 characters", { status: 400 });
}

/** A `changes` frame with only the parts that have something in them. */
function changesOf(
  add: Map<string, Person>,
  presence: Map<string, Presence>,
  remove: Set<string>,
): Changes {
  const changes: Changes = { type: "changes" };
  if (add.size) changes.add = Object.fromEntries(add);
  if (presence.size) changes.presence = Object.fromEntries(presence);
  if (remove.size) changes.remove = [...remove];
  return changes;
}

function send(connection: Party.Connection, message: ServerMessage) {
  connection.send(encode(ServerMessageSchema, message));
}

/**
 * Cloudflare's two-letter country, when there is a real one: not "XX" (unknown) or "T1" (Tor), and not
 * the stand-in that local dev invents when it cannot look one up (Austin, Texas, ASN 395747).
 */
function countryOf(request: Party.Request): string | undefined {
  const cf = request.cf as { country?: unknown; asn?: unknown } | undefined;
  if (!cf || cf.asn === 395747 || typeof cf.country !== "string") return undefined;
  return /^[A-Z]{2}$/.test(cf.country) && !["XX", "T1"].includes(cf.country)
    ? cf.country
    : undefined;
}

PresenceServer satisfies Party.Worker;
