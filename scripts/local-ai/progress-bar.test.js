// @ts-check
import { test } from "node:test";
import assert from "node:assert/strict";
import { createProgressBar, progressLine } from "./progress-bar.js";

test("a progress line shows the bar, the percentage and the sizes", () => {
  assert.equal(progressLine(0, 270_590_880), `[${"-".repeat(24)}]   0%  0.0 MB of 271 MB`);
  assert.equal(
    progressLine(135_295_440, 270_590_880),
    `[${"#".repeat(12)}${"-".repeat(12)}]  50%  135 MB of 271 MB`,
  );
  assert.equal(progressLine(1_185_376, 1_185_376), `[${"#".repeat(24)}] 100%  1.2 MB of 1.2 MB`);
});

/** A stand-in for stderr. @param {boolean} isTTY */
function stream(isTTY) {
  const writes = /** @type {string[]} */ ([]);
  const fake = { isTTY, write: (/** @type {string} */ text) => writes.push(text) };
  return { writes, stream: /** @type {NodeJS.WriteStream} */ (/** @type {unknown} */ (fake)) };
}

test("in a log (no terminal) it writes one line per 10%, not one per chunk", () => {
  const { writes, stream: log } = stream(false);
  const bar = createProgressBar(log);
  bar.update({ totalSize: 0, downloadedSize: 0 }); // the size is not known yet: nothing to draw
  for (let done = 0; done <= 100; done += 4)
    bar.update({ totalSize: 100e6, downloadedSize: done * 1e6 });
  bar.end();
  assert.deepEqual(
    writes.map((line) => line.match(/\d+%/)?.[0]),
    ["0%", "12%", "20%", "32%", "40%", "52%", "60%", "72%", "80%", "92%", "100%"],
  );
  assert.ok(writes.every((line) => line.endsWith("\n")));
});

test("on a terminal it redraws one line, and ends it", () => {
  const { writes, stream: tty } = stream(true);
  const bar = createProgressBar(tty);
  bar.update({ totalSize: 10e6, downloadedSize: 5e6 });
  bar.update({ totalSize: 10e6, downloadedSize: 10e6 });
  bar.end();
  assert.deepEqual(writes, [`\r${progressLine(5e6, 10e6)}`, `\r${progressLine(10e6, 10e6)}`, "\n"]);
});
