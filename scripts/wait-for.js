// @ts-check
// The one way tools and node tests wait: on a condition, never for a fixed time.

/**
 * Polls `check` until it returns something truthy, and returns that; fails with `message` after
 * `timeout` ms. `interval` is how long to leave between looks (10 ms unless looking has a cost).
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {{ message: string, timeout?: number, interval?: number }} options
 * @returns {Promise<NonNullable<T>>}
 */
export async function waitFor(check, { message, timeout = 5000, interval = 10 }) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return /** @type {NonNullable<T>} */ (value);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
