// @ts-check
// What counts as a crash in `partykit dev`'s output. A refusal by a party logs nothing; an exception
// that escapes a party shows up as one of CRASH (measured: a throw in onMessage prints "✘ [ERROR]
// Error: ..." with a stack through the party's class; a throw in a timer prints "Uncaught Error: ...").

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*[A-Za-z]`, "g"); // terminal colours
const CRASH = [
  /\bUncaught\b/, // an exception nobody caught, sync or async
  /\[ERROR\]/, // console.error in the runtime or a party: every one is a finding during a fuzz run
  /Error when connecting/, // partykit: onConnect threw (the socket is then closed with 1011)
  /^\s+at \S*(ChatRoomServer|PresenceServer|UsageServer)\b/, // a stack through one of our parties
];
// The runtime also logs, loudly, how it dealt with a client that broke the websocket protocol or
// vanished mid-frame (the suite does both on purpose): its own C++ errors ("WebSocket protocol
// error", "disconnected", "another message send is already in progress"), then the "internal
// error" or "Network connection lost." that the dev proxy reports for the same socket; a request
// whose client vanished mid-body fails to read it. Nobody is left to answer, and no party state is
// touched; whether the room survived is what the checks after each run are for.
const RUNTIME = [
  /\.c\+\+:\d+: /,
  /Error: internal error$/,
  /Error: Network connection lost\.$/,
  /because client disconnected\.$/, // a request body cut off: nobody is left to answer
];

/**
 * The lines of `output` after `from` that show a crash (`crashes`), and the runtime's own reports
 * about broken clients (`runtime`), without terminal colours. A stack trace counts once.
 * @param {string} output @param {number} from
 */
export function crashLines(output, from) {
  const lines = output.slice(from).replace(ANSI, "").split("\n");
  /** @type {string[]} */
  const crashes = [];
  /** @type {string[]} */
  const runtime = [];
  let inStack = false;
  for (const line of lines) {
    if (!line.trim()) continue; // partykit puts blank lines between a message and its stack
    const frame = /^\s+(at|stack:) /.test(line);
    if (frame && inStack) continue;
    inStack = false;
    if (!CRASH.some((pattern) => pattern.test(line))) continue;
    inStack = true;
    if (RUNTIME.some((pattern) => pattern.test(line))) {
      runtime.push(line.trim());
      continue;
    }
    // workerd reports an uncaught async error twice: "Uncaught Error: x", "Uncaught (async) Error: x".
    const crash = line.trim().replace(/^Uncaught \(async\) /, "Uncaught ");
    if (crash === line.trim() || crash !== crashes.at(-1)) crashes.push(crash);
  }
  return { crashes, runtime };
}
