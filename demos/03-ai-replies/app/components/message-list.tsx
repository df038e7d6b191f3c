import { useEffect, useRef } from "react";
import type { ChatMessage as Message } from "~/hooks/use-chat-room";
import { Markdown } from "./markdown";

// A message's bubble; its colour (and, from stage 2, its opacity) are added where it is drawn.
const BUBBLE = "w-fit max-w-[85%] whitespace-pre-wrap break-words rounded-2xl px-4 py-2 text-lg";
const COLOUR = { user: "bg-slate-800", assistant: "bg-violet-900/60" };

/** The room's messages; `queued` ones wait for the AI's next reply. AI replies are markdown. */
export function MessageList({ messages, queued }: { messages: Message[]; queued?: Set<string> }) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // Scroll the chat panel only: scrollIntoView would scroll the page too, and on a phone with the
    // keyboard up that pushes the composer out of sight.
    const panel = end.current?.parentElement?.parentElement;
    if (panel) panel.scrollTop = panel.scrollHeight;
  }, [messages]);

  if (messages.length === 0) {
    return <p className="m-auto text-slate-500">No messages yet. Say hello!</p>;
  }
  return (
    <ol data-testid="messages" className="flex flex-col gap-3">
      {messages.map((message) => (
        <li
          key={message.id}
          data-testid="message"
          data-role={message.role}
          data-status={message.status}
          className={`flex flex-col ${message.role === "assistant" ? "items-start" : ""}`}
        >
          <span data-testid="author" className="text-xs font-semibold text-slate-400">
            {message.user.name}
            {message.model && <span className="font-normal"> · {message.model}</span>}
          </span>
          <div
            data-testid="body"
            className={`${BUBBLE} ${COLOUR[message.role]} ${message.pending ? "opacity-60" : ""}`}
          >
            {message.role === "user" ? (
              message.body
            ) : message.body ? (
              <Markdown text={message.body} streaming={message.status === "streaming"} />
            ) : message.status === "streaming" ? (
              <span className="animate-pulse">Thinking…</span>
            ) : null}
          </div>
          {queued?.has(message.id) && (
            <p data-testid="queued" className="text-sm text-slate-500">
              Queued for the AI&apos;s next reply
            </p>
          )}
          {message.status === "stopped" && (
            <p className="text-sm text-slate-400">Stopped by {message.stoppedBy}</p>
          )}
          {message.error && (
            <p className="text-sm text-red-400">
              {message.role === "assistant" ? "AI error" : "Not sent"}: {message.error}
            </p>
          )}
        </li>
      ))}
      <li ref={end} aria-hidden />
    </ol>
  );
}
