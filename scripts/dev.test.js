// @ts-check
// `npm run dev` on a fresh machine (no key, no network): the app answers, and from stage 3 on the AI does too.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { ROOT, freePort } from "./stage-app.js";

test(
  "npm run dev serves the current stage, with an offline AI from stage 3 on",
  { timeout: 120_000 },
  async (t) => {
    const port = await freePort();
    // Empty values hide any provider of the developer's, as on a fresh machine.
    const env = {
      ...process.env,
      PORT: String(port),
      OPENAI_BASE_URL: "",
      OPENAI_API_KEY: "",
      OPENAI_MODEL: "",
      AI_REPLY: "",
      OPEN_ROOMS: "dev-test-[\\w-]+",
    };
    const dev = spawn(process.execPath, ["scripts/dev.js"], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    dev.stdout.on("data", (chunk) => (output += chunk));
    dev.stderr.on("data", (chunk) => (output += chunk));
    t.after(() => {
      try {
        process.kill(-(/** @type {number} */ (dev.pid)), "SIGTERM");
      } catch {}
    });

    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 90_000;
    while (
      !(await fetch(`${url}/chats/lobby`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      assert.ok(dev.exitCode === null, `npm run dev exited:\n${output}`);
      assert.ok(Date.now() < deadline, `no page on ${url} after 90 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    if (!existsSync(join(ROOT, "party/ai.ts"))) return; // stages 1 and 2 have no AI

    const socket = new WebSocket(
      `ws://127.0.0.1:${port}/parties/chatroom/dev-test-${randomUUID()}`,
    );
    /** @type {any[]} */
    const frames = [];
    const reply = new Promise((resolve, reject) => {
      socket.onerror = () => reject(new Error(`websocket error:\n${output}`));
      socket.onmessage = (event) => {
        const frame = JSON.parse(String(event.data));
        frames.push(frame);
        if (
          frame.type === "update" &&
          frame.message.role === "assistant" &&
          frame.message.status !== "streaming"
        ) {
          resolve(frame.message);
        }
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
