// partykit 0.0.115 sets `globalThis.Buffer` to the node:buffer *module*, not the Buffer class,
// and msgpackr reads `Buffer.prototype` as it loads. Import this before msgpackr to put it back.
const scope = globalThis as { Buffer?: { Buffer?: unknown } };
if (typeof scope.Buffer?.Buffer === "function") scope.Buffer = scope.Buffer.Buffer as never;

export {};
