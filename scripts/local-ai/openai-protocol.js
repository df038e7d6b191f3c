// @ts-check
// The slice of the OpenAI chat-completions wire format we serve: request validation and response shapes.
// Any `model` name is accepted (the room may ask for "gpt-4o-mini"); replies name the model that ran.

/** @typedef {import("./chat-model.js").ChatMessage} ChatMessage */
/** @typedef {import("./chat-model.js").FinishReason} FinishReason */

export const MAX_BODY_BYTES = 1024 * 1024;
const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);

/**
 * @typedef {object} ChatRequest
 * @property {ChatMessage[]} messages
 * @property {boolean} stream
 * @property {boolean} includeUsage  stream_options.include_usage
 * @property {number} [maxTokens]  max_completion_tokens, or the older max_tokens
 * @property {number} [temperature]
 * @property {number} [seed]
 *
 * @typedef {{ prompt_tokens: number, completion_tokens: number, total_tokens: number }} Usage
 * @typedef {{ id: string, created: number, model: string }} CompletionMeta
 */

/** An error the client caused; `status` and the OpenAI-style body come from it. */
export class RequestError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {{ param?: string | null, code?: string | null }} [details]
   */
  constructor(status, message, { param = null, code = null } = {}) {
    super(message);
    this.status = status;
    this.param = param;
    this.code = code;
  }
}

/**
 * @param {string} message
 * @param {{ type?: string, param?: string | null, code?: string | null }} [details]
 */
export function errorBody(
  message,
  { type = "invalid_request_error", param = null, code = null } = {},
) {
  return { error: { message, type, param, code } };
}

/** @param {string} body raw request body @returns {ChatRequest} */
export function parseChatRequest(body) {
  /** @type {unknown} */
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    throw new RequestError(400, "The request body is not valid JSON.", { code: "invalid_json" });
  }
  if (!isRecord(json)) throw invalid("The request body must be a JSON object.", null);
  if (!Array.isArray(json.messages) || json.messages.length === 0) {
    throw invalid("'messages' must be a non-empty array of { role, content } objects.", "messages");
  }
  const messages = json.messages.map((message, i) => parseMessage(message, `messages[${i}]`));

  const stream = optional(json, "stream", isBoolean, "a boolean") ?? false;
  const includeUsage =
    optional(json, "stream_options", isRecord, "an object")?.include_usage === true;
  const limitParam = json.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens";
  const maxTokens = optional(json, limitParam, isPositiveInteger, "an integer of at least 1");
  const temperature = optional(json, "temperature", isTemperature, "a number from 0 to 2");
  const seed = optional(json, "seed", isInteger, "an integer");
  return { messages, stream, includeUsage, maxTokens, temperature, seed };
}

/** @param {unknown} message @param {string} param @returns {ChatMessage} */
function parseMessage(message, param) {
  if (!isRecord(message) || typeof message.role !== "string" || !ROLES.has(message.role)) {
    throw invalid(`${param}.role must be one of: ${[...ROLES].join(", ")}.`, `${param}.role`);
  }
  const role = /** @type {ChatMessage["role"]} */ (message.role);
  const { content } = message;
  if (typeof content === "string") return { role, content };
  if (content == null && role === "assistant") return { role, content: "" }; // e.g. a tool-call turn
  if (Array.isArray(content) && content.every(isRecord)) {
    // Multi-part content: keep the text parts, which is all a text model can use.
    const text = content.flatMap((part) =>
      part.type === "text" && typeof part.text === "string" ? [part.text] : [],
    );
    return { role, content: text.join("\n") };
  }
  throw invalid(
    `${param}.content must be a string or an array of content parts.`,
    `${param}.content`,
  );
}

/**
 * @template T
 * @param {Record<string, unknown>} json @param {string} key
 * @param {(value: unknown) => value is T} valid @param {string} expected
 * @returns {T | undefined}
 */
function optional(json, key, valid, expected) {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  if (!valid(value)) throw invalid(`'${key}' must be ${expected}.`, key);
  return value;
}

/** @param {unknown} value @returns {value is boolean} */
const isBoolean = (value) => typeof value === "boolean";
/** @param {unknown} value @returns {value is number} */
const isInteger = (value) => Number.isInteger(value);
/** @param {unknown} value @returns {value is number} */
const isPositiveInteger = (value) => isInteger(value) && value >= 1;
/** @param {unknown} value @returns {value is number} */
const isTemperature = (value) => typeof value === "number" && value >= 0 && value <= 2;

/** @param {string} message @param {string | null} param */
function invalid(message, param) {
  return new RequestError(400, message, { param, code: "invalid_value" });
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** @param {string[]} ids @param {number} created */
export function modelList(ids, created) {
  return { object: "list", data: ids.map((id) => modelObject(id, created)) };
}

/** @param {string} id @param {number} created */
export function modelObject(id, created) {
  return { id, object: "model", created, owned_by: "party-ai-chat" };
}

/** @param {CompletionMeta} meta @param {string} content @param {FinishReason} finishReason @param {Usage} usage */
export function completion(meta, content, finishReason, usage) {
  return {
    ...meta,
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage,
  };
}

/**
 * @param {CompletionMeta} meta
 * @param {{ role?: "assistant", content?: string }} delta
 * @param {FinishReason | null} [finishReason]
 */
export function chunk(meta, delta, finishReason = null) {
  return {
    ...meta,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The extra last chunk sent when stream_options.include_usage is set. @param {CompletionMeta} meta @param {Usage} usage */
export function usageChunk(meta, usage) {
  return { ...meta, object: "chat.completion.chunk", choices: [], usage };
}

/** One server-sent event. @param {object | "[DONE]"} data */
export function sse(data) {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

/**
 * Usage in the model's own tokens: exact when the model counted them (llama.cpp), else estimated as
 * the sum over message contents (no per-message overhead), as for the n-gram model's pieces.
 * @param {(text: string) => number} countTokens @param {ChatMessage[]} messages @param {string} reply
 * @param {import("./chat-model.js").TokenCounts} [counted]
 * @returns {Usage}
 */
export function usage(countTokens, messages, reply, counted) {
  const prompt_tokens =
    counted?.promptTokens ??
    messages.reduce((sum, message) => sum + countTokens(message.content), 0);
  const completion_tokens = counted?.completionTokens ?? countTokens(reply);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
