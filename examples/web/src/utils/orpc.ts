// As the template's apps/web/src/utils/orpc.ts: one RPCLink on `<server>/rpc` whose fetch
// adds `credentials: "include"`, so the session cookie goes along cross-origin.
import { createORPCClient } from "@orpc/client";
import { RPCLink } from "@orpc/client/fetch";

import { SERVER_URL } from "../env";
// The template imports `AppRouterClient` from its server package; this server is written
// in Rust, and `scripts/generate-types src/generated/api.ts` (from the repository root:
// `scripts/generate-types examples/web/src/generated/api.ts`) writes the router's types
// from its procedures. `cargo test -p spinstack-typegen` fails when the file is stale.
import type { AppRouterClient, TodoGetAllOutput } from "../generated/api";

export type { AppRouterClient };

/** A row of the todo list. */
export type Todo = TodoGetAllOutput[number];

const link = new RPCLink({
  url: `${SERVER_URL}/rpc`,
  fetch(url, options) {
    return fetch(url, { ...options, credentials: "include" });
  },
});

export const client: AppRouterClient = createORPCClient(link);
