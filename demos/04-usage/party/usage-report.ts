import type * as Party from "partykit/server";
import { parseJson } from "./json";
import { TallySchema, USAGE_ROOM, type UsageReport } from "./usage.schema";

const RETRY_AFTER_MS = [500, 2_000, 8_000]; // then give up: a lost report must not pile up work

/** Tells the usage party about one AI reply, party to party. Retries; never throws. */
export async function reportUsage(room: Party.Room, report: UsageReport): Promise<void> {
  const secret = room.env.USAGE_SECRET; // without it, the usage party refuses: that is logged too
  let problem = "";
  for (const wait of [0, ...RETRY_AFTER_MS]) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      const response = await room.context.parties.usage.get(USAGE_ROOM).fetch({
        method: "POST",
        headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
        body: JSON.stringify(report),
      });
      if (response.ok) return;
      problem = `${response.status} ${await response.text()}`;
      if (response.status >= 400 && response.status < 500) break; // a refused report stays refused
    } catch (error) {
      problem = String(error);
    }
  }
  console.error(`usage of #${report.room} not reported (${problem})`);
}

/** Over AI_TOKENS_PER_HOUR (default 200 000) for the deployment: the room's notice, or null. */
export async function tokensSpent(room: Party.Room, now = Date.now()): Promise<string | null> {
  const limit = Number(room.env.AI_TOKENS_PER_HOUR) || 200_000;
  // The budget is a guard, not a reason to stop the talk: no tally, no limit.
  const usage = room.context.parties.usage.get(USAGE_ROOM);
  const response = await usage.fetch().catch(() => null);
  const tally = parseJson(TallySchema, await response?.text());
  if (!tally.success) return null;
  const hour = tally.data.perMinute.filter((m) => m.minute > Math.floor(now / 60_000) - 60);
  if (hour.reduce((sum, m) => sum + m.tokens, 0) < limit) return null;
  return `The AI has used its ${limit.toLocaleString("en-US")} tokens for this hour. It rests.`;
}
