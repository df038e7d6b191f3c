import type { MetaFunction } from "@remix-run/react";

export default function UsageRoute() {
  return (
    <div className="my-auto flex flex-col items-center gap-4 text-center">
      <h1 className="text-xl font-semibold text-slate-400">AI tokens used, in every room</h1>
      <p data-testid="usage-total" className="text-7xl font-black tabular-nums sm:text-9xl">
        0
      </p>
      <p className="text-slate-500">
        Nothing counts yet: the AI joins in stage 3, the tally in stage 4.
      </p>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Usage · Party AI Chat" }];
