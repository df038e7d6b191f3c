import { usePeople } from "~/hooks/use-presence";

/** The people in the room, for the header: colour, name, flag when known, and who is typing. */
export function WhoIsHere() {
  const people = usePeople();
  if (people.length === 0) return null;
  return (
    <ul
      data-testid="who-is-here"
      aria-label="Who is here"
      className="flex flex-wrap items-center gap-2 text-sm"
    >
      {people.map(({ key, user, presence, you }) => (
        <li key={key} className="flex items-center gap-1.5 rounded-full bg-slate-800 px-2.5 py-1">
          <span className="h-2.5 w-2.5 rounded-full" style={{ background: user.colour }} />
          <span data-testid="person">{user.name}</span>
          {user.country && <span title={user.country}>{flag(user.country)}</span>}
          {you && <span className="text-slate-500">(you)</span>}
          {presence.typing && <span className="text-slate-400">typing…</span>}
        </li>
      ))}
    </ul>
  );
}

/** "FR" -> 🇫🇷: two regional indicator symbols. */
function flag(country: string) {
  return String.fromCodePoint(...[...country].map((letter) => 0x1f1e6 + letter.charCodeAt(0) - 65));
}
