// @ts-check
// Seeded randomness for the fuzz suite: the same seed sends the same frames, so a failure replays
// with FUZZ_SEED=<seed>. mulberry32: tiny, fast, and good enough to pick test inputs.

/** A random source: numbers in [0, 1) and the few helpers the fuzzers pick their inputs with. */
export function createRandom(/** @type {number} */ seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (/** @type {number} */ min, /** @type {number} */ max) =>
    min + Math.floor(next() * (max - min + 1));
  return {
    next,
    /** A whole number from min to max, both included. */
    int,
    /** True with probability p. */
    chance: (/** @type {number} */ p) => next() < p,
    /** @template T @param {readonly T[]} items @returns {T} */
    pick: (items) => items[Math.floor(next() * items.length)],
    /** Bytes, for random binary frames. */
    bytes: (/** @type {number} */ length) =>
      Uint8Array.from({ length }, () => Math.floor(next() * 256)),
    /** A new source seeded from this one: one per worker, so workers' inputs do not interleave. */
    fork: () => createRandom(Math.floor(next() * 4294967296)),
  };
}
/** @typedef {ReturnType<typeof createRandom>} Random */

/** A seed from FUZZ_SEED when replaying, else a fresh one. */
export function fuzzSeed() {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && given !== "") {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
      throw new Error(`FUZZ_SEED=${given}: use a whole number from 0 to ${2 ** 32 - 1}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 32);
}

/** Text that breaks naive code: encodings, invisible characters, markup, prototype names. */
export const NASTY_TEXT = [
  "",
  " ",
  "\t\n\r ",
  "\u0000",
  "\u0007\u001b[31mred\u001b[0m",
  "\uD800", // lone high surrogate
  "\uDC00x", // lone low surrogate
  "a\uD83D", // an emoji cut in half
  "\u202Egnp.exe", // right-to-left override
  "\u2066\u2067\u2068\u2069",
  "\u200B\u200C\u200D\uFEFF", // zero-width
  "\u3164", // Hangul filler: looks blank
  "\u2028\u2029",
  "e\u0301", // combining acute (NFD)
  "\u00E9", // the same, precomposed (NFC)
  "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035A\u035B", // stacked marks
  "😀",
  "👩‍👩‍👧‍👦", // a family joined by zero-width joiners
  "🇫🇷🏳️‍🌈",
  "𝕳𝖊𝖑𝖑𝖔", // outside the BMP
  "\uFFFD\uFFFF\uFFFE",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "${process.exit()}",
  "%s%n%x",
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "AI",
  " ai ",
  "Ａｉ", // full-width
  "null",
  "undefined",
  "NaN",
  "-0",
  "1e308",
  "Infinity",
  "9007199254740993",
];

/** Text from NASTY_TEXT, random code points, or both, up to about `max` characters. */
export function nastyText(/** @type {Random} */ random, max = 60) {
  const parts = [];
  const count = random.int(1, 4);
  for (let i = 0; i < count; i++) {
    if (random.chance(0.5)) parts.push(random.pick(NASTY_TEXT));
    else parts.push(randomCodePoints(random, random.int(1, 12)));
  }
  let text = parts.join(random.pick(["", " ", "\u200B"]));
  if (random.chance(0.05)) text = text.repeat(random.int(10, 500)); // very long
  return text.length > max && random.chance(0.7) ? text.slice(0, max) : text;
}

function randomCodePoints(/** @type {Random} */ random, /** @type {number} */ length) {
  let text = "";
  for (let i = 0; i < length; i++) {
    const range = random.pick([
      [0x20, 0x7e], // ASCII
      [0x00, 0x1f], // controls
      [0xa0, 0x2ff], // Latin, modifiers
      [0x300, 0x36f], // combining marks
      [0x590, 0x6ff], // Hebrew, Arabic
      [0x2000, 0x206f], // punctuation, bidi controls, zero-width
      [0xd800, 0xdfff], // surrogates, alone
      [0xe000, 0xf8ff], // private use
      [0x1f300, 0x1faff], // emoji
      [0xe0000, 0xe007f], // tag characters
    ]);
    text += String.fromCodePoint(random.int(range[0], range[1]));
  }
  return text;
}

/**
 * Values of the wrong type, or at the edges of their type.
 * @param {Random} random @returns {unknown}
 */
export function weirdValue(random, depth = 0) {
  /** @type {(() => unknown)[]} */
  const choices = [
    () => null,
    () => true,
    () => false,
    () => 0,
    () => raw("-0"),
    () => 1e308,
    () => -1e308,
    () => raw("1e309"), // JSON.parse reads it as Infinity
    () => raw("-1e309"),
    () => raw("9007199254740993"), // 2 ** 53 + 1
    () => 2 ** 53 - 1,
    () => -1,
    () => 0.5,
    () => 5e-324,
    () => random.int(-1e6, 2e6),
    () => "NaN",
    () => "Infinity",
    () => "12",
    () => nastyText(random),
    () => [],
    () => ({}),
    () => (depth < 2 ? [weirdValue(random, depth + 1)] : []),
    () => (depth < 2 ? entries([[random.pick(NASTY_TEXT), weirdValue(random, depth + 1)]]) : {}),
    () => entries([["__proto__", { admin: true, name: "AI" }]]),
    () => raw("[".repeat(2000) + "]".repeat(2000)), // deep nesting
  ];
  return random.pick(choices)();
}

// JSON text built by hand, so a frame can hold what JSON.stringify never writes: number literals
// beyond a double, -0, a key called "__proto__", a key twice.
const RAW = Symbol("raw JSON text");

/** JSON text to splice in as it is. */
export const raw = (/** @type {string} */ text) => ({ [RAW]: text });

/** An object as a list of [key, value]: keys may repeat, and "__proto__" is just a key. */
export const entries = (/** @type {[string, unknown][]} */ list) => ({ [RAW]: null, list });

/** @param {unknown} value @returns {string} */
export function toJson(value) {
  if (value && typeof value === "object" && RAW in value) {
    const list = /** @type {{ list?: [string, unknown][] }} */ (value).list;
    if (list) return `{${list.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(",")}}`;
    return /** @type {string} */ (value[RAW]);
  }
  if (Array.isArray(value)) return `[${value.map(toJson).join(",")}]`;
  if (value && typeof value === "object") return toJson(entries(Object.entries(value)));
  return JSON.stringify(value) ?? "null";
}

/** Breaks JSON text the ways a buggy or hostile client does. */
export function breakJson(/** @type {Random} */ random, /** @type {string} */ text) {
  const at = random.int(0, text.length);
  return random.pick([
    () => text.slice(0, at), // cut short
    () =>
      text.slice(0, at) + random.pick(["}", "]", ",", ":", '"', "\\", "\\u12"]) + text.slice(at),
    () => text.replace(/"/g, "'"),
    () => text + text,
    () => `${text} trailing`,
    () => text.replace(/:/, ""),
    () => "\uFEFF" + text, // a byte order mark
    () => "",
    () => "   ",
    () => "{",
    () => "undefined",
    () => "NaN",
  ])();
}
