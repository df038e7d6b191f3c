// The talk, rehearsed: one `npm run dev` on a presenter's copy that starts at stage 1, the stage tool
// run in that copy, and two browsers left open in #lobby the whole time. Nobody reloads a page.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { makeDevCopy, runStage, startDev } from "../../scripts/rehearsal-copy.js";
import { freePort } from "../../scripts/dev/ports.js";

const messages = (page: Page) => page.getByTestId("message");
const indicator = (page: Page) => page.getByTestId("dev-indicator");
const replyTo = (page: Page, text: string) =>
  messages(page)
    .filter({ hasText: text })
    .locator("xpath=following-sibling::li[@data-role='assistant'][1]");

async function openAs(browser: Browser, url: string, name: string) {
  const context = await browser.newContext({ baseURL: url });
  await context.addInitScript((name) => localStorage.setItem("party-ai-chat:name", name), name);
  return context.newPage();
}

async function post(page: Page, body: string) {
  await page.getByRole("textbox", { name: "Message" }).fill(body);
  await page.getByRole("button", { name: "Send" }).click();
}

test("rehearsal: stages 1→2→3→4→5→1 in one npm run dev, two browsers following", async ({
  browser,
}, testInfo) => {
  test.setTimeout(600_000);
  const dir = makeDevCopy(1, "rehearsal");
  const dev = await startDev(dir, { env: { PORT: String(await freePort()) } });
  const times: string[] = [];
  try {
    const alice = await openAs(browser, dev.url, "Alice");
    const bob = await openAs(browser, dev.url, "Bob");
    for (const page of [alice, bob]) {
      await page.goto("/chats/lobby");
      await expect(indicator(page)).toHaveText("stage 1 · a Remix UI shell");
      await expect(page.getByRole("textbox", { name: "Message" })).toBeEnabled();
    }

    /** Switches the copy to stage n, then waits until `works` passes; prints the time in between. */
    async function step(n: number, works: () => Promise<void>) {
      const switched = runStage(dir, String(n));
      for (const page of [alice, bob])
        await expect(indicator(page)).toHaveText(new RegExp(`^stage ${n} · `), {
          timeout: 120_000,
        });
      await works();
      const line = `switch to stage ${n}: working in both browsers ${((performance.now() - switched) / 1000).toFixed(1)} s after scripts/stage returned`;
      times.push(line);
      console.log(line);
    }

    await step(2, async () => {
      for (const page of [alice, bob])
        await expect(page.getByTestId("connection-status")).toHaveText("live");
      await post(alice, "hello from stage 2");
      await expect(messages(bob).filter({ hasText: "hello from stage 2" })).toHaveCount(1);
    });

    await step(3, async () => {
      for (const page of [alice, bob]) {
        await expect(page.getByTestId("ai-model")).toHaveText("AI: offline demo model");
        await expect(page.getByTestId("connection-status")).toHaveText("live");
      }
      // The room's history survived the runtime's reload.
      await expect(messages(bob).filter({ hasText: "hello from stage 2" })).toHaveCount(1);
      await post(bob, "what streams at stage 3?");
      for (const page of [alice, bob])
        await expect(replyTo(page, "what streams at stage 3?")).toHaveAttribute(
          "data-status",
          "done",
          { timeout: 30_000 },
        );
    });

    await step(4, async () => {
      const usage = await alice.context().newPage();
      await usage.goto("/usage");
      await expect(usage.getByTestId("usage-total")).toHaveAttribute("data-value", /^\d+$/);
      const before = Number(await usage.getByTestId("usage-total").getAttribute("data-value"));
      await expect(alice.getByTestId("connection-status")).toHaveText("live");
      // ...and the runtime's restart (stage 4 adds the usage party).
      await expect(messages(alice).filter({ hasText: "hello from stage 2" })).toHaveCount(1);
      await post(alice, "count me at stage 4");
      await expect
        .poll(
          async () => Number(await usage.getByTestId("usage-total").getAttribute("data-value")),
          {
            timeout: 30_000,
          },
        )
        .toBeGreaterThan(before);
      await usage.close();
    });

    await step(5, async () => {
      const panel = alice.getByTestId("cursor-panel");
      await expect(panel).toBeVisible();
      await expect(async () => {
        const box = (await panel.boundingBox())!;
        await alice.mouse.move(box.x + box.width * Math.random(), box.y + box.height / 2);
        await expect(bob.getByTestId("cursor").filter({ hasText: "Alice" })).toBeVisible({
          timeout: 1000,
        });
      }).toPass({ timeout: 30_000 });
    });

    await step(1, async () => {
      await expect(alice.getByTestId("connection-status")).toHaveCount(0);
      await post(alice, "only Alice sees this");
      await expect(messages(alice).filter({ hasText: "only Alice sees this" })).toHaveCount(1);
      await post(bob, "only Bob sees this");
      await expect(messages(bob)).toHaveCount(1);
      await expect(messages(bob).filter({ hasText: "only Alice" })).toHaveCount(0);
    });
  } finally {
    await dev.stop();
    await testInfo.attach("npm run dev output", { body: dev.output(), contentType: "text/plain" });
    await testInfo.attach("switch-to-working times", { body: times.join("\n") });
  }
});

test("pages say when a switch is under way; an edit in app/ shows in every open tab by itself", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const dir = makeDevCopy(2, "edit");
  const dev = await startDev(dir, { env: { PORT: String(await freePort()) } });
  try {
    const page = await openAs(browser, dev.url, "Ada");
    await page.goto("/");
    const heading = page.getByRole("heading", { level: 1 });
    await expect(heading).toHaveText("Chat with your friends, and an AI.");
    await expect(indicator(page)).toHaveText("stage 2 · a shared chat room");

    // The stage tool marks a switch while it writes; held here, so the page has time to show it.
    const marker = join(dir, ".stage/switching");
    writeFileSync(marker, JSON.stringify({ pid: process.pid, to: "03-ai-replies" }));
    await expect(indicator(page)).toHaveText("switching to stage 3 · the AI joins the room…");
    rmSync(marker);
    await expect(indicator(page)).toHaveText("stage 2 · a shared chat room");

    // More tabs than the browser's six connections per host: each one still follows.
    const tabs = [page];
    for (let i = 0; i < 7; i++) {
      const tab = await page.context().newPage();
      await tab.goto("/");
      await expect(indicator(tab)).toHaveText("stage 2 · a shared chat room");
      tabs.push(tab);
    }
    const file = join(dir, "app/routes/_index.tsx");
    const source = readFileSync(file, "utf8");
    writeFileSync(file, source.replace("Chat with your friends", "Chat with the whole room"));
    for (const tab of tabs)
      await expect(tab.getByRole("heading", { level: 1 })).toHaveText(
        "Chat with the whole room, and an AI.",
        { timeout: 60_000 },
      );
  } finally {
    await dev.stop();
    await testInfo.attach("npm run dev output", { body: dev.output(), contentType: "text/plain" });
  }
});
