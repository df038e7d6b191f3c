import type { Locator, Page } from "@playwright/test";
import { enterRoom, expect, messages, post, test } from "./fixtures";

/** The AI's reply to the message containing `tag`: the first assistant message after it. */
const replyTo = (page: Page, tag: string): Locator =>
  messages(page)
    .filter({ hasText: tag })
    .locator("xpath=following-sibling::li[@data-role='assistant'][1]");

test("the AI's reply streams into every browser in the room and stays in history", async ({
  alice,
  bob,
  tag,
}) => {
  await enterRoom(alice, "ai");
  await enterRoom(bob, "ai");
  await expect(bob.getByTestId("ai-model")).toHaveText("AI: offline demo model");

  // Bob's page records every length the reply's text takes as it grows.
  await bob.evaluate((tag) => {
    const lengths: number[] = ((window as any).replyLengths = []);
    new MutationObserver(() => {
      const asked = [...document.querySelectorAll("[data-testid=message]")].find((li) =>
        li.textContent?.includes(tag),
      );
      let reply = asked?.nextElementSibling;
      while (reply && reply.getAttribute("data-role") !== "assistant")
        reply = reply.nextElementSibling;
      const length =
        reply?.querySelector("[data-testid=body]")?.textContent?.replace("Thinking…", "").length ??
        0;
      if (length && length !== lengths.at(-1)) lengths.push(length);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, tag);

  await post(alice, `How do rooms stream replies? ${tag}`);
  for (const page of [alice, bob]) {
    await expect(replyTo(page, tag)).toHaveAttribute("data-status", "done", { timeout: 20_000 });
  }
  const text = (await replyTo(bob, tag).getByTestId("body").textContent()) ?? "";
  expect(text.length).toBeGreaterThan(10);
  await expect(replyTo(alice, tag).getByTestId("body")).toHaveText(text);
  await expect(replyTo(bob, tag).getByTestId("author")).toHaveText("AI · offline demo model");

  const lengths: number[] = await bob.evaluate(() => (window as any).replyLengths);
  expect(lengths.length, "the reply arrived in several frames").toBeGreaterThanOrEqual(3);
  expect(lengths).toEqual([...lengths].sort((a, b) => a - b)); // it only ever grew

  await alice.reload();
  await expect(replyTo(alice, tag).getByTestId("body")).toHaveText(text);
});

test("one upstream request per message, however many people are in the room", async ({
  alice,
  bob,
  app,
  browser,
  tag,
}) => {
  const others = await Promise.all([1, 2, 3].map(() => browser.newContext({ baseURL: app.url })));
  const watchers = await Promise.all(others.map((context) => context.newPage()));
  const pages = [alice, bob, ...watchers];
  await enterRoom(alice, "partykit");
  await enterRoom(bob, "partykit");
  for (const page of watchers) {
    await page.goto("/chats/partykit"); // not signed in: they only watch
    await expect(page.getByTestId("connection-status")).toHaveText("live");
  }

  const before = app.aiRequests();
  await post(alice, `first ${tag}`);
  for (const page of pages)
    await expect(replyTo(page, `first ${tag}`)).toHaveAttribute("data-status", "done", {
      timeout: 20_000,
    });
  // A second message queues behind anything the first one set off, so its reply finishing means all is counted.
  await post(alice, `second ${tag}`);
  await expect(replyTo(alice, `second ${tag}`)).toHaveAttribute("data-status", "done", {
    timeout: 20_000,
  });
  expect(app.aiRequests() - before).toBe(2);
  await Promise.all(others.map((context) => context.close()));
});

test("someone who joins mid-reply gets the partial text, then the rest of the stream", async ({
  alice,
  bob,
  app,
  tag,
}) => {
  await app.setProvider("slow");
  await enterRoom(alice, "ai");
  await post(alice, `Take your time ${tag}`);
  await expect(replyTo(alice, tag).getByTestId("body")).not.toHaveText(/^(Thinking…)?$/);

  await enterRoom(bob, "ai"); // late: history has the partial reply, deltas bring the rest
  await expect(replyTo(bob, tag)).toHaveAttribute("data-status", "streaming");
  for (const page of [alice, bob]) {
    await expect(replyTo(page, tag)).toHaveAttribute("data-status", "done", { timeout: 20_000 });
  }
  const text = await replyTo(alice, tag).getByTestId("body").textContent();
  await expect(replyTo(bob, tag).getByTestId("body")).toHaveText(text ?? "");
});

test("a room restarted mid-reply ends the partial reply instead of leaving it thinking", async ({
  alice,
  app,
  tag,
}) => {
  await app.setProvider("slow");
  await enterRoom(alice, "remix");
  await post(alice, `Tell me a long story ${tag}`);
  const reply = replyTo(alice, tag);
  await expect(reply).toHaveAttribute("data-status", "streaming");
  await expect(reply.getByTestId("body")).not.toHaveText(/^(Thinking…)?$/); // some text has arrived

  await app.restart();
  await alice.reload();
  await expect(reply).toHaveAttribute("data-status", "error");
  await expect(reply).toContainText("interrupted: the room restarted");
});

// Providers that fail: each room shows the failure and keeps working.
for (const [provider, reason] of [
  ["down", "could not reach the AI provider"],
  ["unauthorized", "the AI provider refused the API key (401)"],
  ["stalling", "the AI did not answer within 5 s"],
] as const) {
  test(`provider ${provider}: the reply ends as an error everyone sees, and the room carries on`, async ({
    alice,
    bob,
    app,
    tag,
  }) => {
    await app.setProvider(provider);
    await enterRoom(alice, "lobby");
    await enterRoom(bob, "lobby");
    await post(alice, `Anyone there? ${tag}`);
    for (const page of [alice, bob]) {
      await expect(replyTo(page, tag)).toHaveAttribute("data-status", "error", { timeout: 10_000 });
      await expect(replyTo(page, tag)).toContainText(`AI error: ${reason}`);
    }
    await post(bob, `Still here ${tag}`);
    const next = messages(alice).filter({ hasText: `Still here ${tag}` });
    await expect(next.getByTestId("author")).toHaveText("Bob");
    await expect(replyTo(alice, `Still here ${tag}`)).toHaveAttribute("data-status", "error", {
      timeout: 10_000,
    });
  });
}
