// Presence on the page: cursors over the chat panel, and who is here.
import type { PointerEvent, ReactNode } from "react";
import { usePresence, type PersonHere } from "~/hooks/use-presence";

/** The chat panel, shared: your pointer is sent as fractions of its box; the others' are drawn. */
export function CursorPanel({ children }: { children: ReactNode }) {
  const presence = usePresence();
  const others = presence?.people.filter((person) => !person.you && person.presence.cursor) ?? [];
  const move = (event: PointerEvent<HTMLElement>) => {
    if (event.pointerType === "touch") return; // a finger is no pointer: a phone sends no cursor
    const box = event.currentTarget.getBoundingClientRect();
    const x = fraction((event.clientX - box.left) / box.width);
    presence?.set({ cursor: { x, y: fraction((event.clientY - box.top) / box.height) } });
  };
  return (
    <div
      data-testid="cursor-panel"
      onPointerMove={move}
      onPointerLeave={() => presence?.set({ cursor: null })}
      className="relative min-h-40 flex-1"
    >
      <div className="absolute inset-0 flex flex-col overflow-y-auto rounded-xl bg-slate-900 p-4">
        {children}
      </div>
      <div aria-hidden className="pointer-events-none absolute inset-0 overflow-hidden">
        {others.map((person) => (
          <Cursor key={person.key} person={person} />
        ))}
      </div>
    </div>
  );
}

/** A named arrow; CSS eases it to each new spot, so 30 updates a second look smooth. */
function Cursor({ person: { user, presence } }: { person: PersonHere }) {
  const { x, y } = presence.cursor!;
  return (
    <div
      data-testid="cursor"
      data-x={x}
      data-y={y}
      style={{ left: `${x * 100}%`, top: `${y * 100}%` }}
      className="absolute flex items-start transition-[left,top] duration-75 ease-linear"
    >
      <svg width="18" height="18" viewBox="0 0 18 18" className="drop-shadow">
        <path d="M1 1 L17 8 L9 10 L6 17 Z" fill={user.colour} stroke="white" strokeWidth="1.5" />
      </svg>
      <span className={LABEL} style={{ background: user.colour }}>
        {user.name}
      </span>
    </div>
  );
}

const LABEL = "mt-3 rounded-full px-2 py-0.5 text-xs font-semibold text-slate-950";
const fraction = (value: number) => Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;

/** The people in the room, for the header: colour, name, and who is typing. */
export function WhoIsHere() {
  const people = usePresence()?.people ?? [];
  if (people.length === 0) return null;
  return (
    <ul data-testid="who-is-here" aria-label="Who is here" className="flex flex-wrap gap-2">
      {people.map(({ key, user, presence, you }) => (
        <li key={key} className="flex items-center gap-1.5 rounded-full bg-slate-800 px-2 text-sm">
          <span className="h-2.5 w-2.5 rounded-full" style={{ background: user.colour }} />
          <span data-testid="person">{user.name}</span>
          {you && <span className="text-slate-500">(you)</span>}
          {presence.typing && <span className="text-slate-400">typing…</span>}
        </li>
      ))}
    </ul>
  );
}
