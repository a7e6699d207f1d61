// `todo.create` takes `{ text: string }`.
// expect: error TS2353: Object literal may only specify known properties, and 'title' does not exist
import { client } from "@/utils/orpc";

export const created = client.todo.create({ title: "no text" });
