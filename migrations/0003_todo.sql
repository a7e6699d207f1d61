-- 0003: the `todo` table of the template's optional todo example (`--examples todo`,
-- packages/db/src/schema/todo.ts), as drizzle-kit pushes it:
--   id serial primary key, text not null, completed boolean not null default false.
--
-- IF NOT EXISTS: a database created by Better-T-Stack with the todo example already
-- has this table (pushed by drizzle-kit, same shape); its rows are kept.
-- Applied migrations must never be edited: add a new numbered file instead.

CREATE TABLE IF NOT EXISTS todo (
    id serial NOT NULL,
    text text NOT NULL,
    completed boolean DEFAULT false NOT NULL,
    CONSTRAINT todo_pkey PRIMARY KEY (id)
);
