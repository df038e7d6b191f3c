// A URL on a projector reaches strangers: only listed rooms exist, one address holds only so many
// sockets, names cannot pass for someone else, and a flood from one person disturbs nobody.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { expect, test, enterRoom } from "./fixtures";
import { STAGE } from "../support/stage";

/** Every file the rooms keep in storage (partykit dev persists under .partykit/state/party). */
const storageFiles = (dir: string) =>
  readdirSync(join(dir, ".partykit/state/party"), { recursive: true }).length;

/** Opens a socket to a room from Node, and collects its frames. */
function open(url: string, party: string, room: string) {
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/parties/${party}/${room}`);
  const frames: { type: string; code?: string }[] = [];
  socket.onmessage = (event) =>
    typeof event.data === "string" && frames.push(JSON.parse(event.data));
  const closed = new Promise<number>(
    (resolve) => (socket.onclose = (event) => resolve(event.code)),
  );
  const opened = new Promise<boolean>((resolve) => {
    socket.onopen = () => resolve(true);
    socket.onerror = () => resolve(false);
  });
  return { socket, frames, closed, opened };
}

test("an unknown room is a 404, and no storage is made for it", async ({ app, request }) => {
  const before = storageFiles(app.dir);
  const parties = STAGE >= 5 ? ["chatroom", "presence"] : ["chatroom"];
  for (const party of parties) {
    for (const room of ["nope", `x-${randomUUID()}`, "lobby2"]) {
      expect((await request.get(`/parties/${party}/${room}`)).status()).toBe(404);
      const { opened } = open(app.url, party, room);
      expect(await opened, `${party}/${room} must refuse the socket`).toBe(false);
    }
  }
  expect(storageFiles(app.dir)).toBe(before);
  expect((await request.get("/parties/chatroom/lobby")).status()).toBe(200); // listed rooms still are
});

test("one address holds at most CONNECTIONS_PER_ADDRESS sockets in a room", async ({ app }) => {
  const room = `test-cap-${randomUUID().slice(0, 8)}`;
  const cap = Number(app.vars.CONNECTIONS_PER_ADDRESS);
  const accepted = Array.from({ length: cap }, () => open(app.url, "chatroom", room));
  await expect.poll(() => accepted.filter((s) => s.frames[0]?.type === "history").length).toBe(cap);

  const extra = open(app.url, "chatroom", room);
  expect(await extra.closed).toBe(1008);
  expect(extra.frames).toEqual([expect.objectContaining({ type: "error", code: "too_many" })]);

  // The refusal disturbs nobody already in the room.
  const message = { id: randomUUID(), body: "still fine", user: { name: "Ann" } };
  accepted[1].socket.send(JSON.stringify({ type: "message", message }));
  await expect.poll(() => accepted[2].frames.some((f) => f.type === "update")).toBe(true);
  for (const { socket } of accepted) socket.close();
});

test("the room refuses names that pass for the AI or hide characters", async ({ app }) => {
  const { socket, frames, opened } = open(app.url, "chatroom", `test-names-${randomUUID()}`);
  await opened;
  const names = ["AI", "ai ", "Ai", "Mal\u202Eyrol", "Zero\u200Bwidth", "Tab\tname"];
  for (const name of names) {
    const message = { id: randomUUID(), body: "hello", user: { name } };
    socket.send(JSON.stringify({ type: "message", message }));
  }
  await expect.poll(() => frames.filter((f) => f.type === "error").length).toBe(names.length);
  expect(frames.filter((f) => f.type === "error").map((f) => f.code)).toEqual(
    names.map(() => "invalid"),
  );
  expect(frames.some((f) => f.type === "update")).toBe(false);
  socket.close();
});

test("a flood from one person is rate-limited while the others keep chatting", async ({
  alice,
  bob,
  tag,
}) => {
  await enterRoom(alice, "remix");
  await enterRoom(bob, "remix");
  // Bob floods from his own page: far more frames than the room accepts (3 a second, burst 10).
  const refused = await bob.evaluate(async (tag) => {
    const socket = new WebSocket(`ws://${location.host}/parties/chatroom/remix`);
    await new Promise((resolve) => (socket.onopen = resolve));
    const sent = 60;
    let accepted = 0;
    let limited = 0;
    // Every frame is answered: its update (accepted) or an error. Wait for all of them.
    const answered = new Promise<void>((resolve) => {
      socket.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        if (frame.code === "rate_limited") limited++;
        if (frame.message?.body?.startsWith(`flood ${tag}`)) accepted++;
        if (accepted + limited === sent) resolve();
      };
    });
    for (let i = 0; i < sent; i++) {
      const message = { id: crypto.randomUUID(), body: `flood ${tag} ${i}`, user: { name: "Bob" } };
      socket.send(JSON.stringify({ type: "message", message }));
    }
    await answered;
    socket.close();
    return limited;
  }, tag);
  expect(refused).toBeGreaterThanOrEqual(45); // a burst of 10 passes, and 3 a second after it

  // Alice is not disturbed: her messages go through and Bob sees them.
  await alice.getByRole("textbox", { name: "Message" }).fill(`still here ${tag}`);
  await alice.getByRole("button", { name: "Send" }).click();
  await expect(bob.getByText(`still here ${tag}`)).toBeVisible();
});
