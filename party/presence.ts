import type * as Party from "partykit/server";
import { refuseMethod } from "./http";
import {
  ClientMessageSchema,
  LIMITS,
  ServerMessageSchema,
  decode,
  encode,
} from "./presence.schema";
import type { Person, Presence, ServerMessage } from "./presence.schema";
import { RateLimiter } from "./rate-limit";
import { addressOf, overCap, refuseUnknownRequest, refuseUnknownRoom } from "./room-guard";

/** What the room keeps on each connection: it survives hibernation (2 kB at most). */
type State = { key: string; person?: Person };
/** What changed for a key since the last flush: joined (the person), moved, or left (null). */
type Change = Person | Presence | null;

// One presence room per chat room (same id). Hibernates: an idle room costs nothing.
export default class PresenceServer implements Party.Server {
  readonly options = { hibernate: true }; // an instance field: partykit ignores a static one
  people = new Map<string, Person>(); // by key: everyone who has joined
  pending = new Map<string, Change>(); // sent at the next flush
  timer: ReturnType<typeof setTimeout> | undefined;
  limiter = new RateLimiter(LIMITS.updatesPerSecond, LIMITS.updatesPerSecond);
  dropped = { tooLarge: 0, rateLimited: 0, invalid: 0 }; // since the room last woke up

  constructor(readonly room: Party.Room) {}

  // After waking from hibernation, memory is empty: rebuild it from the connections' state.
  onStart() {
    for (const { state } of this.room.getConnections<State>())
      if (state?.person) this.people.set(state.key, state.person);
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
    if (overCap(this.room, ctx.request))
      return void setTimeout(() => connection.close(1008, "too many connections")); // once open
    const key = crypto.randomUUID().slice(0, 8);
    connection.setState({ key });
    // Same connection id = the same tab reconnecting: a socket it left behind is a ghost.
    for (const old of this.room.getConnections<State>(connection.id))
      if (old.state?.key !== key) old.close(4000, "replaced");
    const sync = { type: "sync", you: key, people: Object.fromEntries(this.people) } as const;
    connection.send(encode(ServerMessageSchema, sync));
  }

  onMessage(frame: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection<State>) {
    const size = typeof frame === "string" ? frame.length : frame.byteLength;
    if (size > LIMITS.frameBytes) return this.drop("tooLarge");
    if (!this.limiter.take(sender.id)) return this.drop("rateLimited");
    const message = decode(ClientMessageSchema, frame);
    const state = sender.state;
    if (!message || !state || (message.type === "update" && !state.person))
      return this.drop("invalid"); // join first

    const person: Person =
      message.type === "join"
        ? { user: message.user, presence: { cursor: null } }
        : { user: state.person!.user, presence: message.presence };
    sender.setState({ key: state.key, person });
    this.people.set(state.key, person);
    // A join (again, with a new name) sends the whole person; a move only the presence.
    const joining = message.type === "join" || isPerson(this.pending.get(state.key));
    this.pending.set(state.key, joining ? person : person.presence);
    this.timer ??= setTimeout(() => this.flush(), LIMITS.flushMs);
  }

  /** Bad input is counted and dropped: no reply, no crash, nothing for anyone else. */
  drop(reason: keyof PresenceServer["dropped"]) {
    this.dropped[reason]++;
  }

  onClose(connection: Party.Connection<State>) {
    this.limiter.forget(connection.id);
    const key = connection.state?.key;
    if (!key || !this.people.delete(key)) return;
    this.pending.set(key, null);
    this.timer ??= setTimeout(() => this.flush(), LIMITS.flushMs);
  }

  onError(connection: Party.Connection<State>) {
    this.onClose(connection); // an error ends the socket too: no ghost cursors
  }

  // GET /parties/presence/<room>: who is here, and how many bad frames were dropped.
  async onRequest(request: Party.Request) {
    // workerd resets a connection whose request body is left unread, even a GET's
    if (request.method !== "GET") return refuseMethod(request, ["GET"]);
    await request.arrayBuffer();
    const people = [...this.people.values()].map((person) => person.user);
    return Response.json({ people, dropped: this.dropped });
  }

  /** Many changes, one frame: everyone's since the last flush, but never your own moves. */
  flush() {
    const pending = this.pending;
    this.pending = new Map();
    this.timer = undefined;
    const everyone = encode(ServerMessageSchema, changes(pending));
    for (const connection of this.room.getConnections<State>()) {
      const key = connection.state?.key ?? "";
      const yours = pending.get(key);
      if (!yours || isPerson(yours)) connection.send(everyone);
      else if (pending.size > 1)
        connection.send(encode(ServerMessageSchema, changes(pending, key)));
    }
  }
}

const isPerson = (change: Change | undefined): change is Person => !!change && "user" in change;

/**
 * The client picks its connection id (`?_pk=`), and a hibernating room tags the socket with it:
 * partykit fails the connection (1011, an error in the log) when it is over 256 characters.
 */
function refuseLongId(request: Party.Request) {
  const id = new URL(request.url).searchParams.get("_pk") ?? "";
  if (id.length <= 256) return undefined;
  return new Response("_pk: a connection id is at most 256 characters", { status: 400 });
}

/** A `changes` frame: who joined, who moved (except `mover`), who left. */
function changes(pending: Map<string, Change>, mover?: string) {
  const frame: Extract<ServerMessage, { type: "changes" }> = { type: "changes" };
  for (const [key, change] of pending) {
    if (change === null) (frame.remove ??= []).push(key);
    else if (isPerson(change)) (frame.add ??= {})[key] = change;
    else if (key !== mover) (frame.presence ??= {})[key] = change;
  }
  return frame;
}

PresenceServer satisfies Party.Worker;
