// The usage protocol: one module that the usage party, the chat room and the app import.
import { z } from "zod";

export const USAGE_ROOM = "total"; // the usage party's one room: every chat room reports to it

export const LIMITS = {
  tokens: 1_000_000, // per report, prompt and completion each
  keys: 50, // rooms (and models) counted by name; the rest share OTHER
  minutes: 60, // the time series: tokens per minute, the last hour
  bodyBytes: 1024, // a report is a few dozen bytes
} as const;
export const OTHER = "(other)";

const TokenCountSchema = z.number().int().min(0).max(LIMITS.tokens);

/** What a chat room POSTs after each AI reply. `.strict()`: nothing else is accepted. */
export const UsageReportSchema = z
  .object({
    room: z.string().regex(/^[\w-]{1,64}$/, "room ids are 1-64 letters, digits, _ or -"),
    model: z.string().trim().min(1).max(100),
    promptTokens: TokenCountSchema,
    completionTokens: TokenCountSchema,
  })
  .strict();
export type UsageReport = z.infer<typeof UsageReportSchema>;

const CountSchema = z.number().int().min(0);
export const TokensSchema = z.object({ promptTokens: CountSchema, completionTokens: CountSchema });
export type Tokens = z.infer<typeof TokensSchema>;

export const TallySchema = z.object({
  total: TokensSchema,
  rooms: z.record(z.string(), TokensSchema),
  models: z.record(z.string(), TokensSchema),
  /** Oldest first; `minute` is minutes since 1970 (server clock); quiet minutes are left out. */
  perMinute: z.array(z.object({ minute: CountSchema, tokens: CountSchema })),
});
export type Tally = z.infer<typeof TallySchema>;

export const ServerMessageSchema = TallySchema.extend({ type: z.literal("tally") });

export const tokensOf = (tokens: Tokens) => tokens.promptTokens + tokens.completionTokens;
