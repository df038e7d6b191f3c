// Request plumbing the parties share. workerd resets a connection whose request body is left
// unread, so every answer, a refusal too, is sent only after the body has been read.
import type * as Party from "partykit/server";

/** The body as text, or null when it is over `maxBytes` (read to the end either way). */
export async function readBody(request: Party.Request, maxBytes: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let body = "";
  let bytes = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    bytes += chunk.value.byteLength;
    if (bytes <= maxBytes) body += decoder.decode(chunk.value, { stream: true });
  }
  return bytes <= maxBytes ? body + decoder.decode() : null;
}

/** 405, naming the methods that are allowed. */
export async function refuseMethod(request: Party.Request, allowed: string[]) {
  await readBody(request, 0);
  return text(405, `Method not allowed: ${allowed.join(" or ")}`, { Allow: allowed.join(", ") });
}

export function text(status: number, body: string, headers: Record<string, string> = {}) {
  return new Response(body, { status, headers });
}

/** null when the request carries `Authorization: Bearer <secret>`; else the refusal to send. */
export function checkBearer(request: Party.Request, secret: unknown, name: string) {
  // Never open by accident: without a configured secret, every request is refused.
  if (typeof secret !== "string" || !secret) return text(503, `${name} is not set: refused`);
  const given = /^Bearer (.+)$/.exec(request.headers.get("Authorization") ?? "")?.[1] ?? "";
  if (sameText(given, secret)) return null;
  const refusal = `A valid Authorization: Bearer <${name}> is required`;
  return text(401, refusal, { "WWW-Authenticate": "Bearer" });
}

/** Compares every character, so the time taken does not tell how much of a guess was right. */
function sameText(a: string, b: string) {
  let difference = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) difference |= (a.charCodeAt(i) || 0) ^ b.charCodeAt(i);
  return difference === 0;
}
