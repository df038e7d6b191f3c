import PartySocket from "partysocket";
import {
  ClientMessageSchema,
  ServerMessageSchema,
  colourFor,
  decode,
  encode,
  type ClientMessage,
  type Person,
  type Presence,
  type ServerMessage,
} from "../../party/presence.schema";

export type PersonHere = Person & { key: string; you: boolean };

const SEND_MS = 1000 / 30; // at most one frame per animation frame, and 30 a second
const TYPING_MS = 3000;

/**
 * One browser's side of a presence room: the socket, who is here, and this browser's own presence.
 * React only hears about joins, leaves and typing; cursors are read straight from `people` by the
 * cursor layer on each animation frame.
 */
export class PresenceClient {
  readonly socket: PartySocket;
  people = new Map<string, Person>(); // by key, yourself included once joined
  you: string | null = null;
  #presence: Presence = { cursor: null };
  #sentAt = 0;
  #frame = 0;
  #typing: ReturnType<typeof setTimeout> | undefined;
  #list: PersonHere[] = [];
  #listeners = new Set<() => void>();
  #movers = new Set<() => void>();

  constructor(
    room: string,
    readonly name: string | null,
  ) {
    this.socket = new PartySocket({ host: window.location.host, party: "presence", room });
    this.socket.binaryType = "arraybuffer";
    this.socket.addEventListener("open", this.#join); // every (re)connect: join again, cursor and all
    this.socket.addEventListener("message", (event) => {
      const message = decode(ServerMessageSchema, event.data);
      if (message) this.#apply(message);
    });
    // A cut network can leave a socket that looks open: drop it now, and reconnect when back online.
    window.addEventListener("offline", this.#offline);
    window.addEventListener("online", this.#online);
  }

  close() {
    window.removeEventListener("offline", this.#offline);
    window.removeEventListener("online", this.#online);
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#typing);
    this.socket.close();
  }

  /** Changes this browser's presence; sent on the next animation frame, at most 30 times a second. */
  set(patch: Partial<Presence>) {
    const next = { ...this.#presence, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.#presence)) return;
    this.#presence = next;
    if (!this.name || this.#frame) return; // signed-out visitors watch without a cursor
    const tick = () => {
      if (performance.now() - this.#sentAt < SEND_MS) {
        this.#frame = requestAnimationFrame(tick);
        return;
      }
      this.#frame = 0;
      this.#sentAt = performance.now();
      this.#send({ type: "update", presence: this.#presence });
    };
    this.#frame = requestAnimationFrame(tick);
  }

  /** Marks this user as typing for a few seconds (or stops at once with `false`). */
  typing(on = true) {
    clearTimeout(this.#typing);
    if (on) this.#typing = setTimeout(() => this.set({ typing: false }), TYPING_MS);
    if (Boolean(this.#presence.typing) !== on) this.set({ typing: on });
  }

  // For useSyncExternalStore: a new list when someone joins, leaves, or starts or stops typing.
  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
  getPeople = () => this.#list;

  /** Calls `listener` whenever cursors may have moved: no React update (see useRemoteCursors). */
  onMove(listener: () => void) {
    this.#movers.add(listener);
    return () => this.#movers.delete(listener);
  }

  #join = () => {
    if (!this.name) return;
    this.#send({ type: "join", user: { name: this.name, colour: colourFor(this.name) } });
    if (this.#presence.cursor || this.#presence.typing)
      this.#send({ type: "update", presence: this.#presence });
  };

  #offline = () => this.socket.close();
  #online = () => this.socket.reconnect();

  #send(message: ClientMessage) {
    // Never queued while offline: the join on reconnect sends the latest presence instead.
    if (this.socket.readyState === WebSocket.OPEN)
      this.socket.send(encode(ClientMessageSchema, message));
  }

  #apply(message: ServerMessage) {
    let listChanged = message.type === "sync" || Boolean(message.add || message.remove);
    if (message.type === "sync") {
      this.you = message.you;
      this.people = new Map(Object.entries(message.people));
    } else {
      for (const [key, person] of Object.entries(message.add ?? {})) this.people.set(key, person);
      for (const [key, presence] of Object.entries(message.presence ?? {})) {
        const person = this.people.get(key);
        if (!person) continue;
        listChanged ||= Boolean(person.presence.typing) !== Boolean(presence.typing);
        this.people.set(key, { ...person, presence });
      }
      for (const key of message.remove ?? []) this.people.delete(key);
    }
    for (const listener of this.#movers) listener();
    if (!listChanged) return;
    this.#list = [...this.people].map(([key, person]) => ({
      ...person,
      key,
      you: key === this.you,
    }));
    for (const listener of this.#listeners) listener();
  }
}
