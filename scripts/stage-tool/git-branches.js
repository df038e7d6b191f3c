// @ts-check
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StageError } from "./errors.js";
import { standaloneSources } from "./standalone.js";

/** @typedef {import('./stages.js').Repo} Repo */
/** @typedef {import('./stages.js').Stage} Stage */

const FALLBACK = { name: "party-ai-chat stage tool", email: "stage-tool@party-ai-chat.invalid" };

/** @param {Stage} stage */
export const branchName = (stage) => `demo-${stage.id.slice(0, 2)}`;

/** @param {Stage} stage */
export const commitMessage = (stage) =>
  stage.title.startsWith(`Stage ${stage.n}`) ? stage.title : `Stage ${stage.n}: ${stage.title}`;

/**
 * Runs git with an args array; returns stdout, or null on a non-zero exit when `allowFail`.
 * @param {string} cwd @param {string[]} args @param {{ input?: string, env?: NodeJS.ProcessEnv, allowFail?: boolean }} [options]
 */
function git(cwd, args, { input, env, allowFail = false } = {}) {
  const result = spawnSync("git", args, {
    cwd,
    input,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  if (/** @type {NodeJS.ErrnoException | undefined} */ (result.error)?.code === "ENOENT")
    throw new StageError(
      "git not found on PATH; install git (or add it to PATH) to build the demo branches",
      "GIT_MISSING",
    );
  if (result.error) throw result.error;
  if (result.status === 0) return result.stdout.trim();
  if (allowFail) return null;
  throw new StageError(
    `git ${args[0]} failed: ${result.stderr.trim().split("\n")[0]}`,
    "GIT_FAILED",
  );
}

/**
 * Creates or updates branches demo-01.. so each is one commit holding its stage as a
 * standalone project, parented on the previous demo branch. Uses plumbing only:
 * HEAD, the index and the working tree are never touched. Unchanged stages keep their commit.
 * @param {Repo} repo
 */
export function buildBranches(repo) {
  const root = repo.root;
  if (git(root, ["rev-parse", "--git-dir"], { allowFail: true }) === null)
    throw new StageError(`${root} is not a git repository; run git init there first`, "NOT_A_REPO");

  // Every blob in one call: each file of every stage exists on disk somewhere.
  const stages = repo.stages.map((stage) => ({ stage, sources: standaloneSources(repo, stage) }));
  const files = [...new Set(stages.flatMap(({ sources }) => [...sources.values()]))];
  const hashes = files.length
    ? (git(root, ["hash-object", "-w", "--no-filters", "--stdin-paths"], {
        input: files.join("\n") + "\n",
      })?.split("\n") ?? [])
    : [];
  const blob = new Map(files.map((file, i) => [file, hashes[i]]));

  const env = identityEnv(root);
  const head = git(root, ["symbolic-ref", "-q", "HEAD"], { allowFail: true });
  /** @type {{ branch: string, commit: string, status: 'created' | 'updated' | 'unchanged', old: string | null, stage: Stage }[]} */
  const plan = [];
  /** @type {string | null} */
  let parent = null;
  for (const { stage, sources } of stages) {
    const tree = writeTree(root, sources, blob);
    const branch = branchName(stage);
    const message = commitMessage(stage);
    const old = git(root, ["rev-parse", "-q", "--verify", `refs/heads/${branch}^{commit}`], {
      allowFail: true,
    });
    /** @type {string | null} */
    let commit = old && sameCommit(root, old, tree, parent, message) ? old : null;
    if (!commit) {
      if (head === `refs/heads/${branch}`)
        throw new StageError(
          `${branch} is checked out; switch to another branch, then run scripts/stage branches again`,
          "BRANCH_CHECKED_OUT",
        );
      commit = /** @type {string} */ (
        git(root, ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message], { env })
      );
    }
    plan.push({
      branch,
      commit,
      old,
      stage,
      status: commit === old ? "unchanged" : old ? "updated" : "created",
    });
    parent = commit;
  }
  // Refs move only once every commit exists, so a failure leaves all branches as they were.
  for (const { branch, commit, old, status } of plan)
    if (status !== "unchanged")
      git(root, [
        "update-ref",
        "-m",
        "scripts/stage branches",
        `refs/heads/${branch}`,
        commit,
        old ?? "",
      ]);
  return plan;
}

/** Builds a tree object in a throwaway index, so the real one is never touched. @param {string} root @param {Map<string, string>} sources @param {Map<string, string>} blob */
function writeTree(root, sources, blob) {
  const dir = mkdtempSync(join(tmpdir(), "stage-index-"));
  try {
    const env = { GIT_INDEX_FILE: join(dir, "index") };
    const entries = [...sources].map(
      ([path, file]) =>
        `${statSync(file).mode & 0o111 ? "100755" : "100644"} ${blob.get(file)}\t${path}`,
    );
    if (entries.length)
      git(root, ["update-index", "--add", "--index-info"], {
        input: entries.join("\n") + "\n",
        env,
      });
    return /** @type {string} */ (git(root, ["write-tree"], { env }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {string} root @param {string} commit @param {string} tree @param {string | null} parent @param {string} message */
function sameCommit(root, commit, tree, parent, message) {
  const text = git(root, ["cat-file", "commit", commit]) ?? "";
  const [headers, ...body] = text.split("\n\n");
  const parents = headers
    .split("\n")
    .filter((l) => l.startsWith("parent "))
    .map((l) => l.slice(7));
  return (
    headers.startsWith(`tree ${tree}\n`) &&
    parents.join() === (parent ?? "") &&
    body.join("\n\n").trim() === message
  );
}

/** A fixed author when neither the environment nor git config names one, so commit-tree never stops to ask. @param {string} root */
function identityEnv(root) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const key of /** @type {const} */ (["name", "email"])) {
    if (git(root, ["config", `user.${key}`], { allowFail: true })) continue;
    const KEY = key.toUpperCase();
    env[`GIT_AUTHOR_${KEY}`] = process.env[`GIT_AUTHOR_${KEY}`] ?? FALLBACK[key];
    env[`GIT_COMMITTER_${KEY}`] = process.env[`GIT_COMMITTER_${KEY}`] ?? FALLBACK[key];
  }
  return env;
}
