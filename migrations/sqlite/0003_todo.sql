-- 0003: the `todo` table of the template's optional todo example (`--examples todo`,
-- examples/todo/server/drizzle/sqlite/src/schema/todo.ts):
--   id integer primary key autoincrement, text not null,
--   completed integer (boolean 0/1) not null default false,
-- as drizzle-kit 1.0.0-rc.4 generates it for SQLite, plus IF NOT EXISTS: a database
-- created by Better-T-Stack with the todo example already has this table (same shape;
-- drizzle-kit 0.31 also wrote NOT NULL on the id); its rows are kept.
-- Applied migrations must never be edited: add a new numbered file instead.

CREATE TABLE IF NOT EXISTS `todo` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`text` text NOT NULL,
	`completed` integer DEFAULT false NOT NULL
);
