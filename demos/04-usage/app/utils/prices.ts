import type { Tokens } from "../../party/usage.schema";

/** US dollars per million tokens, as listed by the provider; models not listed have no estimate. */
const PRICES = new Map([
  ["offline-demo-model", { prompt: 0, completion: 0 }], // scripts/local-ai, on this machine
  ["gpt-4.1", { prompt: 2, completion: 8 }],
  ["gpt-4.1-mini", { prompt: 0.4, completion: 1.6 }],
  ["gpt-4.1-nano", { prompt: 0.1, completion: 0.4 }],
  ["gpt-4o", { prompt: 2.5, completion: 10 }],
  ["gpt-4o-mini", { prompt: 0.15, completion: 0.6 }],
]);

/** Dollars for `tokens` of `model` (a dated id such as gpt-4o-mini-2024-07-18 counts as gpt-4o-mini); null when unknown. */
export function estimateCost(model: string, tokens: Tokens): number | null {
  const price = PRICES.get(model) ?? PRICES.get(model.replace(/-\d{4}-\d{2}-\d{2}$/, ""));
  if (!price) return null;
  return (
    (tokens.promptTokens * price.prompt + tokens.completionTokens * price.completion) / 1_000_000
  );
}

/** "$0.0123", "free (offline)" for $0, "unknown" when no model's price is known. */
export function formatCost(dollars: number | null): string {
  if (dollars === null) return "unknown";
  if (dollars === 0) return "free (offline)";
  return `$${dollars < 1 ? dollars.toFixed(4) : dollars.toFixed(2)}`;
}

/** Every model's cost together; "at least" when some models have no known price. */
export function formatTotalCost(models: Record<string, Tokens>): string {
  const costs = Object.entries(models).map(([model, tokens]) => estimateCost(model, tokens));
  const known = costs.filter((cost) => cost !== null);
  if (costs.length === 0) return "$0";
  if (known.length === 0) return formatCost(null);
  const sum = formatCost(known.reduce((total, cost) => total + cost, 0));
  return known.length < costs.length ? `at least ${sum}` : sum;
}
