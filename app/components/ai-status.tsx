import type { AiTurn } from "~/utils/ai-turn";
import { useUserName } from "~/utils/user";

/** Above the composer while the AI answers: whose turn it is, and a Stop for anyone signed in. */
export function AiStatus({ turn, onStop }: { turn: AiTurn | null; onStop: Stop }) {
  const name = useUserName();
  if (!turn) return null;
  const whom = new Intl.ListFormat("en").format(turn.answering);
  return (
    <div data-testid="ai-turn" className="flex items-center justify-between gap-3 text-slate-400">
      <span className="animate-pulse">AI is answering {whom}…</span>
      <button
        type="button"
        disabled={!name}
        onClick={() => name && onStop(turn.reply.id, name)}
        className="rounded-lg bg-slate-800 px-3 py-1 hover:bg-slate-700 disabled:opacity-40"
      >
        Stop
      </button>
    </div>
  );
}

type Stop = (id: string, name: string) => void;
