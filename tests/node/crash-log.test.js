// @ts-check
// The fuzz suite's crash counter reads `partykit dev`'s output: these are lines it printed (colours
// and native stack addresses trimmed) when a party threw, and when a client broke the protocol.
import assert from "node:assert/strict";
import test from "node:test";
import { crashLines } from "./fuzz/crash-log.js";

const PARTY_THREW = `
[pk:inf] GET /parties/chatroom/fuzz-a 101 Switching Protocols (30ms)

\u001b[31m✘ \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \u001b[1mError: boom\u001b[0m

      at ChatRoomServer.onMessage (file:///tmp/x/build/index.js:69540:31)
      at ClassWorker.onMessage (file:///tmp/x/build/index.js:70874:26)

Uncaught Error: timer boom
    at file:///tmp/x/build/index.js:69542:13

Uncaught (async) Error: timer boom
    at file:///tmp/x/build/index.js:69542:13
`;

const CLIENT_BROKE_THE_PROTOCOL = `
✘ [ERROR] workerd/jsg/util.c++:276: error: e = kj/compat/http.c++:5740: failed: WebSocket protocol error; protocolError.statusCode = 1002; protocolError.description = Unknown opcode 3
  stack: /node_modules/@cloudflare/workerd-linux-64/bin/workerd@406d510; sentryErrorContext = jsgInternalError
  workerd/server/server.c++:3360: error: Uncaught exception: kj/compat/http.c++:5740: failed: worker_do_not_log; Request failed due to internal error
Uncaught (in promise) Error: internal error
Uncaught (in response) Error: internal error
Uncaught (async) Error: internal error
Uncaught (in response) Error: Network connection lost.
✘ [ERROR] workerd/jsg/util.c++:276: error: e = kj/compat/http.c++:3473: failed: expected !currentlySending; another message send is already in progress
✘ [ERROR] onRequest error TypeError: Can't read from request stream because client disconnected.
[pk:inf] GET /parties/chatroom/fuzz-a 101 Switching Protocols (0ms)
`;

test("a party's exception is a crash, once per exception", () => {
  assert.deepEqual(crashLines(PARTY_THREW, 0).crashes, [
    "✘ [ERROR] Error: boom",
    "Uncaught Error: timer boom",
  ]);
  assert.deepEqual(crashLines(PARTY_THREW + PARTY_THREW, 0).crashes.length, 4);
});

test("the runtime refusing a broken or vanished client is not a party crash", () => {
  const { crashes, runtime } = crashLines(CLIENT_BROKE_THE_PROTOCOL, 0);
  assert.deepEqual(crashes, []);
  assert.equal(runtime.length, 8);
});

test("only output after the mark counts", () => {
  const output = PARTY_THREW + CLIENT_BROKE_THE_PROTOCOL;
  assert.deepEqual(crashLines(output, PARTY_THREW.length).crashes, []);
});
