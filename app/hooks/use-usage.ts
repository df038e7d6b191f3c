import usePartySocket from "partysocket/react";
import { useState } from "react";
import { ServerMessageSchema, USAGE_ROOM, type Tally } from "../../party/usage.schema";
import type { ConnectionStatus } from "./use-chat-room";

/** The usage party's tally, live: null until the first one arrives. The server adds up; we only show. */
export function useUsage() {
  const [tally, setTally] = useState<Tally | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");

  usePartySocket({
    party: "usage",
    room: USAGE_ROOM,
    onOpen: () => setStatus("live"),
    onClose: () => setStatus("reconnecting"),
    onMessage(event) {
      const { type, ...latest } = ServerMessageSchema.parse(JSON.parse(event.data));
      if (type === "tally") setTally(latest);
    },
  });

  return { tally, status };
}
