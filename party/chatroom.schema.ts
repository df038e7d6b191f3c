// The chat room protocol: one module that both the party and the app import.
import { z } from "zod";
import { NameSchema } from "./user.schema";

export const LIMITS = {
  body: 2000, // characters in a message
  history: 200, // messages a room keeps
  frameBytes: 8 * 1024, // a client frame larger than this is refused unread
} as const;

export const MessageSchema = z.object({
  id: z.string(),
  body: z.string(),
  user: z.object({ name: z.string() }),
  role: z.enum(["user", "assistant"]),
  createdAt: z.number(),
  // AI replies only: how far along, who answered, what it cost, what went wrong, who stopped it.
  status: z.enum(["streaming", "done", "error", "stopped"]).optional(),
  model: z.string().optional(),
  usage: z.object({ promptTokens: z.number(), completionTokens: z.number() }).optional(),
  error: z.string().optional(),
  stoppedBy: z.string().optional(),
});
export type Message = z.infer<typeof MessageSchema>;

// What a client may send. `.strict()`: a client cannot set role or createdAt.
export const ClientMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message"),
    message: z
      .object({
        id: z.string().regex(/^[\w-]{1,64}$/, "ids are 1-64 letters, digits, _ or -"),
        body: z.string().trim().min(1).max(LIMITS.body),
        user: z.object({ name: NameSchema }).strict(),
      })
      .strict(),
  }),
  // Stops a streaming AI reply, for everyone: the reply keeps its text and says who stopped it.
  z
    .object({
      type: z.literal("stop"),
      id: z.string().max(64),
      user: z.object({ name: NameSchema }).strict(),
    })
    .strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ErrorCodeSchema = z.enum([
  "bad_json",
  "invalid",
  "too_large",
  "duplicate_id",
  "rate_limited",
  "too_many", // connections from one address to this room
  "not_streaming", // a stop for a reply that is not being written
]);

export const ServerMessageSchema = z.discriminatedUnion("type", [
  // `ai`: which model answers in this room, or null when none is configured.
  z.object({
    type: z.literal("history"),
    messages: z.array(MessageSchema),
    ai: z.string().nullable(),
  }),
  z.object({ type: z.literal("update"), message: MessageSchema }),
  // More text for a streaming AI reply: appended to the message's body.
  z.object({ type: z.literal("delta"), id: z.string(), text: z.string() }),
  z.object({
    type: z.literal("error"),
    code: ErrorCodeSchema,
    message: z.string(),
    id: z.string().optional(), // the rejected message, when known
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

type ErrorMessage = Extract<ServerMessage, { type: "error" }>;
export const refusal = (code: ErrorMessage["code"], message: string, id?: string) =>
  ({ type: "error", code, message, id }) satisfies ErrorMessage;

/** A client's frame as a message, or the error to send back: a checklist of what is refused. */
export function parseClientFrame(frame: string | ArrayBuffer | ArrayBufferView) {
  if (typeof frame !== "string") return refusal("invalid", "send JSON text frames");
  if (frame.length > LIMITS.frameBytes)
    return refusal("too_large", `frames are at most ${LIMITS.frameBytes} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return refusal("bad_json", "the frame is not valid JSON");
  }
  const result = ClientMessageSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const id = (json as { message?: { id?: unknown } } | null)?.message?.id; // marks it not sent
  const problem = `${issue.path.join(".") || "frame"}: ${issue.message}`;
  return refusal("invalid", problem, typeof id === "string" ? id.slice(0, 64) : undefined);
}
