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
