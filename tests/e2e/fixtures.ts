import { test as base, expect, type Browser, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { startProvider, type ProviderMode } from "../support/ai-providers.js";
import { prepareStage, startApp } from "../../scripts/stage-app.js";
import { STAGE } from "../support/stage";

type App = {
  url: string;
  /** The built stage: a standalone project. */
  dir: string;
  /** The variables the server was started with (fake secrets among them). */
  vars: Record<string, string>;
  /** Stops and starts `partykit dev` on the same port, as a presenter's Ctrl-C and rerun would;
   * `changed` variables hold until the next restart. */
  restart(changed?: Record<string, string>): Promise<void>;
  /** Chat completions the AI provider was asked for so far. */
  aiRequests(): number;
  /** How the AI provider behaves from now on (reset to "local" after each test). */
  setProvider(mode: ProviderMode): Promise<void>;
  /** From now on every AI reply is `text`, streamed a word every 100 ms. */
  scriptReply(text: string): void;
  /** How each reply's upstream request ended: "aborted" when the room hung up mid-stream. */
  aiOutcomes(): string[];
  /** What `partykit dev` has printed so far. */
  output(): string;
};

type Options = {
  /** AI_REPLY: "mention" keeps the AI quiet in tests about people talking. */
  aiReply: "every" | "mention";
};

type Fixtures = {
  /** Signed-in users, each in a browser context of their own. */
  alice: Page;
  bob: Page;
  /** Text unique to this test, so tests sharing a room never see each other's messages. */
  tag: string;
  /** On failure, attaches what the server printed during the test. */
  serverLog: void;
};

export const test = base.extend<Fixtures, { app: App } & Options>({
  aiReply: ["every", { scope: "worker", option: true }],
  app: [
    async ({ aiReply }, use) => {
      // `npm run test:e2e` builds the stage first and passes STAGE_DIR; a bare `playwright test` builds here.
      const dir = process.env.STAGE_DIR ?? prepareStage(STAGE);
      const ai = await startProvider();
      const vars = {
        FAKE_API_KEY: `key-${randomUUID()}`,
        FAKE_CLIENT_SECRET: `secret-${randomUUID()}`,
        FAKE_ACCESS_TOKEN: `token-${randomUUID()}`,
        OPENAI_BASE_URL: ai.baseURL,
        OPENAI_MODEL: ai.model,
        OPENAI_API_KEY: `sk-test-${randomUUID()}`, // sent to our provider, never to a browser
        AI_REPLY: aiReply,
        AI_TIMEOUT_MS: "5000",
        USAGE_SECRET: `usage-${randomUUID()}`, // chat rooms send it to the usage party (stage 4 on)
        OPEN_ROOMS: "test-[\\w-]+", // rooms of a test's own, besides the listed ones
        CONNECTIONS_PER_ADDRESS: "20", // every browser here shares one address
        AI_REPLIES_PER_MINUTE: "1000", // tests talk faster than people; ai-budget.spec lowers it
      };
      // SERVER=start: served by `npm start`, the production preview, instead of `partykit dev`.
      const via = process.env.SERVER === "start" ? "start" : "partykit";
      let server = await startApp(dir, { vars, via });
      let log = ""; // from servers before a restart
      await use({
        url: server.url,
        dir,
        vars,
        async restart(changed = {}) {
          await server.stop();
          log += server.output();
          server = await startApp(dir, { vars: { ...vars, ...changed }, port: server.port, via });
        },
        aiRequests: ai.requests,
        setProvider: ai.setMode,
        scriptReply: ai.scriptReply,
        aiOutcomes: ai.outcomes,
        output: () => log + server.output(),
      });
      await server.stop();
      await ai.close();
    },
    { scope: "worker", timeout: 120_000 },
  ],
  baseURL: async ({ app }, use) => {
    await use(app.url);
    await app.setProvider("local");
  },
  alice: async ({ browser, app }, use) => {
    const page = await openAs(browser, app.url, "Alice");
    await use(page);
    await page.context().close();
  },
  bob: async ({ browser, app }, use) => {
    const page = await openAs(browser, app.url, "Bob");
    await use(page);
    await page.context().close();
  },
  serverLog: [
    async ({ app }, use, testInfo) => {
      const start = app.output().length;
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach("partykit dev output", {
          body: app.output().slice(start),
          contentType: "text/plain",
        });
      }
    },
    { auto: true },
  ],
  tag: async ({}, use, testInfo) =>
    use(`${testInfo.title.replace(/\W+/g, "-")}-${randomUUID().slice(0, 8)}`),
});

export { expect };

async function openAs(browser: Browser, baseURL: string, name: string) {
  const context = await browser.newContext({ baseURL });
  await context.addInitScript((name) => localStorage.setItem("party-ai-chat:name", name), name);
  return context.newPage();
}

/** Opens a room and waits until the page is interactive (signed in, and live from stage 2 on). */
export async function enterRoom(page: Page, room: string) {
  await page.goto(`/chats/${room}`);
  await expect(page.getByRole("textbox", { name: "Message" })).toBeEnabled();
  if (STAGE >= 2) await expect(page.getByTestId("connection-status")).toHaveText("live");
}

export async function post(page: Page, body: string) {
  await page.getByRole("textbox", { name: "Message" }).fill(body);
  await page.getByRole("button", { name: "Send" }).click();
}

export const messages = (page: Page) => page.getByTestId("message");
