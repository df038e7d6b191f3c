import { enterRoom, expect, messages, post, test } from "./fixtures";

test("stage 1: a message stays in the tab that sent it, and a reload loses it", async ({
  alice,
  bob,
  tag,
}) => {
  await enterRoom(alice, "lobby");
  await enterRoom(bob, "lobby");

  await post(alice, `hello from Alice ${tag}`);
  const sent = messages(alice).filter({ hasText: `hello from Alice ${tag}` });
  await expect(sent).toHaveCount(1);
  await expect(sent.getByTestId("author")).toHaveText("Alice");

  // Bob, in the same room, sees nothing: the message never left Alice's browser.
  await post(bob, `Bob's own ${tag}`);
  await expect(messages(bob)).toHaveCount(1);
  await expect(messages(bob).filter({ hasText: "hello from Alice" })).toHaveCount(0);

  await alice.reload();
  await expect(alice.getByRole("textbox", { name: "Message" })).toBeEnabled();
  await expect(messages(alice)).toHaveCount(0);
  await expect(alice.getByText("No messages yet")).toBeVisible();
});
