// Every page carries a Content-Security-Policy the app works under, and a name is only ever text.
import type { Page } from "@playwright/test";
import { expect, test, enterRoom } from "./fixtures";
import { STAGE } from "../support/stage";

const PAGES = ["/", "/chats", "/chats/lobby", "/usage", "/chats/no-such-room", "/nowhere"];

/** Console messages in which Chromium reports a blocked script, style, socket or frame. */
function cspViolations(page: Page) {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

test("every page has a Content-Security-Policy and the hardening headers", async ({ request }) => {
  for (const path of PAGES) {
    const headers = (await request.get(path)).headers();
    const csp = headers["content-security-policy"] ?? "";
    expect(csp, path).toMatch(/script-src 'self' 'nonce-[\w-]+'/);
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).toMatch(/connect-src 'self' ws:\/\/[^ ;]+ wss:\/\//);
    expect(csp, path).not.toContain("unsafe-eval");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("same-origin");
  }
});

test("the app works under its policy, with no violation reported", async ({ alice, bob, tag }) => {
  const violations = [cspViolations(alice), cspViolations(bob)];
  await enterRoom(alice, "lobby");
  await enterRoom(bob, "lobby");
  await alice.getByRole("textbox", { name: "Message" }).fill(`under CSP ${tag}`);
  await alice.getByRole("button", { name: "Send" }).click();
  await expect(alice.getByText(`under CSP ${tag}`)).toBeVisible();
  if (STAGE >= 2) await expect(bob.getByText(`under CSP ${tag}`)).toBeVisible();
  if (STAGE >= 3) await expect(bob.getByTestId("message").last()).toContainText(/\w/);
  if (STAGE >= 5) {
    await alice.mouse.move(300, 400);
    await expect(bob.getByTestId("cursor")).toHaveCount(1);
  }
  await alice.goto("/usage");
  await alice.goto("/chats");
  expect(violations.flat()).toEqual([]);
});

test("the sign-in form refuses the AI's name and hidden characters", async ({ page }) => {
  await page.goto("/chats/lobby");
  const input = page.getByRole("textbox", { name: "Your name" });
  for (const name of ["AI", "ai ", "Mal\u202Eyrol", "a\u200Bb"]) {
    await input.fill(name);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(input).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByTestId("signed-in-name")).toHaveCount(0);
  }
  await expect(input).toHaveAttribute("title", /invisible or control characters/);
  await input.fill("  Ada  ");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-name")).toHaveText("Ada");
});

test("markup in a display name shows as text, and runs nothing", async ({ browser, bob, tag }) => {
  const name = `<img src=x onerror=alert(1)>`;
  const context = await browser.newContext();
  await context.addInitScript((name) => localStorage.setItem("party-ai-chat:name", name), name);
  const mallory = await context.newPage();
  const dialogs: string[] = [];
  for (const page of [mallory, bob]) page.on("dialog", (dialog) => dialogs.push(dialog.message()));

  await enterRoom(mallory, "partykit");
  await expect(mallory.getByTestId("signed-in-name")).toHaveText(name);
  if (STAGE >= 2) await enterRoom(bob, "partykit");
  await mallory.getByRole("textbox", { name: "Message" }).fill(`hi ${tag}`);
  await mallory.getByRole("button", { name: "Send" }).click();
  const reader = STAGE >= 2 ? bob : mallory;
  await expect(reader.getByText(`hi ${tag}`)).toBeVisible();
  await expect(reader.getByText(name).first()).toBeVisible();
  if (STAGE >= 5) {
    await mallory.mouse.move(320, 420);
    await expect(bob.getByTestId("cursor").filter({ hasText: name })).toBeVisible();
    await expect(bob.getByTestId("who-is-here")).toContainText(name);
  }
  expect(await reader.locator("img[src=x]").count()).toBe(0);
  expect(dialogs).toEqual([]);
  await context.close();
});
