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

test("Bob stops the reply to Alice for both; his queued message is answered next", async ({
  alice,
  bob,
  app,
  tag,
}) => {
  app.scriptReply(`Once upon a time ${"there was more to say, ".repeat(60)}`);
  await enterRoom(alice, "ai");
  await enterRoom(bob, "ai");
  await post(alice, `Tell me a long story ${tag}`);
  const story = (page: Page) => replyTo(page, `story ${tag}`);
  for (const page of [alice, bob]) {
    await expect(story(page).getByTestId("body")).toContainText("Once upon a time");
    await expect(page.getByTestId("ai-turn")).toContainText("AI is answering Alice…");
  }

  // Bob speaks while the AI answers Alice: his message waits for the next reply, and says so.
  await post(bob, `Me too ${tag}`);
  const bobs = (page: Page) => messages(page).filter({ hasText: `Me too ${tag}` });
  for (const page of [alice, bob]) await expect(bobs(page).getByTestId("queued")).toBeVisible();

  app.scriptReply(`Hello Bob. ${"Here is a normal answer. ".repeat(8)}`); // the next reply's script
  const aborted = () => app.aiOutcomes().filter((outcome) => outcome === "aborted").length;
  const abortedBefore = aborted();
  await bob.getByRole("button", { name: "Stop" }).click();
  for (const page of [alice, bob]) {
    await expect(story(page)).toHaveAttribute("data-status", "stopped");
    await expect(story(page)).toContainText("Stopped by Bob");
    await expect(story(page).getByTestId("body")).toContainText("Once upon a time"); // kept
  }
  await expect
    .poll(aborted, { message: "the provider saw the room hang up" })
    .toBe(abortedBefore + 1);

  // The next reply answers Bob: the mark clears as it starts, and it ends normally.
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("ai-turn")).toContainText("AI is answering Bob…");
    await expect(bobs(page).getByTestId("queued")).toHaveCount(0);
  }
  for (const page of [alice, bob]) {
    await expect(replyTo(page, `Me too ${tag}`)).toHaveAttribute("data-status", "done", {
      timeout: 20_000,
    });
    await expect(replyTo(page, `Me too ${tag}`)).toContainText("Hello Bob.");
    await expect(page.getByTestId("ai-turn")).toHaveCount(0);
  }
});

test("a stop for no reply being written is refused, and nothing changes", async ({
  alice,
  bob,
  request,
  tag,
}) => {
  await enterRoom(alice, "ai");
  await post(alice, `Quick one ${tag}`);
  await expect(replyTo(alice, tag)).toHaveAttribute("data-status", "done", { timeout: 20_000 });
  const { messages: transcript } = await (await request.get("/parties/chatroom/ai")).json();
  const asked = transcript.findIndex((m: { body: string }) => m.body.includes(tag));
  const done: string = transcript[asked + 1].id;

  // Bob skips the UI and writes stop frames straight to the room's socket.
  await bob.goto("/chats");
  const codes = await bob.evaluate(async (done) => {
    const socket = new WebSocket(`ws://${location.host}/parties/chatroom/ai`);
    const codes: string[] = [];
    const refused = new Promise<void>((resolve) => {
      socket.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        if (frame.type === "error" && codes.push(frame.code) === 3) resolve();
      };
    });
    await new Promise((resolve) => (socket.onopen = resolve));
    const stop = (id: string, name = "Bob") => JSON.stringify({ type: "stop", id, user: { name } });
    socket.send(stop("no-such-reply"));
    socket.send(stop(done));
    socket.send(stop(done, "AI")); // names go through the one name rule
    await refused;
    socket.close();
    return codes;
  }, done);
  expect(codes).toEqual(["not_streaming", "not_streaming", "invalid"]);
  await expect(replyTo(alice, tag)).toHaveAttribute("data-status", "done");
  await expect(replyTo(alice, tag)).not.toContainText("Stopped by");
});

test("AI replies are markdown with no stray marks mid-stream; their HTML stays text", async ({
  alice,
  app,
  tag,
}) => {
  const dialogs: string[] = [];
  alice.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const violations: string[] = [];
  alice.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  app.scriptReply(
    "Here is **some bold news** for you:\n\n- first\n- second\n\n" +
      "See [the docs](https://example.com/docs). <img src=x onerror=alert(1)>",
  );
  await enterRoom(alice, "ai");
  // Alice's page notes any moment an AI reply shows a raw `**`.
  await alice.evaluate(() => {
    const seen: string[] = ((window as any).rawMarks = []);
    new MutationObserver(() => {
      for (const body of document.querySelectorAll("[data-role=assistant] [data-testid=body]"))
        if (body.textContent?.includes("**")) seen.push(body.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await post(alice, `Say **this** plainly ${tag}`);

  const body = replyTo(alice, tag).getByTestId("body");
  await expect(replyTo(alice, tag)).toHaveAttribute("data-status", "done", { timeout: 20_000 });
  await expect(body.locator("strong")).toHaveText("some bold news");
  await expect(body.getByRole("listitem")).toHaveText(["first", "second"]);
  const link = body.getByRole("link", { name: "the docs" });
  await expect(link).toHaveAttribute("href", "https://example.com/docs");
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).toHaveAttribute("rel", "noopener noreferrer");
  await expect(body).toContainText("<img src=x onerror=alert(1)>");
  await expect(body.locator("img")).toHaveCount(0);
  expect(await alice.evaluate(() => (window as any).rawMarks)).toEqual([]);

  // People's messages stay plain text.
  const own = messages(alice).filter({ hasText: `plainly ${tag}` });
  await expect(own.getByTestId("body")).toHaveText(`Say **this** plainly ${tag}`);
  expect(dialogs).toEqual([]);
  expect(violations).toEqual([]);
});
