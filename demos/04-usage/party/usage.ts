import type * as Party from "partykit/server";
import {
  LIMITS,
  OTHER,
  USAGE_ROOM,
  UsageReportSchema,
  tokensOf,
  type ServerMessage,
  type Tally,
  type Tokens,
  type UsageReport,
} from "./usage.schema";

const STATE_KEY = "tally";
const UPDATE_EVERY_MS = 100; // many reports at once: one update to the browsers

// Maps, not objects: a room or model called "__proto__" is just a name. Storage keeps Maps as they are.
type State = Pick<Tally, "total" | "perMinute"> & {
  rooms: Map<string, Tokens>;
  models: Map<string, Tokens>;
};

/**
 * The `usage` party: one room that adds up the AI tokens of every chat room.
 * HTTP: GET the tally; POST a report (chat rooms only: it needs USAGE_SECRET).
 * Websocket: the tally on connect, then again after reports arrive.
 */
export default class UsageServer implements Party.Server {
  state: State = emptyState();
  updateTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly room: Party.Room) {}

  // Only USAGE_ROOM exists: any other id is a 404 before a room (and its storage) is made.
  static onBeforeRequest = onlyUsageRoom;
  static onBeforeConnect = onlyUsageRoom;

  async onStart() {
    this.state = (await this.room.storage.get<State>(STATE_KEY)) ?? emptyState();
  }

  onConnect(connection: Party.Connection) {
    send(connection, { type: "tally", ...this.current() });
  }

  async onRequest(request: Party.Request) {
    // Read the body before any answer, even a refusal or a GET: workerd resets a connection
    // whose body is left unread.
    const body = await readBody(request);
    if (request.method === "GET") return Response.json(this.current());
    if (request.method !== "POST")
      return text(405, "Method not allowed: GET or POST", { Allow: "GET, POST" });

    const denied = checkSecret(request, this.room.env.USAGE_SECRET);
    if (denied) return denied;
    const report = parseReport(body);
    if (typeof report === "string") return text(400, report);

    // Read-modify-write with no await in between: concurrent reports never lose an update.
    add(this.state, report, Date.now());
    await this.room.storage.put(STATE_KEY, this.state);
    this.scheduleUpdate();
    return Response.json(this.current());
  }

  /** The tally as JSON can carry it, without minutes that have left the last hour. */
  current(): Tally {
    const { total, rooms, models, perMinute } = this.state;
    const since = minuteOf(Date.now()) - LIMITS.minutes;
    return {
      total,
      rooms: Object.fromEntries(rooms),
      models: Object.fromEntries(models),
      perMinute: perMinute.filter((m) => m.minute > since),
    };
  }

  /** Coalesces: at most one update per UPDATE_EVERY_MS, always with the latest tally. */
  scheduleUpdate() {
    this.updateTimer ??= setTimeout(() => {
      this.updateTimer = null;
      this.room.broadcast(
        JSON.stringify({ type: "tally", ...this.current() } satisfies ServerMessage),
      );
    }, UPDATE_EVERY_MS);
  }
}

async function onlyUsageRoom(request: Party.Request, lobby: Party.Lobby) {
  if (lobby.id === USAGE_ROOM) return request;
  await readBody(request); // as in onRequest: never answer with the body unread
  return new Response("Not found", { status: 404 });
}

function send(connection: Party.Connection, message: ServerMessage) {
  connection.send(JSON.stringify(message));
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers });

/** Never open by accident: without a configured secret every report is refused. */
function checkSecret(request: Party.Request, secret: unknown): Response | null {
  if (typeof secret !== "string" || !secret)
    return text(503, "USAGE_SECRET is not set: usage reports are refused");
  const given = /^Bearer (.+)$/.exec(request.headers.get("Authorization") ?? "")?.[1] ?? "";
  if (!sameText(given, secret))
    return text(401, "A valid Authorization: Bearer <USAGE_SECRET> is required", {
      "WWW-Authenticate": "Bearer",
    });
  return null;
}

/** Compares every character, so the time taken does not tell how much of a guess was right. */
function sameText(a: string, b: string) {
  let difference = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) difference |= (a.charCodeAt(i) || 0) ^ b.charCodeAt(i);
  return difference === 0;
}

/** The body as text, or null when it is over LIMITS.bodyBytes (read to the end either way). */
async function readBody(request: Party.Request): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes <= LIMITS.bodyBytes) text += decoder.decode(value, { stream: true });
  }
  return bytes <= LIMITS.bodyBytes ? text + decoder.decode() : null;
}

/** The report, or a message that says what is wrong with the body. */
function parseReport(body: string | null): UsageReport | string {
  if (body === null) return `The body is over ${LIMITS.bodyBytes} bytes`;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return "The body is not JSON";
  }
  const result = UsageReportSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return `${issue.path.join(".") || "body"}: ${issue.message}`;
}

function emptyState(): State {
  return {
    total: { promptTokens: 0, completionTokens: 0 },
    rooms: new Map(),
    models: new Map(),
    perMinute: [],
  };
}

const minuteOf = (ms: number) => Math.floor(ms / 60_000);

function add(state: State, report: UsageReport, now: number) {
  const { promptTokens, completionTokens } = report;
  for (const tokens of [
    state.total,
    slot(state.rooms, report.room),
    slot(state.models, report.model),
  ]) {
    tokens.promptTokens += promptTokens;
    tokens.completionTokens += completionTokens;
  }
  const minute = minuteOf(now);
  const last = state.perMinute.at(-1);
  if (last?.minute === minute) last.tokens += tokensOf(report);
  else state.perMinute.push({ minute, tokens: tokensOf(report) });
  state.perMinute = state.perMinute.filter((m) => m.minute > minute - LIMITS.minutes);
}

/** The counter for `key`; past LIMITS.keys names, new ones share OTHER so storage stays small. */
function slot(counters: Map<string, Tokens>, key: string) {
  const name = counters.has(key) || counters.size < LIMITS.keys ? key : OTHER;
  if (!counters.has(name)) counters.set(name, { promptTokens: 0, completionTokens: 0 });
  return counters.get(name)!;
}

UsageServer satisfies Party.Worker;
