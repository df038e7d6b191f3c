import type { Tokens } from "../../party/usage.schema";

/** US dollars per million tokens, [prompt, completion], as the provider lists them. */
const PRICES = new Map<string, [number, number]>([
  ["offline-demo-model", [0, 0]], // scripts/local-ai, on this machine
  ["gpt-4.1", [2, 8]],
  ["gpt-4.1-mini", [0.4, 1.6]],
  ["gpt-4.1-nano", [0.1, 0.4]],
  ["gpt-4o", [2.5, 10]],
  ["gpt-4o-mini", [0.15, 0.6]],
]);

/** "$0.0123", "free" or "unknown". A dated id (gpt-4o-mini-2024-07-18) costs as gpt-4o-mini. */
export function estimateCost(model: string, { promptTokens, completionTokens }: Tokens): string {
  const price = PRICES.get(model) ?? PRICES.get(model.replace(/-\d{4}-\d{2}-\d{2}$/, ""));
  if (!price) return "unknown";
  const dollars = (promptTokens * price[0] + completionTokens * price[1]) / 1_000_000;
  return dollars === 0 ? "free" : `$${dollars < 1 ? dollars.toFixed(4) : dollars.toFixed(2)}`;
}
