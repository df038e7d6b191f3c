// @ts-check
// What the dev server is doing, for the open pages (their indicator, their reload) and for page
// requests, which wait while a build or a runtime restart is under way.
import { randomBytes } from "node:crypto";

/**
 * @typedef {{ status: "starting" | "switching" | "building" | "restarting" | "ready" | "error",
 *   generation: string, stage: string | null, message: string }} DevState
 */

export function createDevState() {
  const boot = randomBytes(3).toString("hex"); // a restarted dev server never repeats a generation
  let builds = 0;
  /** @type {DevState} */
  let state = { status: "starting", generation: `${boot}-0`, stage: null, message: "starting…" };
  /** @type {Set<(s: DevState) => void>} */
  const subscribers = new Set();

  /** @param {Partial<DevState>} next */
  const set = (next) => {
    state = { ...state, ...next };
    for (const fn of subscribers) fn(state);
  };
  /** @param {(s: DevState) => void} fn */
  const subscribe = (fn) => {
    subscribers.add(fn);
    return () => void subscribers.delete(fn);
  };

  return {
    get: () => state,
    set,
    subscribe,
    /** New code serves: every open page whose generation differs reloads. @param {string | null} stage */
    served: (stage) =>
      set({ status: "ready", generation: `${boot}-${++builds}`, stage, message: "" }),
    /** Resolves once pages may be served: the code is built and running, or a build failed. */
    settled() {
      return /** @type {Promise<void>} */ (
        new Promise((resolve) => {
          const done = (/** @type {DevState} */ s) => s.status === "ready" || s.status === "error";
          if (done(state)) return resolve();
          const unsubscribe = subscribe((s) => {
            if (!done(s)) return;
            unsubscribe();
            resolve();
          });
        })
      );
    },
  };
}
