// Rooms cost storage and AI calls, and a URL on a projector reaches strangers: only the
// rooms the app lists exist (plus OPEN_ROOMS, a regular expression, for benchmarks and
// workshops), and one address may hold only so many sockets in a room.
import type * as Party from "partykit/server";
import { getRoom } from "../app/rooms";

/** Sockets one client address may hold in one room. A venue behind one NAT may need more. */
const DEFAULT_CONNECTIONS_PER_ADDRESS = 100;

/** For onBeforeConnect / onBeforeRequest: a 404 before the room, or its storage, exists. */
export function refuseUnknownRoom(lobby: { id: string; env: Record<string, unknown> }) {
  if (getRoom(lobby.id) || openRooms(lobby.env)?.test(lobby.id)) return undefined;
  return new Response(`No room "${lobby.id}"`, { status: 404 });
}

/**
 * For onBeforeRequest: the same 404, once the body is read (workerd resets a connection whose
 * request body is left unread, and the next request on it fails).
 */
export async function refuseUnknownRequest(request: Party.Request, lobby: Party.Lobby) {
  const refusal = refuseUnknownRoom(lobby);
  if (refusal) await request.arrayBuffer();
  return refusal ?? request;
}

/** onBeforeConnect: listed rooms only. */
export const onlyListedRooms = (request: Party.Request, lobby: Party.Lobby) =>
  refuseUnknownRoom(lobby) ?? request;

function openRooms(env: Record<string, unknown>) {
  const pattern = env.OPEN_ROOMS;
  if (typeof pattern !== "string" || !pattern) return null;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    console.error(`OPEN_ROOMS=${pattern} is not a regular expression: no extra rooms`);
    return null;
  }
}

/** The tag a connection carries: where it comes from (Cloudflare's header; one "local" in dev). */
export const addressOf = (request: Party.Request) =>
  `address:${request.headers.get("cf-connecting-ip") ?? "local"}`;

/** True when a new connection from `request` (already counted) is one too many for its address. */
export function overCap(room: Party.Room, request: Party.Request) {
  const cap = Number(room.env.CONNECTIONS_PER_ADDRESS) || DEFAULT_CONNECTIONS_PER_ADDRESS;
  return [...room.getConnections(addressOf(request))].length > cap;
}
