import { useRef, type ReactNode } from "react";
import { useCursorTracking, useRemoteCursors } from "~/hooks/use-cursors";
import { usePeople } from "~/hooks/use-presence";
import type { PersonHere } from "~/utils/presence-client";

/** The chat panel, shared: your pointer is sent relative to it, and everyone else's is drawn on it. */
export function CursorPanel({ children }: { children: ReactNode }) {
  const panel = useRef<HTMLDivElement>(null);
  useCursorTracking(panel);
  return (
    <div ref={panel} data-testid="cursor-panel" className="relative min-h-40 flex-1">
      <div className="absolute inset-0 flex flex-col overflow-y-auto rounded-xl border border-slate-800 bg-slate-900 p-4">
        {children}
      </div>
      <Cursors />
    </div>
  );
}

function Cursors() {
  const layer = useRef<HTMLDivElement>(null);
  const others = usePeople().filter((person) => !person.you);
  useRemoteCursors(layer); // positions are set on animation frames, outside React
  return (
    <div ref={layer} aria-hidden className="pointer-events-none absolute inset-0 overflow-hidden">
      {others.map((person) => (
        <Cursor key={person.key} person={person} />
      ))}
    </div>
  );
}

function Cursor({ person: { key, user } }: { person: PersonHere }) {
  return (
    <div
      data-testid="cursor"
      data-key={key}
      hidden
      className="absolute left-0 top-0 flex items-start will-change-transform"
    >
      <svg width="18" height="18" viewBox="0 0 18 18" className="drop-shadow">
        <path d="M1 1 L17 8 L9 10 L6 17 Z" fill={user.colour} stroke="white" strokeWidth="1.5" />
      </svg>
      <span
        className="mt-3 rounded-full px-2 py-0.5 text-xs font-semibold text-slate-950"
        style={{ background: user.colour }}
      >
        {user.name}
      </span>
    </div>
  );
}
