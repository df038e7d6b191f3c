// @ts-check
// What `npm run deploy` and `npm start` share: the variables the parties read, passed on by name,
// and the checks a deployed room would otherwise fail at, each refused in one line that names the fix.
import ipaddr from "ipaddr.js";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

/** Every variable a party reads. Only these are passed on, never a whole `.env`. */
export const PARTY_VARS = [
  "OPENAI_BASE_URL",
  "OPENAI_API_KEY",
  "OPENAI_MODEL",
  "AI_REPLY",
  "AI_TIMEOUT_MS",
  "USAGE_SECRET",
  "AI_REPLIES_PER_MINUTE",
  "AI_TOKENS_PER_HOUR",
  "OPEN_ROOMS",
  "CONNECTIONS_PER_ADDRESS",
];

/** Read by the partykit CLI itself to deploy to your own Cloudflare account. */
const CLOUDFLARE_VARS = ["CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN"];

export class SettingsError extends Error {}

/**
 * `.env` in `root`, then the shell (which wins); empty values count as unset.
 * @param {string} root @param {NodeJS.ProcessEnv} [shell]
 * @returns {Record<string, string>}
 */
export function readSettings(root, shell = process.env) {
  const file = join(root, ".env");
  const merged = { ...(existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {}), ...shell };
  /** @type {Record<string, string>} */
  const set = {};
  for (const [name, value] of Object.entries(merged)) if (value) set[name] = value;
  return set;
}

/** The party variables that are set, by name. @param {Record<string, string>} settings */
export const partyVars = (settings) =>
  Object.fromEntries(PARTY_VARS.filter((name) => settings[name]).map((n) => [n, settings[n]]));

/** The Cloudflare account variables that are set, for the partykit CLI's environment. @param {Record<string, string>} settings */
export const cloudflareVars = (settings) =>
  Object.fromEntries(CLOUDFLARE_VARS.filter((name) => settings[name]).map((n) => [n, settings[n]]));

/** What the stage in `root` runs: the AI from stage 3 on, the usage party from stage 4 on. @param {string} root */
export function features(root) {
  const parties = JSON.parse(readFileSync(join(root, "partykit.json"), "utf8")).parties ?? {};
  return { ai: existsSync(join(root, "party/ai.ts")), usage: "usage" in parties };
}

/**
 * Refuses a configuration that would deploy a broken room. `cloud`: the server runs in the cloud,
 * so an AI on this machine or its network cannot be reached.
 * @param {Record<string, string>} settings @param {{ ai: boolean, usage: boolean }} stage
 * @param {{ cloud: boolean }} options
 */
export function checkSettings(settings, stage, { cloud }) {
  const baseURL = settings.OPENAI_BASE_URL;
  if (stage.ai && cloud && !baseURL && !settings.OPENAI_API_KEY)
    fail(
      "no AI provider the cloud can use: set OPENAI_API_KEY, or OPENAI_BASE_URL to a public server" +
        " (the offline demo model runs only on this machine)",
    );
  if (stage.ai && baseURL) {
    const host = hostOf(baseURL);
    if (cloud && isLocalHost(host))
      fail(
        `OPENAI_BASE_URL=${baseURL} is on this machine or its local network, out of the cloud's` +
          " reach: use a public URL, or unset it and set OPENAI_API_KEY",
      );
  }
  if (stage.usage && !settings.USAGE_SECRET)
    fail(
      "USAGE_SECRET is not set, so the usage party would refuse every report: put a long random" +
        ' value in .env (node -e "console.log(crypto.randomUUID())")',
    );
  const [account, token] = CLOUDFLARE_VARS.map((name) => settings[name]);
  if (Boolean(account) !== Boolean(token))
    fail(
      `${account ? "CLOUDFLARE_API_TOKEN" : "CLOUDFLARE_ACCOUNT_ID"} is not set: set both` +
        " CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN for your own Cloudflare account," +
        " or neither for PartyKit's platform",
    );
}

/** @param {string} url */
function hostOf(url) {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return fail(`OPENAI_BASE_URL=${url} is not a URL: write it as http(s)://host[:port]/v1`);
  }
}

/**
 * True for an address the internet cannot reach: loopback, private, link-local and other
 * reserved ranges, and names that only resolve locally.
 * @param {string} host
 */
export function isLocalHost(host) {
  if (ipaddr.isValid(host)) return ipaddr.process(host).range() !== "unicast";
  const name = host.toLowerCase();
  return (
    !name.includes(".") || // "localhost", a docker service name...
    [".localhost", ".local", ".internal", ".lan", ".home.arpa"].some((end) => name.endsWith(end))
  );
}

/** @param {string} message @returns {never} */
function fail(message) {
  throw new SettingsError(message);
}
