import usePartySocket from "partysocket/react";
import { useState } from "react";
import type { z } from "zod";
import { parseJson } from "../../party/json";

export type ConnectionStatus = "connecting" | "live" | "reconnecting";

/**
 * A party's socket whose frames are JSON that `schema` checks: `onMessage` gets valid messages
 * only. A bad frame is dropped and counted: it never throws inside the socket's callback.
 */
export function useJsonSocket<T>(
  options: { party: string; room: string },
  schema: z.ZodType<T>,
  onMessage: (message: T) => void,
) {
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const [dropped, setDropped] = useState(0);
  const socket = usePartySocket({
    ...options,
    onOpen: () => setStatus("live"),
    onClose: () => setStatus("reconnecting"),
    onMessage(event) {
      const parsed = parseJson(schema, event.data);
      if (parsed.success) onMessage(parsed.data);
      else setDropped((count) => count + 1);
    },
  });
  return { socket, status, dropped };
}
