import type { MetaFunction } from "@remix-run/react";
import { ConnectionBadge } from "~/components/connection-badge";
import { TokensChart } from "~/components/tokens-chart";
import { useCountUp } from "~/hooks/use-count-up";
import { useUsage } from "~/hooks/use-usage";
import { estimateCost, formatCost, formatTotalCost } from "~/utils/prices";
import { tokensOf, type Tokens } from "../../party/usage.schema";

export default function UsageRoute() {
  // Stage 4: the usage party adds up every room's AI tokens; this page only shows its numbers.
  const { tally, status } = useUsage();
  const total = tally ? tokensOf(tally.total) : 0;
  const shown = useCountUp(total);

  return (
    <section className="flex flex-col gap-8">
      <header className="text-center">
        <div className="flex justify-center">
          <ConnectionBadge status={status} />
        </div>
        <h1 className="mt-4 text-xl font-semibold text-slate-400">AI tokens used, in every room</h1>
        {/* data-value: the server's total, for tests and tools; the text counts up to it. */}
        <p
          data-testid="usage-total"
          data-value={tally ? total : undefined}
          className="mt-2 text-7xl font-black tabular-nums sm:text-9xl"
        >
          {tally ? shown.toLocaleString("en-US") : "…"}
        </p>
        {tally && (
          <p className="mt-4 text-lg text-slate-400">
            {tally.total.promptTokens.toLocaleString("en-US")} prompt ·{" "}
            {tally.total.completionTokens.toLocaleString("en-US")} completion · estimated cost{" "}
            <span data-testid="usage-cost" className="text-slate-100">
              {formatTotalCost(tally.models)}
            </span>
          </p>
        )}
      </header>
      {tally && (
        <>
          <TokensChart perMinute={tally.perMinute} />
          <div className="grid gap-6 md:grid-cols-2">
            <UsageTable
              title="Room"
              rows={Object.entries(tally.rooms).map(([room, tokens]) => [`#${room}`, tokens])}
            />
            <UsageTable
              title="Model"
              rows={Object.entries(tally.models).map(([model, tokens]) => [
                model,
                tokens,
                formatCost(estimateCost(model, tokens)),
              ])}
            />
          </div>
        </>
      )}
    </section>
  );
}

/** [name, tokens, estimated cost (models only)] */
type Row = [name: string, tokens: Tokens, cost?: string];

function UsageTable({ title, rows }: { title: string; rows: Row[] }) {
  const sorted = rows.toSorted(([, a], [, b]) => tokensOf(b) - tokensOf(a));
  const withCost = rows.some(([, , cost]) => cost !== undefined);
  return (
    <table
      data-testid={`usage-by-${title.toLowerCase()}`}
      className="w-full self-start text-left text-lg tabular-nums"
    >
      <thead className="text-sm text-slate-400">
        <tr>
          <th className="py-1 font-medium">{title}</th>
          <th className="py-1 text-right font-medium">Tokens</th>
          {withCost && <th className="py-1 text-right font-medium">Est. cost</th>}
        </tr>
      </thead>
      <tbody>
        {sorted.map(([name, tokens, cost]) => (
          <tr key={name} className="border-t border-slate-800">
            <th className="py-1 pr-4 font-normal break-words">{name}</th>
            <td className="py-1 text-right">{tokensOf(tokens).toLocaleString("en-US")}</td>
            {withCost && <td className="whitespace-nowrap py-1 pl-4 text-right">{cost}</td>}
          </tr>
        ))}
        {sorted.length === 0 && (
          <tr className="border-t border-slate-800">
            <td colSpan={3} className="py-2 text-slate-500">
              No AI replies yet: ask the AI something in a room.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export const meta: MetaFunction = () => [{ title: "Usage · Party AI Chat" }];
