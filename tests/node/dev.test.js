// @ts-check
// `npm run dev` (node scripts/dev.js) as a user starts it: on a fresh machine (no key, no network),
// two at once, and on a port that is taken.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import test from "node:test";
import { makeDevCopy, runStage, startDev } from "../../scripts/rehearsal-copy.js";
import { freePort } from "../../scripts/dev/ports.js";

test(
  "started at stage 3 with no AI named, the rooms' AI is the offline model",
  { timeout: 180_000 },
  async (t) => {
    const dev = await startDev(makeDevCopy(3, "node-dev-ai"), {
      env: { PORT: String(await freePort()), OPEN_ROOMS: "dev-test-[\\w-]+" },
    });
    t.after(() => dev.stop());

    const url = dev.url.replace("http", "ws").replace("localhost", "127.0.0.1");
    const socket = new WebSocket(`${url}/parties/chatroom/dev-test-${randomUUID()}`);
    /** @type {any[]} */
    const frames = [];
    const reply = new Promise((resolve, reject) => {
      socket.onerror = () => reject(new Error(`websocket error:\n${dev.output()}`));
      socket.onmessage = (event) => {
        const frame = JSON.parse(String(event.data));
        frames.push(frame);
        const { message } = frame;
        if (
          frame.type === "update" &&
          message.role === "assistant" &&
          message.status !== "streaming"
        )
          resolve(message);
      };
    });
    socket.onopen = () =>
      socket.send(
        JSON.stringify({
          type: "message",
          message: { id: randomUUID(), body: "What is a room?", user: { name: "Ada" } },
        }),
      );
    const message = /** @type {any} */ (await reply);
    socket.close();
    assert.equal(frames[0].ai, "offline demo model");
    assert.equal(message.status, "done", message.error);
    assert.ok(message.body.length > 10, `a real reply: ${message.body}`);
    assert.ok(
      frames.some((frame) => frame.type === "delta"),
      "the reply was streamed",
    );
  },
);

test(
  "switching down (4→2) serves stage 2 as soon as it says so: no stale page, no stale party",
  {
    timeout: 180_000,
  },
  async (t) => {
    const dir = makeDevCopy(4, "node-dev-down");
    const dev = await startDev(dir, { env: { PORT: String(await freePort()) } });
    t.after(() => dev.stop());
    assert.equal((await fetch(`${dev.url}/parties/usage/total`)).status, 200, dev.output());
    assert.match(await (await fetch(`${dev.url}/chats/lobby`)).text(), /data-testid="ai-model"/);

    const from = dev.output().length;
    runStage(dir, "2");
    await dev.waitFor(/dev: ready in .*: stage 2 · /, from);
    const page = await (await fetch(`${dev.url}/chats/lobby`)).text();
    assert.doesNotMatch(page, /data-testid="ai-model"/, "stage 3's AI header is gone");
    assert.match(page, /data-testid="connection-status"/, "stage 2's room is there");
    assert.equal((await fetch(`${dev.url}/parties/usage/total`)).status, 404, "no usage party");
    assert.equal((await fetch(`${dev.url}/parties/chatroom/lobby`)).status, 200);
  },
);

test(
  "two npm run dev started at the same moment on two ports both serve",
  { timeout: 180_000 },
  async (t) => {
    const dirs = [makeDevCopy(2, "node-dev-twin-a"), makeDevCopy(2, "node-dev-twin-b")];
    const ports = [await freePort(), await freePort()];
    const devs = await Promise.all(
      dirs.map((dir, i) => startDev(dir, { env: { PORT: String(ports[i]) } })),
    );
    t.after(() => Promise.all(devs.map((dev) => dev.stop())));
    for (const [i, dev] of devs.entries()) {
      assert.equal(dev.url, `http://localhost:${ports[i]}`);
      const page = await fetch(`${dev.url}/chats/lobby`);
      assert.equal(page.status, 200, dev.output());
      const room = await fetch(`${dev.url}/parties/chatroom/lobby`);
      assert.equal(room.status, 200, `the chatroom party answers:\n${dev.output()}`);
    }
  },
);

test(
  "a busy PORT gives one line that names the fix, and exit code 1",
  { timeout: 60_000 },
  async (t) => {
    const taken = createServer().listen(0);
    await new Promise((resolve) => taken.once("listening", resolve));
    t.after(() => taken.close());
    const port = /** @type {import("node:net").AddressInfo} */ (taken.address()).port;

    const dev = await startDev(makeDevCopy(1, "node-dev-busy"), {
      env: { PORT: String(port) },
      wait: false,
    });
    assert.equal(await dev.exited, 1);
    assert.equal(
      dev.output(),
      `✖ dev: port ${port} is busy (another npm run dev?): stop it, or run PORT=${port + 1} npm run dev\n`,
    );
  },
);

test("a production build holds nothing of the dev server", { timeout: 120_000 }, () => {
  const dir = makeDevCopy(5, "node-dev-production");
  const built = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], {
    cwd: dir,
    encoding: "utf8",
  });
  assert.equal(built.status, 0, built.stderr);
  const files = ["build", "public/build"].flatMap((folder) =>
    readdirSync(join(dir, folder), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath ?? entry.path, entry.name)),
  );
  assert.ok(files.length > 3, `the build wrote ${files}`);
  for (const file of files)
    assert.doesNotMatch(readFileSync(file, "utf8"), /__dev\/|dev-indicator/, file);
});
