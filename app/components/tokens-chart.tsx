import type { Tally } from "../../party/usage.schema";

const MINUTES = 60;

/** Tokens per minute over the last hour, as bars: a plain SVG, big enough to read on a projector. */
export function TokensChart({ perMinute }: { perMinute: Tally["perMinute"] }) {
  const now = Math.max(Math.floor(Date.now() / 60_000), perMinute.at(-1)?.minute ?? 0);
  const bars = Array.from({ length: MINUTES }, (_, i) => {
    const minute = now - (MINUTES - 1) + i;
    return perMinute.find((m) => m.minute === minute)?.tokens ?? 0;
  });
  const peak = Math.max(1, ...bars);
  const total = bars.reduce((sum, tokens) => sum + tokens, 0);

  return (
    <figure className="rounded-xl border border-slate-800 bg-slate-900 p-4">
      <figcaption className="flex justify-between text-sm text-slate-400">
        <span>Tokens per minute, last hour</span>
        <span>peak {peak.toLocaleString("en-US")}</span>
      </figcaption>
      <svg
        data-testid="tokens-chart"
        data-total={total}
        role="img"
        aria-label={`${total} tokens in the last hour, ${bars[MINUTES - 1]} this minute`}
        viewBox={`0 0 ${MINUTES} 100`}
        preserveAspectRatio="none"
        className="mt-3 h-40 w-full"
      >
        <line
          x1={0}
          x2={MINUTES}
          y1={100}
          y2={100}
          className="stroke-slate-700"
          strokeWidth={0.5}
        />
        {bars.map((tokens, i) => {
          const height = (tokens / peak) * 100;
          return (
            <rect
              key={i}
              x={i + 0.1}
              y={100 - height}
              width={0.8}
              height={height}
              className="fill-sky-400"
            />
          );
        })}
      </svg>
      <div className="mt-1 flex justify-between text-xs text-slate-500">
        <span>60 min ago</span>
        <span>now</span>
      </div>
    </figure>
  );
}
