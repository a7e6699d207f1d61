// As the template's apps/web/src/utils/orpc.ts: one RPCLink on `<server>/rpc` whose fetch
// adds `credentials: "include"`, so the session cookie goes along cross-origin.
import { createORPCClient } from "@orpc/client";
import type { Client } from "@orpc/client";
import { RPCLink } from "@orpc/client/fetch";

import { SERVER_URL } from "../env";

// The template imports `AppRouterClient` from its server package; this server is written
// in Rust, so the router's client type is spelled out here (spec §2.1, §2.4).
type Procedure<Input, Output> = Client<Record<never, never>, Input, Output, Error>;

export interface User {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  image: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Todo {
  id: number;
  text: string;
  completed: boolean;
}

export type AppRouterClient = {
  healthCheck: Procedure<void, string>;
  privateData: Procedure<void, { message: string; user: User }>;
  todo: {
    getAll: Procedure<void, Todo[]>;
    create: Procedure<{ text: string }, unknown>;
    toggle: Procedure<{ id: number; completed: boolean }, unknown>;
    delete: Procedure<{ id: number }, unknown>;
  };
};

const link = new RPCLink({
  url: `${SERVER_URL}/rpc`,
  fetch(url, options) {
    return fetch(url, { ...options, credentials: "include" });
  },
});

export const client = createORPCClient<AppRouterClient>(link);
