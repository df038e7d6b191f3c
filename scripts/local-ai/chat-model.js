// @ts-check
// The one interface both models (n-gram and llama.cpp) implement, so the server does not care which runs.

/**
 * @typedef {"system" | "developer" | "user" | "assistant" | "tool"} Role
 * @typedef {{ role: Role, content: string }} ChatMessage  content is already flattened to text
 * @typedef {"stop" | "length"} FinishReason
 *
 * @typedef {object} GenerateOptions
 * @property {number} [maxTokens]
 * @property {number} [temperature]
 * @property {number} [seed]
 * @property {AbortSignal} [signal]  generation stops at the next piece once this aborts
 * @property {(usage: TokenCounts) => void} [onUsage]  a model that counts its real tokens reports
 *   them here when it finishes; otherwise the server estimates usage with countTokens
 *
 * @typedef {{ promptTokens: number, completionTokens: number }} TokenCounts
 *
 * @typedef {object} ChatModel
 * @property {string} id
 * @property {string} description  shown in logs, e.g. "offline demo model"
 * @property {(text: string) => number} countTokens  used for both prompt and completion usage
 * @property {(messages: ChatMessage[], options?: GenerateOptions) => AsyncGenerator<string, FinishReason>} generate
 *   yields text pieces as they are made; returns why it stopped
 * @property {() => Promise<void>} [close]
 */

/** @param {ChatMessage[]} messages */
export function lastUserText(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === "user") return messages[i].content;
  }
  return "";
}
