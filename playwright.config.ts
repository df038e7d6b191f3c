import { defineConfig } from "@playwright/test";
import { launchOptions } from "./tests/support/browser";
import { STAGE } from "./tests/support/stage";

// The stages at which each spec's behaviour holds: [first, last].
const SPECS: Record<string, [number, number]> = {
  "app-shell": [1, 5],
  "no-secrets": [1, 5],
  security: [1, 5],
  "public-room": [2, 5],
  "local-chat": [1, 1],
  "chat-room": [2, 5],
  "ai-replies": [3, 5],
  "ai-mention": [3, 5],
  "ai-budget": [3, 5],
  usage: [4, 5],
  presence: [5, 5],
  phone: [1, 5],
  join: [1, 5],
};

// Specs that drive `npm run dev` through every stage themselves: run once (REHEARSAL=1), not per stage.
const REHEARSAL = ["rehearsal"];

export default defineConfig({
  testDir: "./tests/e2e",
  testMatch: (process.env.REHEARSAL
    ? REHEARSAL
    : Object.entries(SPECS)
        .filter(([, [first, last]]) => first <= STAGE && STAGE <= last)
        .map(([name]) => name)
  ).map((name) => `${name}.spec.ts`),
  fullyParallel: false,
  workers: 1, // one real partykit dev per run; two cores
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: "list",
  timeout: 30_000,
  use: {
    trace: "retain-on-failure",
    launchOptions: launchOptions(),
  },
  metadata: { stage: STAGE },
});
