import type { Page } from "@playwright/test";
import { enterRoom, expect, test } from "./fixtures";

const panel = (page: Page) => page.getByTestId("cursor-panel");
const cursorOf = (page: Page, name: string) => page.getByTestId("cursor").filter({ hasText: name });
const whoIsHere = (page: Page) => page.getByTestId("who-is-here").getByTestId("person");

/** Moves the mouse to a spot given as fractions of the chat panel. */
async function pointAt(page: Page, x: number, y: number) {
  const box = (await panel(page).boundingBox())!;
  await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 4 });
}

/** Where a remote cursor is drawn, as fractions of this page's chat panel. */
async function drawnAt(page: Page, name: string) {
  const box = (await panel(page).boundingBox())!;
  const tip = (await cursorOf(page, name).boundingBox())!;
  return { x: (tip.x - box.x) / box.width, y: (tip.y - box.y) / box.height };
}

test.beforeEach(async ({ alice, bob }) => {
  // Different window sizes: the same chat-relative spot is at different pixels.
  await alice.setViewportSize({ width: 1280, height: 800 });
  await bob.setViewportSize({ width: 640, height: 1000 });
});

test("A's named cursor shows in B at the same chat-relative spot; closing A removes it within a second", async ({
  alice,
  bob,
}) => {
  await enterRoom(alice, "lobby");
  await enterRoom(bob, "lobby");
  await expect(whoIsHere(bob)).toContainText(["Alice", "Bob"]);
  await expect(whoIsHere(alice)).toContainText(["Alice", "Bob"]);

  await pointAt(alice, 0.3, 0.6);
  await expect(cursorOf(bob, "Alice")).toBeVisible();
  await expect
    .poll(async () => Number(await cursorOf(bob, "Alice").getAttribute("data-x")))
    .toBeCloseTo(0.3, 1);
  await expect
    .poll(async () => Number(await cursorOf(bob, "Alice").getAttribute("data-y")))
    .toBeCloseTo(0.6, 1);
  // Drawn there too, once the smoothing has caught up.
  await expect.poll(async () => (await drawnAt(bob, "Alice")).x).toBeCloseTo(0.3, 1);
  await expect.poll(async () => (await drawnAt(bob, "Alice")).y).toBeCloseTo(0.6, 1);
  // Your own cursor is never echoed back to you.
  await expect(cursorOf(alice, "Alice")).toHaveCount(0);

  await pointAt(bob, 0.8, 0.2);
  await expect
    .poll(async () => Number(await cursorOf(alice, "Bob").getAttribute("data-x")))
    .toBeCloseTo(0.8, 1);

  await alice.close();
  await expect(cursorOf(bob, "Alice")).toHaveCount(0, { timeout: 1000 });
  await expect(whoIsHere(bob)).toHaveText(["Bob"], { timeout: 1000 });
});

test("A's network cut and restored brings the cursor back without a reload", async ({
  alice,
  bob,
}) => {
  await enterRoom(alice, "partykit");
  await enterRoom(bob, "partykit");
  await pointAt(alice, 0.5, 0.4);
  await expect(cursorOf(bob, "Alice")).toBeVisible();

  await alice.context().setOffline(true);
  await expect(cursorOf(bob, "Alice")).toHaveCount(0);
  await alice.context().setOffline(false);

  // Same page, no reload: it reconnects, joins again and resends where its pointer is.
  await expect(cursorOf(bob, "Alice")).toBeVisible({ timeout: 15_000 });
  await expect
    .poll(async () => Number(await cursorOf(bob, "Alice").getAttribute("data-y")))
    .toBeCloseTo(0.4, 1);
  await pointAt(alice, 0.7, 0.7);
  await expect
    .poll(async () => Number(await cursorOf(bob, "Alice").getAttribute("data-x")))
    .toBeCloseTo(0.7, 1);
});

test("leaving the chat panel or the window hides the cursor; typing shows in the list", async ({
  alice,
  bob,
}) => {
  await enterRoom(alice, "remix");
  await enterRoom(bob, "remix");
  await pointAt(alice, 0.5, 0.5);
  await expect(cursorOf(bob, "Alice")).toBeVisible();
  await alice.mouse.move(1, 1); // the page header, outside the panel
  await expect(cursorOf(bob, "Alice")).toBeHidden();
  await pointAt(alice, 0.5, 0.5);
  await expect(cursorOf(bob, "Alice")).toBeVisible();
  await alice.mouse.move(-20, 300); // off the window's left edge
  await expect(cursorOf(bob, "Alice")).toBeHidden();

  await alice.getByRole("textbox", { name: "Message" }).pressSequentially("hel");
  await expect(
    bob.getByTestId("who-is-here").getByRole("listitem").filter({ hasText: "Alice" }),
  ).toContainText("typing");
  await alice.getByRole("button", { name: "Send" }).click();
  await expect(
    bob.getByTestId("who-is-here").getByRole("listitem").filter({ hasText: "Alice" }),
  ).not.toContainText("typing");
});

test("a signed-out visitor sees who is here and their cursors, and is not listed", async ({
  alice,
  bob,
  browser,
  app,
}) => {
  const context = await browser.newContext({ baseURL: app.url });
  const visitor = await context.newPage();
  await enterRoom(alice, "ai");
  await enterRoom(bob, "ai");
  await visitor.goto("/chats/ai");
  await expect(whoIsHere(visitor)).toHaveText(["Alice", "Bob"]);

  await pointAt(alice, 0.2, 0.3);
  await expect(cursorOf(visitor, "Alice")).toBeVisible();
  await visitor.mouse.move(300, 400);
  await expect(whoIsHere(bob)).toHaveText(["Alice", "Bob"]);
  await context.close();
});
