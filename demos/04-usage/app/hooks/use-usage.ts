import usePartySocket from "partysocket/react";
import { useState } from "react";
import { parseJson } from "../../party/json";
import { ServerMessageSchema, USAGE_ROOM, type Tally } from "../../party/usage.schema";
import type { ConnectionStatus } from "./use-chat-room";

/** The usage party's tally, live (null until the first one comes). The server adds up; we show. */
export function useUsage() {
  const [tally, setTally] = useState<Tally | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const [dropped, setDropped] = useState(0); // frames that were not valid messages

  usePartySocket({
    party: "usage",
    room: USAGE_ROOM,
    onOpen: () => setStatus("live"),
    onClose: () => setStatus("reconnecting"),
    onMessage(event) {
      const parsed = parseJson(ServerMessageSchema, event.data);
      if (!parsed.success) return setDropped((count) => count + 1);
      const { type: _, ...latest } = parsed.data;
      setTally(latest);
    },
  });

  return { tally, status, dropped };
}
