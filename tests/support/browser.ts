import { existsSync } from "node:fs";
import { chromium, type LaunchOptions } from "@playwright/test";

const SYSTEM_CHROMIUMS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

// Flags that keep a system Chromium quiet on a machine without internet.
const QUIET = [
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Playwright's own Chromium when installed, else the system's; a clear error when neither exists. */
export function launchOptions(): LaunchOptions {
  if (existsSync(chromium.executablePath())) return {};
  const system = SYSTEM_CHROMIUMS.find((path) => existsSync(path));
  if (!system) {
    throw new Error(
      "No browser for the end-to-end tests. Run `npx playwright install chromium` (on Debian: `apt-get install chromium`).",
    );
  }
  // Root (CI, containers) cannot use Chromium's sandbox.
  const sandbox = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  return { executablePath: system, args: [...sandbox, ...QUIET] };
}
