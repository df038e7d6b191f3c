// @ts-check
// At most `limit` generations run at once; the rest wait in arrival order.

/**
 * @typedef {object} Queue
 * @property {(signal?: AbortSignal) => Promise<() => void>} acquire
 *   resolves with a release function once a slot is free; rejects if `signal` aborts while waiting
 * @property {number} active
 * @property {number} waiting
 */

/** @param {number} limit @returns {Queue} */
export function createQueue(limit) {
  let active = 0;
  /** @type {Array<() => void>} */
  const waiters = [];

  function makeRelease() {
    let released = false;
    return () => {
      if (released) return; // releasing twice must not free someone else's slot
      released = true;
      const next = waiters.shift();
      if (next)
        next(); // hand the slot straight over, so `active` stays the same
      else active--;
    };
  }

  return {
    get active() {
      return active;
    },
    get waiting() {
      return waiters.length;
    },
    acquire(signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        if (active < limit) {
          active++;
          return resolve(makeRelease());
        }
        const grant = () => {
          signal?.removeEventListener("abort", leave);
          resolve(makeRelease());
        };
        const leave = () => {
          waiters.splice(waiters.indexOf(grant), 1);
          reject(signal?.reason);
        };
        waiters.push(grant);
        signal?.addEventListener("abort", leave, { once: true });
      });
    },
  };
}
