// Whose turn it is while the AI answers, worked out from the room's messages alone, so every
// browser shows the same: the reply being written, whose messages it answers, and which wait.
import type { Message } from "../../party/chatroom.schema";

export type AiTurn = { reply: Message; answering: string[]; queued: Set<string> };

/** The AI's turn now, or null when no reply is being written. */
export function aiTurn(messages: Message[]): AiTurn | null {
  const at = messages.findLastIndex((m) => m.status === "streaming");
  if (at === -1) return null;
  // It answers what was said since its last reply; what came after it started waits for the next.
  const asked = messages.slice(0, at);
  const since = asked.slice(asked.findLastIndex((m) => m.role === "assistant") + 1);
  const later = messages.slice(at + 1).filter((m) => m.role === "user");
  return {
    reply: messages[at],
    answering: [...new Set(since.map((m) => m.user.name))],
    queued: new Set(later.map((m) => m.id)),
  };
}
