// @ts-check

/** An expected failure: `message` is for people (it names the fix), `code` is for tests and callers. */
export class StageError extends Error {
  /** @param {string} message @param {string} code */
  constructor(message, code) {
    super(message);
    this.name = "StageError";
    this.code = code;
  }
}
