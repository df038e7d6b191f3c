import type * as Party from "partykit/server";
import { USAGE_ROOM, type UsageReport } from "./usage.schema";

const RETRY_AFTER_MS = [500, 2_000, 8_000]; // then give up: a lost report must not pile up work

/**
 * Tells the usage party about one AI reply, party to party (`room.context.parties`).
 * Retries when the usage party is down or busy; never throws. Do not await it on the reply path.
 */
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
