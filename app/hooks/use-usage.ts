import { useState } from "react";
import { ServerMessageSchema, USAGE_ROOM, type Tally } from "../../party/usage.schema";
import { useJsonSocket } from "./use-json-socket";

/** The usage party's tally, live (null until the first one comes). The server adds up; we show. */
export function useUsage() {
  const [tally, setTally] = useState<Tally | null>(null);
  const { status, dropped } = useJsonSocket(
    { party: "usage", room: USAGE_ROOM },
    ServerMessageSchema,
    ({ type: _, ...latest }) => setTally(latest),
  );
  return { tally, status, dropped };
}
