// What the AI may spend, so a URL on a projector cannot run up the presenter's bill: at most
// AI_REPLIES_PER_MINUTE replies a minute in a room (10 by default). The times are kept in storage,
// so a restart forgets nothing.
import type * as Party from "partykit/server";

const KEY = "budget:replies";

/** Counts a reply about to start, or says why it may not: the notice the room shows instead. */
export async function spendReply(room: Party.Room, now = Date.now()): Promise<string | null> {
  const limit = Number(room.env.AI_REPLIES_PER_MINUTE) || 10;
  const recent = ((await room.storage.get<number[]>(KEY)) ?? []).filter((t) => t > now - 60_000);
  if (recent.length >= limit) {
    const wait = Math.ceil((recent[0] + 60_000 - now) / 1000);
    const again = `it answers again in ${wait} s`;
    return `The AI's budget is ${limit} replies a minute in this room: ${again}.`;
  }
  await room.storage.put(KEY, [...recent, now]);
  return null;
}
