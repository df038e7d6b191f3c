import type { ReactNode } from "react";
import { usePresence } from "~/hooks/use-presence";

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

/** Typing in anything inside marks you as typing; sending stops it. */
export function Typing({ children }: { children: ReactNode }) {
  const presence = usePresence();
  return (
    <div
      className="contents"
      onInput={() => presence?.typing()}
      onSubmit={() => presence?.typing(false)}
    >
      {children}
    </div>
  );
}
