// Who someone is in a room: one rule for a display name, shared by the sign-in form and
// every party.
import { z } from "zod";

/** The assistant's name (it joins at stage 3): nobody else may take it, in any case. */
export const AI_NAME = "AI";

// Characters that make one name look like another, or like nothing: controls, format characters
// (bidi overrides, zero-width spaces and joiners), line separators, and blank Hangul fillers.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]/u;

export const NameSchema = z
  .string()
  .normalize("NFC")
  .trim()
  .min(1, "Enter a name")
  .max(40, "Names are at most 40 characters")
  .refine((name) => !HIDDEN.test(name), "Names cannot hold invisible or control characters")
  .refine((name) => name.toLowerCase() !== AI_NAME.toLowerCase(), `"${AI_NAME}" is taken`);
