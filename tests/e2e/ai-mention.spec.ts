import { enterRoom, expect, messages, post, test } from "./fixtures";

test.use({ aiReply: "mention" });

test("with AI_REPLY=mention the AI answers @ai and stays quiet otherwise", async ({
  alice,
  app,
  tag,
}) => {
  await enterRoom(alice, "remix");
  const before = app.aiRequests();

  await post(alice, `just people talking ${tag}`);
  await post(alice, `@ai what do you think? ${tag}`);
  const asked = messages(alice).filter({ hasText: `@ai what do you think? ${tag}` });
  const reply = asked.locator("xpath=following-sibling::li[@data-role='assistant'][1]");
  await expect(reply).toHaveAttribute("data-status", "done", { timeout: 10_000 });

  // One reply, after the mention; nothing after the plain message.
  const quiet = messages(alice).filter({ hasText: `just people talking ${tag}` });
  await expect(quiet.locator("xpath=following-sibling::li[1]")).toContainText(
    "@ai what do you think?",
  );
  expect(app.aiRequests() - before).toBe(1);
});
