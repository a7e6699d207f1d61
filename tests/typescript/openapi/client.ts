// A typed REST client of the app from its OpenAPI document (README "API reference"):
// openapi-typescript turns GET /api-reference/spec.json into `paths`, openapi-fetch
// calls them. Type-checked with strict (tsconfig.json); never run.
import createClient from "openapi-fetch";

import type { components, paths } from "./generated/api";

const api = createClient<paths>({ baseUrl: "http://localhost:3000/api-reference", credentials: "include" });

export async function todos(): Promise<string[]> {
  const { data, error } = await api.POST("/todo/getAll");
  if (error) throw new Error(error.message);
  return data.map((todo) => `${todo.id}: ${todo.text}${todo.completed ? " (done)" : ""}`);
}

export async function add(text: string): Promise<number> {
  const { data, error } = await api.POST("/todo/create", { body: { text } });
  if (error) throw new Error(`${error.code}: ${error.message}`);
  return data.rowCount;
}

export async function toggle(id: number, completed: boolean): Promise<void> {
  await api.POST("/todo/toggle", { body: { id, completed } });
}

// Over REST a date is its ISO string (the RPC client gets a Date).
export async function signedUpAt(): Promise<string | undefined> {
  const { data } = await api.POST("/privateData");
  return data?.user.createdAt;
}

export type Unauthorized = components["schemas"]["UnauthorizedError"];
