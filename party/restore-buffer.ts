// partykit 0.0.115 sets `globalThis.Buffer` to the node:buffer *module* ({ Buffer, Blob, ... }),
// not the Buffer class. msgpackr reads `Buffer.prototype` as it loads: the worker would crash.
// Import this module before msgpackr: it puts the class back. Browsers have no Buffer at all.
const scope = globalThis as { Buffer?: unknown };
const found = scope.Buffer as { Buffer?: unknown } | undefined;
if (found && typeof found === "object" && typeof found.Buffer === "function")
  scope.Buffer = found.Buffer;

export {};
