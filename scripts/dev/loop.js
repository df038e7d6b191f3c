// @ts-check
// The dev loop: one Remix build per batch of changes (a whole stage switch is one batch), then the
// snapshot partykit dev serves, then a reload of every open page. The PartyKit runtime restarts only
// when partykit.json's parties change; room storage lives on disk and survives it.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createBuilder } from "./builder.js";
import { createDevState } from "./dev-state.js";
import { joinVars } from "../join-info.js";
import { partyVars, readEnv } from "./env.js";
import { startPartykit } from "./partykit.js";
import { listen } from "./ports.js";
import { createDevServer } from "./server.js";
import { readParties, syncSnapshot } from "./snapshot.js";
import { stageLabel } from "./stage-label.js";
import { watchProject } from "./watch.js";

/**
 * Starts everything; resolves once the first page can be served.
 * @param {{ root: string, port: number, strictPort: boolean, log: (line: string) => void }} options
 */
export async function startDev({ root, port, strictPort, log }) {
  const state = createDevState();
  /** @type {import("./partykit.js").Runtime | null} */
  let runtime = null;
  let runtimeParties = "";
  let backend = deferred(); // the runtime's port, once it serves
  let stopping = false;
  const server = createDevServer({
    root,
    state,
    backend: () => backend.promise,
    // Nothing to serve yet: the first build failed. The page reloads once a build succeeds.
    unavailable: () => (runtime || state.get().status !== "error" ? null : state.get().message),
    log,
  });
  const publicPort = await listen(server, port, strictPort);

  const { vars, localAi } = await partyVars(root, readEnv(root), log);
  Object.assign(vars, joinVars(publicPort)); // the address phones can reach, for the join page
  localAi?.once("exit", (code, signal) => {
    if (!stopping)
      log(
        `✖ dev: the offline model stopped (${signal ?? `exit ${code}`}); AI replies fail until you restart npm run dev`,
      );
  });
  const builder = await createBuilder(root);
  const snapshot = join(root, ".cache/dev-server");
  rmSync(snapshot, { recursive: true, force: true });

  const pending = new Set([join(root, "app")]);
  let busy = false;
  let batchStart = performance.now();
  let builds = 0;
  const startClock = () => {
    batchStart = performance.now();
    builds = 0;
  };

  async function run() {
    if (busy) return;
    busy = true;
    try {
      while (pending.size && !watcher?.switching()) {
        const files = [...pending];
        pending.clear();
        await cycle(files).catch((/** @type {unknown} */ error) => {
          log(`✖ dev: ${error instanceof Error ? error.message : error}`);
          state.set({ status: "error", message: "npm run dev hit an error: see the terminal" });
        });
      }
      if (state.get().status === "switching" && !watcher?.switching())
        state.set({ status: "ready", stage: stageLabel(root), message: "" }); // a switch that changed nothing
    } finally {
      busy = false;
    }
  }

  /** Stops the runtime; requests wait for the next one. */
  async function stopRuntime() {
    const stopped = runtime;
    runtime = null;
    backend = deferred();
    await stopped?.stop();
  }

  /** @param {string[]} files */
  async function cycle(files) {
    if (state.get().status !== "switching") state.set({ status: "building", message: "building…" });
    // New parties need a new runtime: stop the old one while the build runs.
    const parties = readParties(root); // null while partykit.json does not parse
    const restart = runtime !== null && parties !== null && parties !== runtimeParties;
    if (restart) {
      log(
        "dev: the parties in partykit.json changed: restarting the PartyKit runtime (room storage is kept)",
      );
      state.set({ status: "restarting", message: "restarting the PartyKit runtime…" });
    }
    const [built] = await Promise.all([builder.build(files), restart && stopRuntime()]);
    builds++;
    log(built.ok ? `dev: built in ${Math.round(built.ms)} ms` : "dev: build failed (see above)");
    if (pending.size || watcher?.switching()) return; // newer files came in: build again before serving
    // A failed build keeps the last good one running; with no runtime left, start it on that one.
    if (!built.ok && (runtime || !existsSync(join(root, "build/index.js"))))
      return state.set({ status: "error", message: "build failed: see the terminal" });

    const before = runtime?.counts();
    const synced = syncSnapshot(root, snapshot);
    let how = restart ? ", runtime restarted" : "";
    if (!runtime || synced.parties !== runtimeParties) {
      if (runtime) {
        how = ", runtime restarted";
        await stopRuntime();
      }
      const started = await startPartykit({
        dir: snapshot,
        persist: join(root, ".partykit/state"),
        vars,
        log,
      });
      started.onExit((reason) => {
        if (stopping || runtime !== started) return;
        log(`✖ dev: the PartyKit runtime stopped (${reason}); starting it again`);
        runtime = null;
        backend = deferred();
        pending.add(join(root, "partykit.json"));
        run();
      });
      runtime = started;
      runtimeParties = synced.parties;
      backend.resolve(started.port);
    } else if (synced.changed.length && before) {
      const outcome = await runtime.waitForChange(before, 20_000);
      if (outcome === "failed")
        return state.set({ status: "error", message: "a party failed to build: see the terminal" });
      how = outcome === "reloaded" ? ", runtime reloaded" : "";
    }
    if (!built.ok) return state.set({ status: "error", message: "build failed: see the terminal" });
    const seconds = ((performance.now() - batchStart) / 1000).toFixed(1);
    const stage = stageLabel(root);
    log(
      `dev: ready in ${seconds} s${stage ? `: ${stage}` : ""} (${builds} build${builds === 1 ? "" : "s"}${how})`,
    );
    builds = 0;
    state.served(stage);
  }

  /** @type {ReturnType<typeof watchProject> | undefined} */
  let watcher;
  watcher = watchProject(root, {
    onSwitch(to) {
      if (to)
        state.set({ status: "switching", message: `switching to ${stageLabel(root, to) ?? to}…` });
      else startClock(); // "ready in N s" counts from the moment scripts/stage returned
    },
    onBatch(files) {
      if (files.includes(join(root, ".env")))
        log(
          "dev: .env changed; the parties read it at start-up: restart npm run dev (Ctrl-C, npm run dev)",
        );
      if (state.get().status === "ready" || state.get().status === "error") startClock();
      for (const file of files) pending.add(file);
      run();
    },
  });
  await run();

  return {
    url: `http://localhost:${publicPort}`,
    port: publicPort,
    async stop() {
      stopping = true;
      watcher?.close();
      server.closeAllConnections();
      server.close();
      await runtime?.stop();
      localAi?.kill();
      await builder.dispose();
    },
  };
}

function deferred() {
  /** @type {(port: number) => void} */
  let resolve = () => {};
  const promise = new Promise((r) => (resolve = r));
  return { promise: /** @type {Promise<number>} */ (promise), resolve };
}
