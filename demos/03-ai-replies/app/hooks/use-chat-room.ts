import usePartySocket from "partysocket/react";
import { useState } from "react";
import { ServerMessageSchema } from "../../party/chatroom.schema";
import type { ClientMessage, Message } from "../../party/chatroom.schema";
import { parseJson } from "../../party/json";

export type ConnectionStatus = "connecting" | "live" | "reconnecting";
/** A message as this browser sees it: sent ones are pending until the room echoes them back. */
export type ChatMessage = Message & { pending?: boolean; error?: string };

export function useChatRoom(room: string) {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const [dropped, setDropped] = useState(0); // frames that were not valid messages
  const [ai, setAi] = useState<string | null>(null);

  const socket = usePartySocket({
    party: "chatroom",
    room,
    onOpen: () => setStatus("live"),
    onClose: () => setStatus("reconnecting"),
    onMessage(event) {
      const parsed = parseJson(ServerMessageSchema, event.data);
      if (!parsed.success) return setDropped((count) => count + 1); // never breaks the page
      const data = parsed.data;
      if (data.type === "history") {
        // The room's history, plus what this browser sent that the room has not seen yet.
        setMessages((previous) => [...data.messages, ...previous.filter((m) => m.pending)]);
        setAi(data.ai);
      } else if (data.type === "update") {
        setMessages((previous) => upsert(previous, data.message));
      } else if (data.type === "delta") {
        setMessages((previous) =>
          previous.map((m) => (m.id === data.id ? { ...m, body: m.body + data.text } : m)),
        );
      } else if (data.id) {
        setMessages((previous) =>
          previous.map((m) =>
            m.id === data.id ? { ...m, pending: false, error: data.message } : m,
          ),
        );
      }
    },
  });

  function send(body: string, name: string) {
    const message: ClientMessage["message"] = { id: crypto.randomUUID(), body, user: { name } };
    // Optimistic: show it now; the room's echo replaces it.
    setMessages((previous) => [
      ...previous,
      { ...message, role: "user", createdAt: Date.now(), pending: true },
    ]);
    socket.send(JSON.stringify({ type: "message", message } satisfies ClientMessage));
  }

  return { messages, status, dropped, ai, send };
}

function upsert(messages: ChatMessage[], message: Message): ChatMessage[] {
  const index = messages.findIndex((m) => m.id === message.id);
  if (index === -1) return [...messages, message];
  return messages.with(index, message);
}
