import type { MetaFunction } from "@remix-run/react";
import { useState } from "react";
import { ConnectionBadge } from "~/components/connection-badge";
import { useJsonSocket } from "~/hooks/use-json-socket";
import { ServerMessageSchema, USAGE_ROOM, tokensOf } from "../../party/usage.schema";
import type { Tally, Tokens } from "../../party/usage.schema";

export default function UsageRoute() {
  // Stage 4: the usage party adds up every room's AI tokens; this page only shows its numbers.
  const [tally, setTally] = useState<Tally | null>(null); // null until the first one comes
  const usage = { party: "usage", room: USAGE_ROOM };
  const { status, dropped } = useJsonSocket(usage, ServerMessageSchema, setTally);
  const total = tally ? tokensOf(tally.total) : undefined;
  return (
    <div className="my-auto flex flex-col items-center gap-4 text-center">
      <ConnectionBadge status={status} dropped={dropped} />
      <h1 className="text-xl font-semibold text-slate-400">AI tokens used, in every room</h1>
      <p
        data-testid="usage-total"
        data-value={total}
        className="text-7xl font-black tabular-nums sm:text-9xl"
      >
        {total?.toLocaleString("en-US") ?? "…"}
      </p>
      {tally && <TokensChart perMinute={tally.perMinute} />}
      {tally && <p className="text-lg text-slate-400">{biggestFirst(tally.rooms, "#")}</p>}
      {tally && <p className="text-lg text-slate-400">{biggestFirst(tally.models)}</p>}
    </div>
  );
}

/** "#ai 1,200 · #lobby 300": where the tokens went, biggest first. */
const biggestFirst = (counts: Record<string, Tokens>, prefix = "") =>
  Object.entries(counts)
    .toSorted(([, a], [, b]) => tokensOf(b) - tokensOf(a))
    .map(([key, tokens]) => `${prefix}${key} ${tokensOf(tokens).toLocaleString("en-US")}`)
    .join(" · ");

/** Tokens per minute over the last hour: one bar a minute, the busiest full height. */
function TokensChart({ perMinute }: { perMinute: Tally["perMinute"] }) {
  const now = Math.max(Math.floor(Date.now() / 60_000), perMinute.at(-1)?.minute ?? 0);
  const recent = perMinute.filter((m) => m.minute > now - 60);
  const peak = Math.max(1, ...recent.map((m) => m.tokens));
  const total = recent.reduce((sum, m) => sum + m.tokens, 0);
  return (
    <div data-testid="tokens-chart" data-total={total} className="relative h-32 w-full">
      {recent.map(({ minute, tokens }) => (
        <div
          key={minute}
          className="absolute bottom-0 w-[1.4%] bg-sky-400"
          style={{ left: `${(minute - now + 59) / 0.6}%`, height: `${(tokens / peak) * 100}%` }}
        />
      ))}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Usage · Party AI Chat" }];
