-- 0004: settings the application keeps in its database, one row per setting
-- (spec sqlite-and-deploy.md §3.2): in development, the `better_auth_secret` the app
-- generated because none was configured. Values may be secrets: never log them.
-- The SQLite form of migrations/0004_settings.sql.
-- Applied migrations must never be edited: add a new numbered file instead.

CREATE TABLE `spinstack_settings` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
