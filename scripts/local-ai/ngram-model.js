// @ts-check
// The "offline demo model": a word-level trigram model with backoff to bigrams and unigrams,
// trained at start-up on plain text. It strings together word sequences it has seen, starting
// from words of the question. It does not understand or follow instructions, and says so in its name.
import { randomInt } from "node:crypto";
import { lastUserText } from "./chat-model.js";

/** @typedef {import("./chat-model.js").ChatModel} ChatModel */
/** @typedef {import("./chat-model.js").GenerateOptions} GenerateOptions */

export const NGRAM_MODEL_ID = "offline-demo-model";
const DEFAULT_MAX_TOKENS = 256;
const MIN_REPLY_TOKENS = 30; // below this, a sentence end does not end the reply
const MIN_SENTENCE_WORDS = 3;
const MAX_KEYWORDS = 3;

// Our token ("piece") estimate, used for all usage numbers: a word (letters and digits, with inner
// ' . - kept, so "don't", "node.js" and "real-time" are one piece) or any other single visible character.
const PIECE = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;
const IS_WORD = /^[\p{L}\p{N}]/u;
const SENTENCE_END = new Set([".", "!", "?"]);
const PUNCTUATION = new Set([",", ";", ":", ...SENTENCE_END]);
const DASHES = new Set(["-", "–", "—"]);
const START = "."; // context before the first word: "just after a sentence ended"

// Question words that say nothing about the topic, so they never seed a reply.
const STOPWORDS = new Set(
  `a about after again all also am an and any are as at be because been before
being but by can could did do does doing for from had has have having he her here hers him his how i if
in into is it its just me more most my no nor not now of off on once only or other our out over own please
same she should so some such than thank thanks that the their them then there these they this those
through to too under until up very was we were what when where which while who whom why will with would
you your yours hello hey tell explain describe show give know want need like make get use work works
something anything thing things way`.split(/\s+/),
);

/** @param {string} text @returns {string[]} */
export function tokenize(text) {
  return text.match(PIECE) ?? [];
}

/** @param {string} text */
export function countTokens(text) {
  return tokenize(text).length;
}

/**
 * @param {{ text: string, id?: string }} options
 * @returns {ChatModel & { vocabularySize: number, trainingTokens: number }}
 */
export function createNgramModel({ text, id = NGRAM_MODEL_ID }) {
  const { keys, surfaces } = normalize(tokenize(text));
  /** @type {Map<string, number>} */
  const unigrams = new Map();
  /** @type {Map<string, Map<string, number>>} */
  const bigrams = new Map();
  /** @type {Map<string, Map<string, number>>} */
  const trigrams = new Map();
  const sequence = [START, ...keys];
  for (let i = 1; i < sequence.length; i++) {
    const next = sequence[i];
    unigrams.set(next, (unigrams.get(next) ?? 0) + 1);
    bump(bigrams, sequence[i - 1], next);
    if (i >= 2) bump(trigrams, `${sequence[i - 2]} ${sequence[i - 1]}`, next);
  }
  const wordUnigrams = new Map([...unigrams].filter(([key]) => IS_WORD.test(key)));

  /**
   * Next key after (a, b): trigram counts if seen, else bigram, else unigram.
   * Never two marks in a row, and no sentence end before MIN_SENTENCE_WORDS words ("Replies." reads badly).
   * @param {string} a @param {string} b @param {number} sentenceWords @param {() => number} random @param {number} temperature
   */
  function nextKey(a, b, sentenceWords, random, temperature) {
    const allowed = (/** @type {string} */ key) =>
      IS_WORD.test(key) ||
      (IS_WORD.test(b) && (!SENTENCE_END.has(key) || sentenceWords >= MIN_SENTENCE_WORDS));
    for (const row of [trigrams.get(`${a} ${b}`), bigrams.get(b), wordUnigrams]) {
      const candidates = [...(row ?? [])].filter(([key]) => allowed(key));
      if (candidates.length) return choose(candidates, random, temperature);
    }
    return "."; // only reachable with an empty corpus
  }

  /** Prompt words the model knows, rarest (most specific) first. */
  function keywords(/** @type {string} */ prompt) {
    const known = new Set(
      tokenize(prompt)
        .map((piece) => piece.toLowerCase())
        .filter(
          (key) =>
            IS_WORD.test(key) && key.length > 2 && !STOPWORDS.has(key) && wordUnigrams.has(key),
        ),
    );
    return [...known]
      .sort((x, y) => (wordUnigrams.get(x) ?? 0) - (wordUnigrams.get(y) ?? 0))
      .slice(0, MAX_KEYWORDS);
  }

  /**
   * @param {import("./chat-model.js").ChatMessage[]} messages
   * @param {GenerateOptions} [options]
   * @returns {AsyncGenerator<string, import("./chat-model.js").FinishReason>}
   */
  async function* generate(
    messages,
    { maxTokens = DEFAULT_MAX_TOKENS, temperature = 1, seed, signal } = {},
  ) {
    const random = mulberry32(seed ?? randomInt(2 ** 31));
    const seeds = keywords(lastUserText(messages));
    const minTokens = Math.min(MIN_REPLY_TOKENS, maxTokens);
    let [a, b] = [START, START];
    let sentenceWords = 0;
    for (let count = 0; count < maxTokens; count++) {
      if (signal?.aborted) return "stop"; // the caller saw the abort; the reason is not reported
      // Each new sentence opens with an unused prompt word, so the reply stays on the question's topic.
      const key =
        SENTENCE_END.has(b) && seeds.length
          ? /** @type {string} */ (seeds.shift())
          : nextKey(a, b, sentenceWords, random, temperature);
      yield render(key, b, count === 0);
      [a, b] = [b, key];
      sentenceWords = SENTENCE_END.has(key) ? 0 : sentenceWords + (IS_WORD.test(key) ? 1 : 0);
      if (SENTENCE_END.has(key) && count + 1 >= minTokens) return "stop";
    }
    return "length";
  }

  /** A key as it appears in text: its usual spelling, capitalised after a sentence end, spaced before words. */
  function render(/** @type {string} */ key, /** @type {string} */ previous, first = false) {
    if (!IS_WORD.test(key)) return key;
    const word = surfaces.get(key) ?? key;
    const shown = SENTENCE_END.has(previous) ? word[0].toUpperCase() + word.slice(1) : word;
    return first ? shown : ` ${shown}`;
  }

  return {
    id,
    description: "offline demo model (word trigrams; does not follow instructions)",
    countTokens,
    generate,
    vocabularySize: wordUnigrams.size,
    trainingTokens: keys.length,
  };
}

/**
 * Lower-cases words into keys, keeps only , ; : . ! ? as punctuation (dashes become commas),
 * collapses runs of punctuation, and remembers each word's most common mid-sentence spelling.
 * @param {string[]} pieces
 */
function normalize(pieces) {
  /** @type {string[]} */
  const keys = [];
  /** @type {Map<string, Map<string, number>>} */
  const spellings = new Map();
  for (const piece of pieces) {
    const previous = keys.length ? keys[keys.length - 1] : START;
    if (IS_WORD.test(piece)) {
      const key = piece.toLowerCase();
      // A capital after a full stop says nothing about how the word is normally written.
      const spelling = SENTENCE_END.has(previous) && piece === capitalize(key) ? key : piece;
      bump(spellings, key, spelling);
      keys.push(key);
      continue;
    }
    const mark = DASHES.has(piece) ? "," : piece;
    if (!PUNCTUATION.has(mark) || !keys.length) continue;
    if (!IS_WORD.test(previous)) {
      if (SENTENCE_END.has(mark)) keys[keys.length - 1] = mark; // "word, ." ends the sentence
      continue;
    }
    keys.push(mark);
  }
  /** @type {Map<string, string>} */
  const surfaces = new Map();
  for (const [key, counts] of spellings)
    surfaces.set(
      key,
      choose([...counts], () => 0, 0),
    );
  return { keys, surfaces };
}

/** @param {Map<string, Map<string, number>>} table @param {string} context @param {string} next */
function bump(table, context, next) {
  let row = table.get(context);
  if (!row) table.set(context, (row = new Map()));
  row.set(next, (row.get(next) ?? 0) + 1);
}

/**
 * Samples from counts sharpened or flattened by temperature (weight = count^(1/T)); T = 0 is greedy.
 * @param {Array<[string, number]>} candidates
 * @param {() => number} random
 * @param {number} temperature
 */
function choose(candidates, random, temperature) {
  if (temperature <= 0) {
    return candidates.reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
  }
  const power = 1 / Math.max(temperature, 0.05);
  let total = 0;
  const cumulative = candidates.map(([, count]) => (total += count ** power));
  const target = random() * total;
  const index = cumulative.findIndex((sum) => target < sum);
  return candidates[index === -1 ? candidates.length - 1 : index][0];
}

/** @param {string} word */
function capitalize(word) {
  return word[0].toUpperCase() + word.slice(1);
}

/** Small seeded PRNG (mulberry32), so a fixed seed gives the same reply. @param {number} seed */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
