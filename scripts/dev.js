#!/usr/bin/env node
// @ts-check
// `npm run dev`: the current stage on http://localhost:1999. It follows `scripts/stage N` and your
// edits: one build per change, the PartyKit runtime restarted only when the parties change, and every
// open page reloaded once the new code serves. The AI and every secret a stage needs are set up
// front, whatever stage it starts at. How it works: scripts/dev/loop.js, docs/decisions/013.
import { fileURLToPath } from "node:url";
import { startDev } from "./dev/loop.js";
import { DevError } from "./dev/ports.js";
import { printJoinInfo } from "./join-info.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const requested = process.env.PORT;

try {
  if (requested && !/^\d{1,5}$/.test(requested))
    throw new DevError(
      `PORT=${requested} is not a port number; run e.g. PORT=2000 npm run dev`,
      "BAD_PORT",
    );
  const dev = await startDev({
    root,
    port: Number(requested ?? 1999),
    strictPort: Boolean(requested), // a port you asked for is yours or an error; else the next free one
    log: (line) => console.log(line),
  });
  printReady(dev.url);
  await printJoinInfo(dev.port); // the audience's address, and its QR code
  const stop = () => void dev.stop().finally(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  if (!(error instanceof DevError)) throw error;
  console.error(`✖ dev: ${error.message}`);
  process.exit(1);
}

/** The one place that tells the presenter where to point the browser. @param {string} url */
function printReady(url) {
  console.log(`\nParty AI Chat: ${url}  (Ctrl-C to stop)\n`);
}
