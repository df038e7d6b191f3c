// The presence protocol: one module that both the party and the app import.
// Frames are msgpack (binary) by default; JSON text frames are accepted too, for debugging.
import "./restore-buffer"; // must run before msgpackr loads
import { FLOAT32_OPTIONS, Packr } from "msgpackr";
import { z } from "zod";
import { NameSchema } from "./user.schema";

export const LIMITS = {
  frameBytes: 256, // a client frame larger than this is dropped unread
  updatesPerSecond: 60, // per connection; clients send at most 30
  burst: 60,
  flushMs: 1000 / 30, // the room sends its batched changes at most 30 times a second
} as const;

/** Where the pointer is, as fractions of the chat panel's box: the same spot in any window size. */
export const CursorSchema = z
  .object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) })
  .strict();
export const PresenceSchema = z
  .object({ cursor: CursorSchema.nullable(), typing: z.boolean().optional() })
  .strict();
export const UserSchema = z.object({
  name: NameSchema,
  colour: z.string().regex(/^#[0-9a-f]{6}$/i, "a colour is #rrggbb"),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(), // set by the server from the request, never by a client
});
export const PersonSchema = z.object({ user: UserSchema, presence: PresenceSchema });
/** A short key per connection, made by the room. The connection id is never shared: it lets a client reconnect. */
export const KeySchema = z.string().regex(/^[\w-]{1,16}$/);

/** GET /parties/presence/<room>: who is here (the chat room's AI reads it for its prompt). */
export const PeopleSchema = z.object({ people: z.array(UserSchema) });

export type Cursor = z.infer<typeof CursorSchema>;
export type Presence = z.infer<typeof PresenceSchema>;
export type User = z.infer<typeof UserSchema>;
export type Person = z.infer<typeof PersonSchema>;

export const ClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("join"), user: UserSchema.omit({ country: true }).strict() }).strict(),
  z.object({ type: z.literal("update"), presence: PresenceSchema }).strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ServerMessageSchema = z.discriminatedUnion("type", [
  // On connect: everyone who has joined, and the key the room gave you.
  z.object({ type: z.literal("sync"), you: KeySchema, people: z.record(KeySchema, PersonSchema) }),
  // Then deltas, batched. Your own presence updates are never sent back to you.
  z.object({
    type: z.literal("changes"),
    add: z.record(KeySchema, PersonSchema).optional(),
    presence: z.record(KeySchema, PresenceSchema).optional(),
    remove: z.array(KeySchema).optional(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

// Small frames: 32-bit floats are plenty for a fraction of a panel, and map headers take 1 byte, not 3.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND,
});

/** Validates, then packs: a malformed message is a bug here, never a frame on the wire. */
export function encode<T>(schema: z.ZodType<T>, message: T): Uint8Array<ArrayBuffer> {
  return pack(schema.parse(message));
}

/** Packs without validating: only for a message already parsed, or a part of one. */
export function pack(message: unknown): Uint8Array<ArrayBuffer> {
  return packr.pack(message) as Uint8Array<ArrayBuffer>;
}

/** msgpack or JSON in, a valid message or null out. Never throws. */
export function decode<T>(
  schema: z.ZodType<T>,
  frame: string | ArrayBuffer | ArrayBufferView,
): T | null {
  try {
    const data = typeof frame === "string" ? JSON.parse(frame) : packr.unpack(bytesOf(frame));
    const result = schema.safeParse(data);
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function bytesOf(frame: ArrayBuffer | ArrayBufferView) {
  return ArrayBuffer.isView(frame)
    ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
    : new Uint8Array(frame);
}

/** The same colour for the same name, everywhere. */
export function colourFor(name: string): string {
  const PALETTE = [
    "#f87171",
    "#fb923c",
    "#facc15",
    "#4ade80",
    "#2dd4bf",
    "#38bdf8",
    "#818cf8",
    "#e879f9",
  ];
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return PALETTE[hash % PALETTE.length];
}
