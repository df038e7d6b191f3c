import type { ConnectionStatus } from "~/hooks/use-json-socket";

const LOOK: Record<ConnectionStatus, { label: string; dot: string }> = {
  connecting: { label: "connecting…", dot: "bg-amber-400" },
  live: { label: "live", dot: "bg-emerald-400" },
  reconnecting: { label: "reconnecting…", dot: "bg-red-400 animate-pulse" },
};

type Props = { status: ConnectionStatus; dropped?: number };

/** Live or not; hover it to see how many bad frames were dropped (none, we hope). */
export function ConnectionBadge({ status, dropped = 0 }: Props) {
  const { label, dot } = LOOK[status];
  return (
    <span
      data-testid="connection-status"
      data-dropped={dropped}
      title={`${dropped} bad frames dropped`}
      className="flex items-center gap-2 text-sm text-slate-400"
    >
      <span className={`h-2.5 w-2.5 rounded-full ${dot}`} />
      {label}
    </span>
  );
}
