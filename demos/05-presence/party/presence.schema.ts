// The presence protocol: one module that both the party and the app import.
// Frames are msgpack (binary); JSON text frames are accepted too, for debugging.
import "./restore-buffer"; // must run before msgpackr loads
import { FLOAT32_OPTIONS, Packr } from "msgpackr";
import { z } from "zod";
import { NameSchema } from "./user.schema";

export const LIMITS = {
  frameBytes: 256, // a client frame larger than this is dropped unread
  updatesPerSecond: 60, // per connection; clients send at most 30
  flushMs: 1000 / 30, // the room sends its batched changes at most 30 times a second
} as const;

/** Where the pointer is, as fractions of the chat panel: the same spot in any window size. */
const CursorSchema = z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) });
export const PresenceSchema = z
  .object({ cursor: CursorSchema.strict().nullable(), typing: z.boolean().optional() })
  .strict();
const ColourSchema = z.string().regex(/^#[0-9a-f]{6}$/i);
export const UserSchema = z.strictObject({ name: NameSchema, colour: ColourSchema });
export const PersonSchema = z.object({ user: UserSchema, presence: PresenceSchema });
/** A short key per connection, made by the room. The connection id is never shared. */
const KeySchema = z.string().regex(/^[0-9a-f]{8}$/);

export type Presence = z.infer<typeof PresenceSchema>;
export type Person = z.infer<typeof PersonSchema>;

export const ClientMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("join"), user: UserSchema }),
  z.strictObject({ type: z.literal("update"), presence: PresenceSchema }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ServerMessageSchema = z.discriminatedUnion("type", [
  // On connect: everyone who has joined, and the key the room gave you.
  z.object({ type: z.literal("sync"), you: KeySchema, people: z.record(KeySchema, PersonSchema) }),
  // Then batched changes. Your own presence updates are never sent back to you.
  z.object({
    type: z.literal("changes"),
    add: z.record(KeySchema, PersonSchema).optional(),
    presence: z.record(KeySchema, PresenceSchema).optional(),
    remove: z.array(KeySchema).optional(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

// Small frames: 32-bit floats are plenty for a fraction of a panel; 1-byte map headers.
const packr = new Packr({
  useRecords: false,
  variableMapSize: true,
  useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND,
});

/** Validates, then packs: a malformed message is a bug here, never a frame on the wire. */
export const encode = <T>(schema: z.ZodType<T>, message: T) =>
  packr.pack(schema.parse(message)) as Uint8Array<ArrayBuffer>;

/** msgpack or JSON in, a valid message or null out. Never throws. */
export function decode<T>(schema: z.ZodType<T>, frame: string | ArrayBuffer | ArrayBufferView) {
  try {
    const bytes = ArrayBuffer.isView(frame)
      ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
      : frame;
    const data =
      typeof bytes === "string" ? JSON.parse(bytes) : packr.unpack(new Uint8Array(bytes));
    return schema.safeParse(data).data ?? null;
  } catch {
    return null;
  }
}
