-- 0002: the rate limiter's buckets (spec better-auth-protocol.md §6), shared by every
-- Spin instance. Better Auth keeps them in process memory, which is useless when each
-- request gets a fresh, short-lived instance. One row per bucket key "<ip>|<path>";
-- crates/rate-limit owns the statements that use it: one atomic upsert per request
-- (sql::HIT) and an occasional sweep of expired rows (sql::SWEEP).
--
-- count: requests allowed in the current window; it saturates at max + 1 once a
--   request has been refused, which tells refusals apart in the upsert's one row.
-- last_request: the last allowed request in milliseconds since the Unix epoch, as
--   Better Auth's `lastRequest` (Date.now()): window arithmetic stays plain integer
--   arithmetic, free of time zones and timestamp precision.
-- No index besides the primary key: every allowed request rewrites last_request, and
-- an index on it would rule out HOT updates; the sweep scans a table that it keeps
-- small. fillfactor 70 leaves room on each page for those HOT updates.
--
-- Table names are unqualified so they land in the connection's current schema.
-- Applied migrations must never be edited: add a new numbered file instead.

CREATE TABLE spinstack_rate_limit (
    key text NOT NULL,
    count integer NOT NULL,
    last_request bigint NOT NULL,
    CONSTRAINT spinstack_rate_limit_pkey PRIMARY KEY (key)
) WITH (fillfactor = 70);
