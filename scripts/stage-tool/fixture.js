// @ts-check
// Test helpers (not a test file): a small fixture repo in os.tmpdir() and a runner for the real CLI.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFiles, walk, writeFile } from "./fs-tree.js";
import { materialize } from "./index.js";

export const CLI = fileURLToPath(new URL("../stage", import.meta.url));
export const WORKING_COPY = ["app", "party", "partykit.json"];

/** The fixture's stage folders: four stages with nested folders, binary bytes, removals and a folder-level removal. */
export const STAGES = {
  "01-local-chat": {
    "README.md":
      "# Stage 1: local chat\n\nYou chat with yourself.\nNo server yet.\n\nMore notes.\n",
    "app/root.tsx": "export default function App() {}\n",
    "app/routes/_index.tsx": "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\n",
    "app/deep/a/b/note.txt": "deep\n",
    "app/logo.bin": Buffer.from([0, 1, 2, 255, 254, 0, 10]),
    "partykit.json": '{ "name": "chat" }\n',
  },
  "02-chat-room": {
    "README.md": "# Stage 2: a chat room\n\nEveryone shares a room.\n",
    "app/routes/_index.tsx":
      "line 1\nline 2 (room)\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8 (room)\n",
    "app/routes/chats.$room.tsx": "export default function Room() {}\n",
    "party/chatroom.ts": "export class ChatRoomServer {}\n",
    "removed.txt": "# the note is obsolete once there is a room\napp/deep/a/b/note.txt\n",
  },
  "03-ai-replies": {
    "README.md": "# Stage 3: AI replies\n\nA bot answers.\n",
    "party/ai.ts": 'export const reply = () => "hi"\n',
    "party/chatroom.ts": 'import { reply } from "./ai"\nexport class ChatRoomServer {}\n',
    "partykit.json": '{ "name": "chat", "ai": true }\n',
    "app/logo.bin": Buffer.from([0, 1, 2, 3, 255, 0]),
    "app/lib/util.ts": "export const a = 1\nexport const b = 2\n",
  },
  "04-usage": {
    "README.md": "# Stage 4: usage\n\nCount the tokens.\n",
    "app/routes/usage.tsx": "export default function Usage() {}\n",
    "removed.txt": "party/ai.ts\napp/lib\n",
  },
};

/**
 * Creates a fixture repo whose working copy is at the last stage (like the real repo)
 * and returns its root. Remove it with `rmSync(root, { recursive: true })`.
 * @param {Record<string, Record<string, string | Buffer>>} [stages]
 * @param {Record<string, unknown>} [settings] more of demos/stages.json ("stages", "maxLineWidth")
 */
export function makeFixture(stages = STAGES, settings = {}) {
  const root = mkdtempSync(join(tmpdir(), "stage-test-"));
  const config = {
    workingCopy: WORKING_COPY,
    projectFiles: ["package.json", ".gitignore", "public", "not-there.config.js"],
    ...settings,
  };
  writeFile(root, "demos/stages.json", Buffer.from(JSON.stringify(config, null, 2)));
  writeFile(root, "package.json", Buffer.from('{ "name": "fixture", "private": true }\n'));
  writeFile(root, ".gitignore", Buffer.from(".stage/\nnode_modules/\n/public/build/\n"));
  writeFile(root, "public/favicon.ico", Buffer.from([0, 0, 1, 0, 137, 80]));
  writeFile(root, "public/build/bundle.js", Buffer.from("// build output: ignored\n"));
  for (const [id, files] of Object.entries(stages))
    for (const [path, content] of Object.entries(files))
      writeFile(root, `demos/${id}/${path}`, Buffer.from(content));
  const ids = Object.keys(stages);
  for (const [path, bytes] of materialize(root, ids[ids.length - 1])) writeFile(root, path, bytes);
  return root;
}

/**
 * Runs the real CLI in `cwd`, like a presenter would. Async, so tests can run side by side.
 * @param {string} cwd @param {string[]} args @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function stage(cwd, args, env = {}) {
  const options = {
    cwd,
    encoding: /** @type {const} */ ("utf8"),
    env: { ...process.env, NO_COLOR: "1", ...env },
  };
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], options, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
}

/**
 * Wraps a test body so it gets its own fixture repo, removed afterwards.
 * @param {(root: string) => Promise<void>} body
 * @param {Parameters<typeof makeFixture>} fixture other stages or settings than the default
 */
export const withFixture =
  (body, ...fixture) =>
  async () => {
    const root = makeFixture(...fixture);
    try {
      await body(root);
    } finally {
      remove(root);
    }
  };

/** The working-copy files of `root` (degit's `compare` style: exact paths and bytes). @param {string} root */
export const workingCopy = (root) =>
  readFiles(
    root,
    WORKING_COPY.flatMap((p) => walk(root, p)),
  );

/** Every file under `root` except .git, to prove a failed command wrote nothing. @param {string} root */
export const snapshot = (root) =>
  readFiles(
    root,
    walk(root, "", (p) => p === ".git"),
  );

/** @param {string} root @param {string} path */
export const read = (root, path) => readFileSync(join(root, path), "utf8");

/** @param {string} root */
export const remove = (root) => rmSync(root, { recursive: true, force: true });

/**
 * Stage N of the fixture worked out from STAGES alone (the spec's model, not the tool's code):
 * apply stages 1..N, each overlaying its files and then deleting what its removed.txt lists.
 * @param {number} n @param {Record<string, Record<string, string | Buffer>>} [stages]
 */
export function expectedStage(n, stages = STAGES) {
  /** @type {Map<string, Buffer>} */
  const tree = new Map();
  for (const files of Object.values(stages).slice(0, n)) {
    for (const [path, content] of Object.entries(files))
      if (path !== "README.md" && path !== "removed.txt") tree.set(path, Buffer.from(content));
    const removed = String(files["removed.txt"] ?? "")
      .split("\n")
      .filter((line) => line && !line.startsWith("#"));
    for (const entry of removed)
      for (const path of tree.keys())
        if (path === entry || path.startsWith(`${entry}/`)) tree.delete(path);
  }
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : 1)));
}
