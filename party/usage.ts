import type * as Party from "partykit/server";
import { checkBearer, readBody, refuseMethod, text } from "./http";
import { parseJson } from "./json";
import { LIMITS, OTHER, USAGE_ROOM, UsageReportSchema, tokensOf } from "./usage.schema";
import type { Tally, Tokens, UsageReport } from "./usage.schema";

// The `usage` party: one room adding up every chat room's AI tokens. HTTP: GET the tally, POST a
// report (chat rooms only: it needs USAGE_SECRET). Websocket: the tally, then after each report.
export default class UsageServer implements Party.Server {
  state = emptyState();
  updateTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly room: Party.Room) {}

  // Only USAGE_ROOM exists: any other id is a 404 before a room (and its storage) is made.
  static onBeforeRequest = onlyUsageRoom;
  static onBeforeConnect = onlyUsageRoom;

  async onStart() {
    this.state = (await this.room.storage.get<State>("tally")) ?? emptyState();
  }

  onConnect(connection: Party.Connection) {
    connection.send(frameOf(this.state));
  }

  async onRequest(request: Party.Request) {
    if (request.method === "GET") await request.arrayBuffer(); // unread, workerd resets it
    if (request.method === "GET") return Response.json(tallyOf(this.state));
    if (request.method !== "POST") return refuseMethod(request, ["GET", "POST"]);
    const body = await readBody(request, LIMITS.bodyBytes);
    const refused = checkBearer(request, this.room.env.USAGE_SECRET, "USAGE_SECRET");
    if (refused) return refused;
    if (body === null) return text(400, `The body is over ${LIMITS.bodyBytes} bytes`);
    const report = parseJson(UsageReportSchema, body);
    if (!report.success) return text(400, `Not a usage report: ${report.error}`);

    // Read-modify-write with no await in between: concurrent reports never lose an update.
    add(this.state, report.data, Date.now());
    await this.room.storage.put("tally", this.state);
    // Coalesced: at most one update to the browsers every 100 ms, with the latest tally.
    this.updateTimer ??= setTimeout(() => {
      this.updateTimer = null;
      this.room.broadcast(frameOf(this.state));
    }, 100);
    return Response.json(tallyOf(this.state));
  }
}

async function onlyUsageRoom(request: Party.Request, lobby: Party.Lobby) {
  if (lobby.id === USAGE_ROOM) return request;
  await readBody(request, 0);
  return text(404, "Not found");
}

// The arithmetic, exported for its unit tests. Maps, not objects: a room or model called
// "__proto__" is just a name. Storage keeps Maps as they are.
type Counters = Map<string, Tokens>;
export type State = Omit<Tally, "rooms" | "models"> & { rooms: Counters; models: Counters };

export function emptyState(): State {
  const total = { promptTokens: 0, completionTokens: 0 };
  return { total, rooms: new Map(), models: new Map(), perMinute: [] };
}

/** Adds one report to the total, its room, its model and this minute (the last hour is kept). */
export function add(state: State, report: UsageReport, now: number) {
  const { total, rooms, models } = state;
  for (const tokens of [total, slot(rooms, report.room), slot(models, report.model)]) {
    tokens.promptTokens += report.promptTokens;
    tokens.completionTokens += report.completionTokens;
  }
  const minute = Math.floor(now / 60_000);
  const last = state.perMinute.at(-1);
  if (last?.minute === minute) last.tokens += tokensOf(report);
  else state.perMinute.push({ minute, tokens: tokensOf(report) });
  state.perMinute = state.perMinute.filter((m) => m.minute > minute - LIMITS.minutes);
}

/** The counter for `key`; past LIMITS.keys names, new ones share OTHER so storage stays small. */
function slot(counters: Counters, key: string) {
  const name = counters.has(key) || counters.size < LIMITS.keys ? key : OTHER;
  if (!counters.has(name)) counters.set(name, { promptTokens: 0, completionTokens: 0 });
  return counters.get(name)!;
}

const frameOf = (state: State) => JSON.stringify({ type: "tally", ...tallyOf(state) });

/** The tally as JSON can carry it. */
export const tallyOf = ({ rooms, models, ...rest }: State): Tally => ({
  ...rest,
  rooms: Object.fromEntries(rooms),
  models: Object.fromEntries(models),
});

UsageServer satisfies Party.Worker;
