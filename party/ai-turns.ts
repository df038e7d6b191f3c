// Whose turn it is to talk to the AI in a room: one reply at a time. A message that arrives while
// the AI answers waits for the next reply, and anyone may stop the reply being written.
export class AiTurns {
  #queue = Promise.resolve();
  #queued = false;
  #current: { id: string; stop: AbortController; by?: string } | null = null;

  /** Queues `reply`. Requests that arrive while one is queued are answered by that reply. */
  request(reply: () => Promise<void>) {
    if (this.#queued) return;
    this.#queued = true;
    this.#queue = this.#queue
      .then(() => {
        this.#queued = false;
        return reply();
      })
      .catch((error) => console.error("AI reply failed", error)); // the next one is still tried
  }

  /** Reply `id` is being written: the signal aborts if someone stops it. */
  begin(id: string) {
    this.#current = { id, stop: new AbortController() };
    return this.#current.stop.signal;
  }

  /** Reply `id` has ended: who stopped it, if anyone did. */
  end(id: string) {
    const by = this.#current?.id === id ? this.#current.by : undefined;
    this.#current = null;
    return by;
  }

  /** Stops reply `id` for `name`; false when that reply is not being written. */
  stop(id: string, name: string) {
    if (this.#current?.id !== id || this.#current.stop.signal.aborted) return false;
    this.#current.by = name;
    this.#current.stop.abort();
    return true;
  }
}
