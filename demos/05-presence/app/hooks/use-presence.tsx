import usePartySocket from "partysocket/react";
import { createContext, useContext, useRef, useState } from "react";
import type { ReactNode } from "react";
import { useReconnectWhenOnline } from "~/hooks/use-json-socket";
import { ClientMessageSchema, ServerMessageSchema } from "../../party/presence.schema";
import { decode, encode } from "../../party/presence.schema";
import type { ClientMessage, Person, Presence, ServerMessage } from "../../party/presence.schema";

export type PersonHere = Person & { key: string; you: boolean };
type Here = { you?: string; people: Record<string, Person> };
type Room = { people: PersonHere[]; set(patch: Partial<Presence>): void };

const PresenceContext = createContext<Room | null>(null);
const SEND_MS = 1000 / 30; // at most 30 updates a second
const TYPING_MS = 3000;

type Props = { room: string; name: string | null; children: ReactNode };

// Joins the room's presence as `name`; signed out (null), you see everyone and nobody sees you.
// Typing in anything inside marks you as typing for a few seconds; sending stops it.
export function PresenceProvider({ room, name, children }: Props) {
  const [{ you, people: byKey }, setHere] = useState<Here>({ people: {} });
  const mine = useRef<Presence>({ cursor: null }); // sent again after every reconnect
  const socket = usePartySocket({
    party: "presence",
    room,
    onOpen() {
      socket.binaryType = "arraybuffer"; // msgpack frames
      if (!name) return; // every (re)connect: join again, cursor and all
      send({ type: "join", user: { name, colour: colourFor(name) } });
      send({ type: "update", presence: mine.current });
    },
    onMessage(event) {
      const message = decode(ServerMessageSchema, event.data); // null: a bad frame, dropped
      if (message) setHere((previous) => apply(previous, message));
    },
  });
  useReconnectWhenOnline(socket);
  const send = (message: ClientMessage) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(encode(ClientMessageSchema, message));
  };

  const timers = useRef<{ send?: number; typing?: number }>({});
  const set = (patch: Partial<Presence>) => {
    mine.current = { ...mine.current, ...patch };
    timers.current.send ??= window.setTimeout(() => {
      timers.current.send = undefined;
      if (name) send({ type: "update", presence: mine.current });
    }, SEND_MS);
  };
  const typing = (on: boolean) => {
    clearTimeout(timers.current.typing);
    if (on) timers.current.typing = window.setTimeout(() => set({ typing: false }), TYPING_MS);
    if (Boolean(mine.current.typing) !== on) set({ typing: on });
  };

  const people = Object.entries(byKey).map(([key, p]) => ({ ...p, key, you: key === you }));
  return (
    <PresenceContext.Provider value={{ people, set }}>
      <div className="contents" onInput={() => typing(true)} onSubmit={() => typing(false)}>
        {children}
      </div>
    </PresenceContext.Provider>
  );
}

/** Everyone here, and your own presence to change. Null while rendering on the server. */
export const usePresence = () => useContext(PresenceContext);

/** The room after a server message: a sync replaces everything, changes patch it. */
export function apply(here: Here, message: ServerMessage): Here {
  if (message.type === "sync") return { you: message.you, people: message.people };
  const people = { ...here.people, ...message.add };
  for (const [key, presence] of Object.entries(message.presence ?? {}))
    if (people[key]) people[key] = { ...people[key], presence };
  for (const key of message.remove ?? []) delete people[key];
  return { ...here, people };
}

/** The same colour for the same name, everywhere. */
export function colourFor(name: string) {
  const palette = "f87171 fb923c facc15 4ade80 2dd4bf 38bdf8 818cf8 e879f9".split(" ");
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return `#${palette[hash % palette.length]}`;
}
