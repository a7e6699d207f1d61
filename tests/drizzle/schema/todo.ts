// The template's optional todo example (`--examples todo`):
// `examples/todo/server/drizzle/sqlite/src/schema/todo.ts` of
// @better-t-stack/template-generator 3.44.1.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const todo = sqliteTable("todo", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  text: text("text").notNull(),
  completed: integer("completed", { mode: "boolean" }).default(false).notNull(),
});
