// @ts-check
// `npm run deploy` refuses a configuration that would deploy a broken room, in one line, before any
// network call; a good one reaches `partykit deploy` with exactly the variables it names.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test, { after } from "node:test";
import { isLocalHost } from "../../scripts/production/settings.js";
import { ROOT } from "../../scripts/stage-app.js";

const temporary = /** @type {string[]} */ ([]);
after(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Stage N as a standalone project (what a demo branch holds), sharing this repo's node_modules. */
function exportStage(/** @type {number} */ n) {
  const dir = mkdtempSync(join(tmpdir(), `deploy-test-${n}-`));
  temporary.push(dir);
  const exported = spawnSync(
    process.execPath,
    ["scripts/stage", "export", String(n), dir, "--force"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  assert.equal(exported.status, 0, exported.stderr);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

// The one stand-in: a partykit CLI that records how it was called instead of deploying.
const stubDir = mkdtempSync(join(tmpdir(), "partykit-stub-"));
temporary.push(stubDir);
const stub = join(stubDir, "partykit.mjs");
writeFileSync(
  stub,
  `import { writeFileSync } from "node:fs";
   const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("CLOUDFLARE_")));
   writeFileSync(process.env.STUB_OUT, JSON.stringify({ args: process.argv.slice(2), env }));`,
);

/**
 * Runs `npm run deploy` in `dir` with only `settings` as the user's configuration.
 * @param {string} dir @param {Record<string, string>} settings @param {string[]} [args]
 */
function deploy(dir, settings, args = []) {
  const out = join(dir, `called-${Math.random()}.json`);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PARTYKIT_CLI: stub, STUB_OUT: out };
  const result = spawnSync(process.execPath, ["scripts/deploy.js", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...env, ...settings },
  });
  const called = existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : null;
  return { ...result, called };
}

const stage5 = exportStage(5);
const good = { OPENAI_API_KEY: "sk-test", USAGE_SECRET: "s3cret" };

/** @type {[string, Record<string, string>, RegExp][]} */
const refusals = [
  ["no AI provider", { USAGE_SECRET: "s" }, /no AI provider the cloud can use: set OPENAI_API_KEY/],
  [
    "an AI on loopback",
    { ...good, OPENAI_BASE_URL: "http://localhost:11434/v1" },
    /OPENAI_BASE_URL=http:\/\/localhost:11434\/v1 is on this machine or its local network/,
  ],
  [
    "an AI on the LAN",
    { ...good, OPENAI_BASE_URL: "http://192.168.1.20:8080/v1" },
    /is on this machine or its local network, out of the cloud's reach/,
  ],
  ["no USAGE_SECRET", { OPENAI_API_KEY: "sk-test" }, /USAGE_SECRET is not set/],
  [
    "half a Cloudflare account",
    { ...good, CLOUDFLARE_ACCOUNT_ID: "abc" },
    /CLOUDFLARE_API_TOKEN is not set: set both/,
  ],
  ["a bad preview name", good, /--preview Bad Name: use lowercase letters/],
];

for (const [what, settings, message] of refusals) {
  test(`deploy refuses ${what} in one line, and calls nothing`, () => {
    const args = what === "a bad preview name" ? ["--preview", "Bad Name"] : [];
    const result = deploy(stage5, settings, args);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.equal(result.called, null, "partykit deploy must not be called");
  });
}

test(
  "deploy builds, then calls partykit deploy with the named variables only",
  { timeout: 120_000 },
  () => {
    // A .env holds more than the parties read: none of the rest may leave the machine.
    writeFileSync(join(stage5, ".env"), "USAGE_SECRET=from-dotenv\nMY_PRIVATE_TOKEN=do-not-send\n");
    const result = deploy(stage5, { OPENAI_API_KEY: "sk-test", AI_REPLY: "mention" }, [
      "--preview",
      "talk",
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /deploy: this folder \(Stage 5: live cursors and who is here\)/);
    assert.ok(existsSync(join(stage5, "build/index.js")), "the Remix build ran first");
    assert.deepEqual(result.called, {
      args: [
        "deploy",
        ...["--var", "OPENAI_API_KEY=sk-test", "--var", "AI_REPLY=mention"],
        ...["--var", "USAGE_SECRET=from-dotenv", "--preview", "talk"],
      ],
      env: {},
    });
  },
);

test("deploy passes your own Cloudflare account to the partykit CLI", { timeout: 120_000 }, () => {
  const dir = exportStage(2); // no AI and no usage party yet: nothing else is needed
  const account = { CLOUDFLARE_ACCOUNT_ID: "abc", CLOUDFLARE_API_TOKEN: "tok" };
  const result = deploy(dir, account, ["--domain", "chat.example.com"]);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.called, {
    args: ["deploy", "--domain", "chat.example.com"],
    env: account,
  });
});

test("only public hosts count as reachable from the cloud", () => {
  for (const host of ["localhost", "127.0.0.1", "::1", "10.0.0.5", "172.20.1.1", "192.168.1.2"])
    assert.ok(isLocalHost(host), host);
  for (const host of ["169.254.1.1", "fd00::1", "ollama", "box.local", "::ffff:127.0.0.1"])
    assert.ok(isLocalHost(host), host);
  for (const host of ["api.openai.com", "8.8.8.8", "2606:4700::1111"])
    assert.ok(!isLocalHost(host), host);
});
