import { devices, type Browser, type Page } from "@playwright/test";
import { unpack } from "msgpackr";
import { STAGE } from "../support/stage";
import { enterRoom, expect, messages, test } from "./fixtures";

// Playwright's own device descriptors, on Chromium: the size, touch and user agent of the real thing.
const only = ({ viewport, isMobile, hasTouch, userAgent, deviceScaleFactor }: Device) => ({
  viewport,
  isMobile,
  hasTouch,
  userAgent,
  deviceScaleFactor,
});
type Device = (typeof devices)[string];
const PHONE = only(devices["iPhone 13"]); // 390×844
const TABLET = only(devices["iPad Mini"]); // 768×1024

test.use({ aiReply: "mention" }); // the AI keeps quiet: these tests are about people

async function openOn(browser: Browser, url: string, device: typeof PHONE, name: string) {
  const context = await browser.newContext({ ...device, baseURL: url });
  await context.addInitScript((name) => localStorage.setItem("party-ai-chat:name", name), name);
  return context.newPage();
}

/** Every element that scrolls sideways (the page included), described for the failure message. */
function sidewaysScrollers(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("*")]
      .filter((element) => {
        const scrollable =
          element === document.scrollingElement ||
          /auto|scroll/.test(getComputedStyle(element).overflowX);
        return scrollable && element.scrollWidth > element.clientWidth + 1;
      })
      .map((element) => `<${element.localName} class="${element.className}">`),
  );
}

/** Asserts that `locator`'s every match lies within the page's width. */
async function fitsTheWidth(page: Page, selector: string) {
  const width = page.viewportSize()!.width;
  for (const box of await page
    .locator(selector)
    .evaluateAll((elements) =>
      elements.map((element) => element.getBoundingClientRect().toJSON()),
    )) {
    expect(box.left, `${selector} starts off screen`).toBeGreaterThanOrEqual(0);
    expect(box.right, `${selector} ends off screen`).toBeLessThanOrEqual(width);
  }
}

for (const [device, descriptor] of Object.entries({ phone: PHONE, tablet: TABLET })) {
  test(`no page scrolls sideways on a ${device}`, async ({ browser, app, tag }) => {
    const page = await openOn(browser, app.url, descriptor, "Maximiliana Featherstonehaugh");
    for (const path of ["/", "/chats", "/usage", "/chats/lobby/join", "/no-such-page"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      expect(await sidewaysScrollers(page), path).toEqual([]);
    }

    // A room, with a long unbroken word in a message.
    await enterRoom(page, "lobby");
    const word = "abcdefghij".repeat(12);
    await page.getByRole("textbox", { name: "Message" }).fill(`${tag} ${word}`);
    await page.getByRole("button", { name: "Send" }).tap();
    await expect(messages(page).filter({ hasText: tag })).toBeVisible();
    expect(await sidewaysScrollers(page)).toEqual([]);
    await fitsTheWidth(page, "[data-testid=body], [data-testid=who-is-here] li");
    await page.context().close();
  });
}

test("on a phone a message is typed and sent, and the composer stays on screen", async ({
  browser,
  app,
  alice,
  tag,
}) => {
  const phone = await openOn(browser, app.url, PHONE, "Phoebe");
  await enterRoom(phone, "remix");
  if (STAGE >= 2) await enterRoom(alice, "remix");
  const composer = phone.getByRole("textbox", { name: "Message" });

  // Enough long messages to fill the screen several times over.
  for (let i = 1; i <= 6; i++) {
    await composer.tap();
    await phone.keyboard.type(`${tag} ${i} ${"words that wrap on a narrow screen ".repeat(6)}`);
    await phone.getByRole("button", { name: "Send" }).tap();
    await expect(messages(phone).filter({ hasText: `${tag} ${i} ` })).toBeVisible();
  }
  // The latest message and the composer are both on screen: the chat scrolls, not the page.
  await expect(messages(phone).filter({ hasText: `${tag} 6 ` })).toBeInViewport();
  await expect(composer).toBeInViewport({ ratio: 1 });
  await expect(phone.getByRole("button", { name: "Send" })).toBeInViewport({ ratio: 1 });
  if (STAGE >= 2) await expect(messages(alice).filter({ hasText: tag })).toHaveCount(6);
  await phone.context().close();
});

test("a phone is listed as here and sees a desktop's cursor, and a finger sends no cursor", async ({
  browser,
  app,
  alice,
}) => {
  test.skip(STAGE < 5, "who is here and cursors arrive in stage 5");
  const phone = await openOn(browser, app.url, PHONE, "Phoebe");
  // What the phone tells the presence party (msgpack frames).
  const sent: { type: string; presence?: { cursor?: unknown; typing?: boolean } }[] = [];
  phone.on("websocket", (socket) => {
    if (!socket.url().includes("/parties/presence/")) return;
    socket.on("framesent", ({ payload }) =>
      sent.push(typeof payload === "string" ? JSON.parse(payload) : unpack(payload)),
    );
  });
  await enterRoom(alice, "ai");
  await enterRoom(phone, "ai");
  const whoIsHere = (page: Page) => page.getByTestId("who-is-here").getByTestId("person");
  await expect(whoIsHere(alice)).toContainText(["Alice", "Phoebe"]);

  // Alice's mouse shows on the phone.
  const panel = (await alice.getByTestId("cursor-panel").boundingBox())!;
  await alice.mouse.move(panel.x + panel.width / 2, panel.y + panel.height / 2, { steps: 4 });
  const aliceOnPhone = phone.getByTestId("cursor").filter({ hasText: "Alice" });
  await expect(aliceOnPhone).toBeVisible();
  await fitsTheWidth(phone, "[data-testid=who-is-here] li");

  // A finger dragged across the phone's chat panel: pointer events of type "touch".
  const box = (await phone.getByTestId("cursor-panel").boundingBox())!;
  const cdp = await phone.context().newCDPSession(phone);
  const at = (fx: number, fy: number) => [
    { x: box.x + fx * box.width, y: box.y + fy * box.height },
  ];
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: at(0.3, 0.3) });
  for (const f of [0.35, 0.4, 0.45, 0.5])
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: at(f, f) });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  // Then typing, sent after the moves on the same socket, with the whole presence: once Alice
  // sees it, everything the phone sent is in, and no cursor among it.
  await phone.getByRole("textbox", { name: "Message" }).tap();
  await phone.keyboard.type("hi");
  await expect(
    alice.getByTestId("who-is-here").getByRole("listitem").filter({ hasText: "Phoebe" }),
  ).toContainText("typing");
  expect(sent.filter((message) => message.type === "update").length).toBeGreaterThan(0);
  expect(sent.filter((message) => message.presence?.cursor)).toEqual([]);
  await expect(alice.getByTestId("cursor").filter({ hasText: "Phoebe" })).toBeHidden();
  await phone.context().close();
});
