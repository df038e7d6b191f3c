import { useState } from "react";
import { ServerMessageSchema } from "../../party/chatroom.schema";
import type { ClientMessage, Message, ServerMessage } from "../../party/chatroom.schema";
import { aiTurn } from "~/utils/ai-turn";
import { useJsonSocket } from "./use-json-socket";

/** A message as this browser sees it: sent ones are pending until the room echoes them back. */
export type ChatMessage = Message & { pending?: boolean; error?: string };

export function useChatRoom(room: string) {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [ai, setAi] = useState<string | null>(null);

  const options = { party: "chatroom", room };
  const { socket, status, dropped } = useJsonSocket(options, ServerMessageSchema, receive);

  function receive(data: ServerMessage) {
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
      const refused = { pending: false, error: data.message }; // the room said no
      setMessages((list) => list.map((m) => (m.id === data.id ? { ...m, ...refused } : m)));
    }
  }

  function send(body: string, name: string) {
    const message: NewMessage = { id: crypto.randomUUID(), body, user: { name } };
    // Optimistic: show it now; the room's echo replaces it.
    setMessages((previous) => [
      ...previous,
      { ...message, role: "user", createdAt: Date.now(), pending: true },
    ]);
    socket.send(JSON.stringify({ type: "message", message } satisfies ClientMessage));
  }

  /** Stops the AI reply `id` for everyone in the room. */
  function stop(id: string, name: string) {
    socket.send(JSON.stringify({ type: "stop", id, user: { name } } satisfies ClientMessage));
  }

  return { messages, status, dropped, ai, turn: aiTurn(messages), send, stop };
}

type NewMessage = Extract<ClientMessage, { type: "message" }>["message"];

function upsert(messages: ChatMessage[], message: Message): ChatMessage[] {
  const index = messages.findIndex((m) => m.id === message.id);
  if (index === -1) return [...messages, message];
  return messages.with(index, message);
}
