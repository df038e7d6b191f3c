// @ts-check
// Served by `npm run dev` only (scripts/dev/server.js adds it to each page; no build contains it).
// Shows which stage the server runs, and reloads the page once the server runs newer code.
(() => {
  const script = /** @type {HTMLScriptElement} */ (document.currentScript);
  const generation = script.dataset.generation;

  const host = document.createElement("div");
  const shadow = host.attachShadow({ mode: "open" });
  shadow.innerHTML = `<style>
    div { position: fixed; left: 12px; bottom: 12px; z-index: 2147483647; pointer-events: none;
      font: 500 12px/1.4 ui-sans-serif, system-ui, sans-serif; color: #e2e8f0; background: #0f172acc;
      border: 1px solid #334155; border-radius: 999px; padding: 4px 10px; }
    div[data-status="error"] { color: #fecaca; border-color: #b91c1c; }
    div[data-status="switching"], div[data-status="building"], div[data-status="restarting"] {
      color: #fde68a; border-color: #b45309; }
  </style><div role="status" data-testid="dev-indicator"></div>`;
  const pill = /** @type {HTMLElement} */ (shadow.querySelector("div"));
  document.body.append(host);

  /** @param {{ status: string, generation: string, stage: string | null, message: string }} state */
  function show(state) {
    pill.dataset.status = state.status;
    pill.textContent =
      state.status === "ready"
        ? (state.stage ?? "dev server")
        : state.message || `${state.status}…`;
  }

  // The dev server says what it does; when it serves newer code than this page's, the page reloads.
  // If it stops (Ctrl-C, a restart), the page keeps trying, and reloads once it is back.
  function follow() {
    const socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/__dev/socket`);
    socket.addEventListener("message", (event) => {
      const state = JSON.parse(event.data);
      show(state);
      if (state.status === "ready" && state.generation !== generation) location.reload();
    });
    socket.addEventListener("close", () => {
      show({ status: "error", generation: "", stage: null, message: "dev server stopped" });
      setTimeout(follow, 1000);
    });
  }
  follow();
})();
