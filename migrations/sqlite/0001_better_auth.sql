-- 0001: Better Auth's schema for the Better-T-Stack template (email/password, Drizzle,
-- SQLite/Turso), exactly as today's generator creates it: drizzle-kit 1.0.0-rc.4,
-- dialect "turso", on the template's src/schema/auth.ts (`db:push`, or `db:generate`
-- then `db:migrate`). The statements below are drizzle-kit's, byte for byte and in its
-- order (all tables, then the indexes), so SQLite stores the same CREATE text and a
-- database created here is indistinguishable from one Better-T-Stack pushed.
--
-- The `id` columns are `text PRIMARY KEY` without NOT NULL, as drizzle-kit 1.0 writes
-- them (SQLite's legacy rule then accepts NULL ids; nothing of ours ever writes one).
-- Adding NOT NULL was allowed (sqlite-and-deploy.md §5.4) and rejected: the shapes would
-- differ from the template's, so a later `drizzle-kit push` from a Better-T-Stack
-- project would see a change to make and rebuild the tables.
--
-- Databases created by drizzle-kit 0.31 (NOT NULL ids, named unique indexes, unnamed
-- foreign keys) have the same shape and are adopted without running this file (see
-- crates/sqlite-schema). Statements are separated by drizzle's breakpoint marker, one
-- statement each: Spin's SQLite runs only the first statement of a string.
-- Applied migrations must never be edited: add a new numbered file instead.

CREATE TABLE `account` (
	`id` text PRIMARY KEY,
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`user_id` text NOT NULL,
	`access_token` text,
	`refresh_token` text,
	`id_token` text,
	`access_token_expires_at` integer,
	`refresh_token_expires_at` integer,
	`scope` text,
	`password` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT `fk_account_user_id_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON DELETE CASCADE
);
--> statement-breakpoint
CREATE TABLE `session` (
	`id` text PRIMARY KEY,
	`expires_at` integer NOT NULL,
	`token` text NOT NULL UNIQUE,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	`ip_address` text,
	`user_agent` text,
	`user_id` text NOT NULL,
	CONSTRAINT `fk_session_user_id_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON DELETE CASCADE
);
--> statement-breakpoint
CREATE TABLE `user` (
	`id` text PRIMARY KEY,
	`name` text NOT NULL,
	`email` text NOT NULL UNIQUE,
	`email_verified` integer DEFAULT false NOT NULL,
	`image` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `verification` (
	`id` text PRIMARY KEY,
	`identifier` text NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `account_userId_idx` ON `account` (`user_id`);--> statement-breakpoint
CREATE INDEX `session_userId_idx` ON `session` (`user_id`);--> statement-breakpoint
CREATE INDEX `verification_identifier_idx` ON `verification` (`identifier`);
