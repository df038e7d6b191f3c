// @ts-check
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { STAGES, expectedStage, makeFixture, remove, snapshot, stage } from "./fixture.js";

// No global or system git config: the tool's fallback identity is used, and nothing leaks in from the machine.
const ENV = { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };

/** @type {string} */
let root;
/** @param {...string} args */
const git = (...args) =>
  execFileSync("git", args, {
    cwd: root,
    env: { ...process.env, ...ENV },
    encoding: "utf8",
  }).trim();
/** @param {string} rev @param {string} path */
const blob = (rev, path) =>
  execFileSync("git", ["cat-file", "blob", `${rev}:${path}`], { cwd: root });
const branches = ["demo-01", "demo-02", "demo-03", "demo-04"];

/** The state `branches` must not touch: HEAD, the index, the working tree, git status. */
const untouched = () => ({
  head: git("rev-parse", "HEAD"),
  ref: git("symbolic-ref", "HEAD"),
  index: readFileSync(join(root, ".git/index")),
  status: git("status", "--porcelain"),
  files: snapshot(root),
});

before(() => {
  root = makeFixture();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "work");
  writeFileSync(join(root, "app/root.tsx"), "uncommitted edit\n"); // a dirty tree must stay dirty
});
after(() => remove(root));

/** Changed files and the sorted added/removed lines of a unified diff. @param {string} text */
function summarize(text) {
  const files = new Set(
    [
      ...text.matchAll(
        /^(?:--- a\/|\+\+\+ b\/)(.+)$|^Binary files (?:a\/(\S+)|\/dev\/null) and (?:b\/(\S+)|\/dev\/null) differ$/gm,
      ),
    ].map((m) => m[1] ?? m[2] ?? m[3]),
  );
  const lines = text
    .split("\n")
    .filter((line) => /^[+-]/.test(line) && !/^(---|\+\+\+) /.test(line));
  return { files: [...files].sort(), lines: lines.sort() };
}

test("branches builds one commit per stage without touching HEAD, the index or the working tree", async () => {
  const state = untouched();
  const result = await stage(root, ["branches"], ENV);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^demo-01 {2}created {3}[0-9a-f]{7} {2}Stage 1: local chat$/m);
  assert.deepEqual(untouched(), state);

  branches.forEach((branch, i) => {
    const expected = new Map([
      [".gitignore", state.files.get(".gitignore")],
      ["README.md", Buffer.from(Object.values(STAGES)[i]["README.md"])],
      ["package.json", state.files.get("package.json")],
      ["public/favicon.ico", state.files.get("public/favicon.ico")],
      ...expectedStage(i + 1),
    ]);
    assert.deepEqual(
      git("ls-tree", "-r", "--name-only", branch).split("\n"),
      [...expected.keys()].sort(),
      branch,
    );
    for (const [path, bytes] of expected)
      assert.deepEqual(blob(branch, path), bytes, `${branch}:${path}`);
    assert.equal(
      git("log", "-1", "--format=%s|%an|%P", branch),
      `${Object.values(STAGES)[i]["README.md"].toString().slice(2).split("\n")[0]}|party-ai-chat stage tool|${
        i ? git("rev-parse", branches[i - 1]) : ""
      }`,
    );
  });
});

test("consecutive branches differ exactly by the stage's diff", async () => {
  for (let k = 1; k < branches.length; k++) {
    const fromGit = git(
      "diff",
      "--no-color",
      branches[k - 1],
      branches[k],
      "--",
      "app",
      "party",
      "partykit.json",
    );
    const fromTool = (await stage(root, ["diff", String(k), String(k + 1)])).stdout;
    assert.deepEqual(summarize(fromTool), summarize(fromGit), `stage ${k} -> ${k + 1}`);
  }
});

test("rerunning keeps unchanged commits; a changed stage updates it and the ones after", async () => {
  const shas = branches.map((b) => git("rev-parse", b));
  assert.match((await stage(root, ["branches"], ENV)).stdout, /^demo-04 {2}unchanged/m);
  assert.deepEqual(
    branches.map((b) => git("rev-parse", b)),
    shas,
  );

  writeFileSync(
    join(root, "demos/03-ai-replies/party/ai.ts"),
    'export const reply = () => "hello"\n',
  );
  const state = untouched();
  const { stdout } = await stage(root, ["branches"], ENV);
  assert.deepEqual(
    stdout
      .split("\n")
      .slice(0, 4)
      .map((line) => line.split(/\s+/)[1]),
    ["unchanged", "unchanged", "updated", "updated"],
  );
  assert.deepEqual(untouched(), state);
  assert.equal(
    blob("demo-04", "party/chatroom.ts").toString(),
    STAGES["03-ai-replies"]["party/chatroom.ts"],
  );
  assert.equal(git("rev-parse", "demo-03^"), shas[1]);
});

test("refuses to move a branch that is checked out", async () => {
  git("symbolic-ref", "HEAD", "refs/heads/demo-04");
  writeFileSync(join(root, "demos/04-usage/app/routes/usage.tsx"), "changed\n");
  try {
    const result = await stage(root, ["branches"], ENV);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "stage: demo-04 is checked out; switch to another branch, then run scripts/stage branches again\n",
    );
  } finally {
    git("symbolic-ref", "HEAD", "refs/heads/main");
  }
});
