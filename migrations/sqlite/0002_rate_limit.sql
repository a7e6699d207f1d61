-- 0002: the rate limiter's buckets (spec better-auth-protocol.md §6), shared by every
-- Spin instance; the SQLite form of migrations/0002_rate_limit.sql. One row per bucket
-- key "<ip>|<path>"; crates/rate-limit owns the statements that use it.
--
-- count: requests allowed in the current window (saturates at max + 1 once a request
--   has been refused).
-- last_request: the last allowed request in milliseconds since the Unix epoch (UTC),
--   as Better Auth's `lastRequest`.
-- No index besides the primary key.
-- Applied migrations must never be edited: add a new numbered file instead.

CREATE TABLE `spinstack_rate_limit` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`last_request` integer NOT NULL
);
