import type * as Party from "partykit/server";
import { createRequestHandler } from "partymix";
// The Remix server build, injected by the Remix compiler (remix.config.js "server").
import * as build from "@remix-run/dev/server-build";

// What loaders get as `context`: a few public values by name, never the whole env
// (it holds secrets).
declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true; // remix.config.js: loader data types as single fetch sends them
  }
  interface AppLoadContext {
    /** Where phones on the presenter's network reach the app (`npm run dev` sets it). */
    joinOrigin?: string;
  }
}

const handleRequest = createRequestHandler({
  build,
  getLoadContext: (_request, lobby) => ({
    joinOrigin: lobby.env.JOIN_ORIGIN as string | undefined,
  }),
});

// The main party serves the Remix app: every page request goes through onFetch.
export default class Main implements Party.Server {
  static onFetch(request: Party.Request, lobby: Party.FetchLobby, ctx: Party.ExecutionContext) {
    return handleRequest(request, lobby, ctx);
  }
}

Main satisfies Party.Worker;
