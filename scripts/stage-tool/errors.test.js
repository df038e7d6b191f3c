// @ts-check
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { read, remove, snapshot, stage, withFixture } from "./fixture.js";

/**
 * Runs the CLI expecting failure: exit 1, one `stage: ` line on stderr that matches, nothing changed on disk.
 * @param {string} cwd @param {string[]} args @param {RegExp} message @param {NodeJS.ProcessEnv} [env]
 */
async function fails(cwd, args, message, env) {
  const before = snapshot(cwd);
  const result = await stage(cwd, args, env);
  assert.equal(result.code, 1, `exit code of ${args.join(" ")}`);
  assert.match(result.stderr, /^stage: [^\n]+\n$/, "one line on stderr");
  assert.match(result.stderr.trimEnd(), message);
  assert.equal(result.stdout, "");
  assert.deepEqual(snapshot(cwd), before, "nothing changed on disk");
}

/** A fresh temporary folder for `body`. @param {string} prefix @param {(dir: string) => Promise<void>} body */
async function withTempDir(prefix, body) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await body(dir);
  } finally {
    remove(dir);
  }
}

describe("errors: exit 1, one line naming the fix, nothing written", { concurrency: true }, () => {
  test(
    "unknown stage",
    withFixture(async (root) => {
      await fails(
        root,
        ["4b"],
        /^stage: unknown stage "4b"; expected one of: 1 local-chat, 2 chat-room, 3 ai-replies, 4 usage$/,
      );
      await fails(root, ["diff", "9"], /unknown stage "9"/);
    }),
  );

  test(
    "unknown command, option or arguments",
    withFixture(async (root) => {
      await fails(
        root,
        ["frobnicate"],
        /^stage: unknown command "frobnicate"; expected a stage \(1 local-chat, .*\) or one of: list, go, restore, diff/,
      );
      await fails(
        root,
        ["list", "--nope"],
        /^stage: Unknown option '--nope'; see scripts\/stage --help$/,
      );
      await fails(root, ["list", "--force"], /--force does not apply to "list"/);
      await fails(
        root,
        ["export", "2"],
        /^stage: usage: scripts\/stage export <stage> <dir>; see scripts\/stage --help$/,
      );
    }),
  );

  test("outside a repo", () =>
    withTempDir("stage-outside-", (outside) =>
      fails(
        outside,
        ["list"],
        /no demos\/stages\.json in .* or above it; run scripts\/stage inside the repo/,
      ),
    ));

  test(
    "missing git for branches",
    withFixture((root) =>
      withTempDir("stage-empty-path-", (empty) =>
        fails(
          root,
          ["branches"],
          /^stage: git not found on PATH; install git \(or add it to PATH\) to build the demo branches$/,
          { PATH: empty },
        ),
      ),
    ),
  );

  test(
    "missing git for a save that must merge into a later stage",
    withFixture((root) =>
      withTempDir("stage-empty-path-", async (empty) => {
        await stage(root, ["2"]);
        writeFileSync(
          join(root, "party/chatroom.ts"),
          "export class ChatRoomServer { fixed = 1 }\n",
        );
        await fails(
          root,
          ["save"],
          /^stage: git not found on PATH, and save merges with git merge-file; install git, or save with --no-forward and port the change by hand$/,
          { PATH: empty },
        );
      }),
    ),
  );

  test(
    "a broken demos/stages.json names the setting to fix",
    withFixture(async (root) => {
      const config = JSON.parse(read(root, "demos/stages.json"));
      writeFileSync(
        join(root, "demos/stages.json"),
        JSON.stringify({ ...config, stages: { "02-chat-room": { order: "party/" } } }),
      );
      await fails(
        root,
        ["diff"],
        /^stage: demos\/stages\.json: "stages"\."02-chat-room"\.order must be a list of paths or globs$/,
      );
      writeFileSync(
        join(root, "demos/stages.json"),
        JSON.stringify({ ...config, stages: { "02-chat-room": { maxLines: 3 } } }),
      );
      await fails(
        root,
        ["check"],
        /has unknown setting "maxLines"; expected "order" or "maxDiffLines"$/,
      );
      writeFileSync(
        join(root, "demos/stages.json"),
        JSON.stringify({ ...config, maxLineWidth: "100" }),
      );
      await fails(root, ["check"], /"maxLineWidth" must be a positive whole number$/);
    }),
  );

  test(
    "export into a non-empty folder, or into the repo",
    withFixture((root) =>
      withTempDir("stage-dest-", async (dest) => {
        writeFileSync(join(dest, "keep.txt"), "mine\n");
        const before = snapshot(dest);
        await fails(
          root,
          ["export", "2", dest],
          /is not empty; pass --force to replace its contents \(node_modules is kept\)$/,
        );
        assert.deepEqual(snapshot(dest), before);
        await fails(
          root,
          ["export", "2", ".", "--force"],
          /cannot export into \.: it would overwrite the repo/,
        );
        await fails(root, ["export", "2", "app/x"], /it would overwrite the repo/);
      }),
    ),
  );

  test(
    "edits that cannot be backed up stop the switch",
    withFixture(async (root) => {
      writeFileSync(join(root, "app/root.tsx"), "edited\n");
      mkdirSync(join(root, ".stage"));
      writeFileSync(join(root, ".stage/backups"), "a file where the backups folder should be\n");
      await fails(
        root,
        ["1"],
        /^stage: cannot back up 1 edited files to \.stage\/backups\/ \(ENOTDIR\); make \.stage\/ a writable folder, or pass --force to discard the edits$/,
      );
    }),
  );

  test(
    ".stage as a file stops even a forced switch before it writes",
    withFixture(async (root) => {
      writeFileSync(join(root, "app/root.tsx"), "edited\n");
      writeFileSync(join(root, ".stage"), "not a folder\n");
      await fails(root, ["1"], /^stage: \.stage is a file, not a folder; move it away/);
      await fails(root, ["1", "--force"], /^stage: \.stage is a file, not a folder/);
    }),
  );

  test(
    "restore with no backups",
    withFixture((root) =>
      fails(root, ["restore"], /^stage: no backups in \.stage\/backups\/; nothing to restore$/),
    ),
  );
});
