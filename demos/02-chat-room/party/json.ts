// Text that should be JSON of a known shape: a frame from a socket, or a request body.
import type { z } from "zod";

type Parsed<T> = { success: true; data: T } | { success: false; error: string };

/** `text` parsed and checked by `schema`, or a sentence that says what is wrong. Never throws. */
export function parseJson<T>(schema: z.ZodType<T>, text: unknown): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(String(text));
  } catch {
    return { success: false, error: "not valid JSON" };
  }
  const result = schema.safeParse(json);
  if (result.success) return result;
  const issue = result.error.issues[0];
  return { success: false, error: `${issue.path.join(".") || "the value"}: ${issue.message}` };
}
