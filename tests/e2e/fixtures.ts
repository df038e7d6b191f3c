import { test as base, expect, type Browser, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { prepareStage, startApp } from "../support/stage-app.js";
import { STAGE } from "../support/stage";

type App = {
  url: string;
  /** The built stage: a standalone project. */
  dir: string;
  /** The variables the server was started with (fake secrets among them). */
  vars: Record<string, string>;
  /** Stops and starts `partykit dev` on the same port, as a presenter's Ctrl-C and rerun would. */
  restart(): Promise<void>;
};

type Fixtures = {
  /** Signed-in users, each in a browser context of their own. */
  alice: Page;
  bob: Page;
  /** Text unique to this test, so tests sharing a room never see each other's messages. */
  tag: string;
};

export const test = base.extend<Fixtures, { app: App }>({
  app: [
    async ({}, use) => {
      // `npm run test:e2e` builds the stage first and passes STAGE_DIR; a bare `playwright test` builds here.
      const dir = process.env.STAGE_DIR ?? prepareStage(STAGE);
      const vars = {
        FAKE_API_KEY: `key-${randomUUID()}`,
        FAKE_CLIENT_SECRET: `secret-${randomUUID()}`,
        FAKE_ACCESS_TOKEN: `token-${randomUUID()}`,
      };
      let server = await startApp(dir, { vars });
      await use({
        url: server.url,
        dir,
        vars,
        async restart() {
          await server.stop();
          server = await startApp(dir, { vars, port: server.port });
        },
      });
      await server.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
  baseURL: async ({ app }, use) => use(app.url),
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
  tag: async ({}, use, testInfo) => use(`${testInfo.title.replace(/\W+/g, "-")}-${randomUUID().slice(0, 8)}`),
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
