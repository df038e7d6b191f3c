import { expect, test } from "./fixtures";

test("home links to the rooms, and each room opens", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "See the rooms" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  await page.getByRole("link", { name: /#remix/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("#remix");
});

test("sign-in sets a display name that survives a reload", async ({ page }) => {
  await page.goto("/chats/lobby");
  const message = page.getByRole("textbox", { name: "Message" });
  await expect(message).toBeDisabled();

  await page.getByRole("textbox", { name: "Your name" }).fill("Grace");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-name")).toHaveText("Grace");
  await expect(message).toBeEnabled();

  await page.reload();
  await expect(page.getByTestId("signed-in-name")).toHaveText("Grace");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("an unknown room is a real 404 page", async ({ page }) => {
  const response = await page.goto("/chats/no-such-room");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Room not found" })).toBeVisible();
  await expect(page.getByText("There is no room called #no-such-room.")).toBeVisible();
});

test("an unknown page is a real 404 page", async ({ page }) => {
  const response = await page.goto("/nowhere");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
