import usePartySocket from "partysocket/react";
import { useEffect, useState } from "react";
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
  useReconnectWhenOnline(socket);
  return { socket, status, dropped };
}

/** A cut network can leave a socket that looks open: drop it now, reconnect when back online. */
export function useReconnectWhenOnline(socket: { close(): void; reconnect(): void }) {
  useEffect(() => {
    const offline = () => socket.close();
    const online = () => socket.reconnect();
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
    };
  }, [socket]);
}
