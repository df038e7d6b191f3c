import type * as Party from "partykit/server";
import { createRequestHandler } from "partymix";
// The Remix server build, injected by the Remix compiler (remix.config.js "server").
import * as build from "@remix-run/dev/server-build";

const handleRequest = createRequestHandler({ build });

// The main party serves the Remix app: every page request goes through onFetch.
export default class Main implements Party.Server {
  static onFetch(request: Party.Request, lobby: Party.FetchLobby, ctx: Party.ExecutionContext) {
    return handleRequest(request, lobby, ctx);
  }
}

Main satisfies Party.Worker;
