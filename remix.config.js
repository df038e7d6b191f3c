// Remix (classic compiler) builds the app into the PartyKit main party.
// partykit.json points "main" at build/index.js; party/main.ts hands requests to Remix.
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  server: "./party/main.ts",
  serverBuildPath: "build/index.js",
  // workerd is neither Node nor a browser: bundle everything for it.
  serverConditions: ["partykit", "workerd", "worker", "browser"],
  serverDependenciesToBundle: "all",
  serverMainFields: ["browser", "module", "main"],
  serverModuleFormat: "esm",
  serverPlatform: "neutral",
  // Tailwind 4 runs through PostCSS (Remix's `tailwind: true` emits nothing for v4).
  postcss: true,
  future: {
    v3_fetcherPersist: true,
    v3_lazyRouteDiscovery: true,
    v3_relativeSplatPath: true,
    v3_singleFetch: true,
    v3_throwAbortReason: true,
  },
};
