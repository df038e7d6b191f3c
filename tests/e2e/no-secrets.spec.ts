import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";

const PAGES = ["/", "/chats", "/chats/lobby", "/usage", "/chats/no-such-room"];

test("no page or browser script carries a secret's value", async ({ app, request }) => {
  const secrets = Object.entries(app.vars).filter(([name]) => /KEY|SECRET|TOKEN/.test(name));
  expect(secrets.length).toBeGreaterThanOrEqual(3);

  // Every page as served (loader data is inlined in it), and every script the browser can load.
  const served: [string, string][] = [];
  for (const path of PAGES) served.push([path, await (await request.get(path)).text()]);
  const scripts = readdirSync(join(app.dir, "public/build"), {
    recursive: true,
    encoding: "utf8",
  }).filter((f) => f.endsWith(".js"));
  for (const file of scripts) {
    const response = await request.get(`/build/${file}`);
    expect(response.ok(), `/build/${file} is served`).toBe(true);
    served.push([`/build/${file}`, await response.text()]);
  }
  expect(scripts.length).toBeGreaterThan(3);
  expect(served[0][1]).toContain("window.__remixContext"); // the loader data is in there

  for (const [path, body] of served) {
    for (const [name, value] of secrets) {
      expect(body.includes(value), `${name}'s value appears in ${path}`).toBe(false);
    }
  }
});
