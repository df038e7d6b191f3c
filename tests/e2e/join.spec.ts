import type { Locator } from "@playwright/test";
import jsQR from "jsqr";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { ROOT, freePort, stageDir } from "../../scripts/stage-app.js";
import { STAGE } from "../support/stage";
import { expect, test } from "./fixtures";

/** The text of the QR code in `locator`, read from a screenshot the way a phone's camera would. */
async function scanQr(locator: Locator) {
  const png = PNG.sync.read(await locator.screenshot());
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

test("a room's join view shows its URL as a QR code, and says when that is localhost", async ({
  page,
  app,
}) => {
  await page.goto("/chats/lobby");
  await page.getByRole("link", { name: "Join from your phone" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Join #lobby from your phone");
  // Started without npm run dev's JOIN_ORIGIN (as when deployed): the page's own address.
  expect(await scanQr(page.getByTestId("join-qr"))).toBe(`${app.url}/chats/lobby`);
  await expect(page.getByTestId("join-url")).toHaveText(`${app.url}/chats/lobby`);
  await expect(page.getByTestId("join-local-only")).toContainText("only this computer");
  // Big on a projector: most of a 1080p screen's height.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await expect
    .poll(async () => (await page.getByTestId("join-qr").boundingBox())?.height)
    .toBeGreaterThan(500);
});

test("npm run dev prints the LAN URL and a QR code, and the join view encodes the room there", async ({
  page,
}) => {
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address?.family === "IPv4" && !address.internal)
    .map((address) => address!.address);
  test.skip(lan.length === 0, "this machine has no network address besides loopback");
  test.setTimeout(180_000);

  // A copy of its own: npm run dev rebuilds, which must not restart the other tests' server.
  const dir = join(stageDir(STAGE), "..", `dev-${STAGE}`);
  mkdirSync(dir, { recursive: true });
  const exported = spawnSync(
    process.execPath,
    [join(ROOT, "scripts/stage"), "export", String(STAGE), dir, "--force"],
    { encoding: "utf8" },
  );
  expect(exported.status, exported.stderr).toBe(0);
  if (!existsSync(join(dir, "node_modules")))
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");

  const port = await freePort();
  const dev = spawn("npm", ["run", "dev"], {
    cwd: dir,
    detached: true, // its own process group: stopping it stops remix, partykit and workerd too
    env: { ...process.env, PORT: String(port), OPENAI_BASE_URL: "", OPENAI_API_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  dev.stdout.on("data", (chunk) => (output += chunk));
  dev.stderr.on("data", (chunk) => (output += chunk));
  try {
    const urls = lan.map((address) => `http://${address}:${port}`);
    await expect
      .poll(() => urls.find((url) => output.includes(url)) ?? output.slice(-2000), {
        timeout: 120_000,
      })
      .toMatch(/^http:\/\/[\d.]+:\d+$/);
    const printed = urls.find((url) => output.includes(url))!;
    // Its QR code follows it: rows of block characters.
    expect(output.slice(output.indexOf(printed))).toMatch(/(.*[▀▄█].*\n){10,}/);

    // The presenter opens the join view on the laptop, at localhost: the code holds the LAN address.
    await expect
      .poll(
        async () =>
          (await page.goto(`http://127.0.0.1:${port}/chats/lobby/join`).catch(() => null))?.ok(),
        { timeout: 120_000 },
      )
      .toBe(true);
    expect(await scanQr(page.getByTestId("join-qr"))).toBe(`${printed}/chats/lobby`);
    await expect(page.getByTestId("join-local-only")).toHaveCount(0);
  } finally {
    if (dev.exitCode === null && dev.signalCode === null) {
      const exited = new Promise((resolve) => dev.once("exit", resolve));
      process.kill(-dev.pid!, "SIGTERM");
      await exited;
    }
  }
});
