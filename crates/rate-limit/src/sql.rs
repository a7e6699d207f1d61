//! The PostgreSQL form of the limiter over `spinstack_rate_limit` (migration
//! `0002_rate_limit.sql`): [`HIT`], one atomic statement per request, and [`SWEEP`],
//! the occasional removal of expired entries. The `auth` component runs them through
//! Spin's PostgreSQL; this module owns the text, the parameter order and the meaning
//! of the returned row, so the component holds no limiter logic.
//!
//! # Why `HIT` is atomic
//!
//! `INSERT … ON CONFLICT (key) DO UPDATE` either inserts the row or locks the existing
//! one — waiting for any transaction that holds it — and computes the update from its
//! *latest committed* version, even one newer than the statement's snapshot (PostgreSQL
//! guarantees this "atomic outcome" under READ COMMITTED, the default). Every hit of a
//! bucket is thereby serialised on its row and sees the one before it: no read-then-
//! write gap, no lost update, never more than `max` allowed per window, however many
//! instances ask at once. Two first hits race only on the insert; the loser waits and
//! takes the update path. Run it in autocommit, as Spin's `query` does: inside a
//! REPEATABLE READ or SERIALIZABLE transaction a concurrent hit would make it fail with
//! a serialization error instead of waiting.
//!
//! # Exactly one row, always
//!
//! Spin 4.0.0–4.0.2 never answer a query that returns no rows (DESIGN.md). A
//! `DO UPDATE … WHERE <allowed>` would return none for a rejection, so the update
//! always happens, and a rejection is recorded by letting `count` saturate at
//! `max + 1` while `last_request` stays untouched. For the algorithm (§6.2) `max` and
//! `max + 1` mean the same, "the bucket is full", so decisions are exactly those of
//! [`crate::decide`]; and `count <= max` in the returned row tells an allowed request
//! from a rejected one even when both carry the same `last_request` (requests within
//! one millisecond).
//!
//! # Housekeeping
//!
//! An entry more than its window old means the same as no entry, so deleting it is
//! always safe; without deletions the table would keep one row per IP and path ever
//! seen. [`HIT`] rolls PostgreSQL's dice (`random() < 0.01`) and returns the result as
//! its `sweep` column; the caller then runs [`SWEEP`] once, in its own statement, with
//! the cutoff from [`HitRow::sweep_before`]. About one request in a hundred pays for
//! one extra statement that deletes at most [`SWEEP_LIMIT`] entries older than
//! [`SWEEP_AFTER_MS`]. It is a separate statement, not a CTE of `HIT`, so that it holds
//! no row lock of the request's bucket while it waits, and it skips rows other hits
//! have locked (`SKIP LOCKED`), so it never waits and can never deadlock. A failed
//! sweep only delays housekeeping: log it and answer the request.

use crate::{
    decision::{Decision, retry_after_secs},
    rule::Rule,
};

/// The table, as `migrations/0002_rate_limit.sql` creates it.
pub const TABLE: &str = "spinstack_rate_limit";

/// Counts and decides one request in one statement; returns exactly one row.
///
/// Parameters, in order (Spin `ParameterValue` in brackets; see [`HitParams`]):
/// 1. `$1` text (`Str`): the bucket key ([`crate::key`]);
/// 2. `$2` int8 (`Int64`): now, milliseconds since the Unix epoch;
/// 3. `$3` int8 (`Int64`): the window in milliseconds ([`Rule::window_ms`]);
/// 4. `$4` int4 (`Int32`): the maximum ([`Rule::max`], at least 1).
///
/// Columns of the row (see [`HitRow`]): `allowed` boolean, `count` int4,
/// `last_request` int8, `sweep` boolean.
///
/// The casts pin each parameter's type, so a client that sends typed values (Spin's
/// host, tokio-postgres) is never refused for a type PostgreSQL guessed differently.
pub const HIT: &str = "INSERT INTO spinstack_rate_limit AS bucket (key, count, last_request)
VALUES ($1::text, 1, $2::int8)
ON CONFLICT (key) DO UPDATE SET
    count = CASE
        WHEN $2::int8 - bucket.last_request > $3::int8 THEN 1
        ELSE least(bucket.count + 1, $4::int4 + 1)
    END,
    last_request = CASE
        WHEN $2::int8 - bucket.last_request > $3::int8 OR bucket.count < $4::int4 THEN $2::int8
        ELSE bucket.last_request
    END
RETURNING bucket.count <= $4::int4 AS allowed,
    bucket.count,
    bucket.last_request,
    random() < 0.01 AS sweep";

/// The chance that a [`HIT`] asks for a sweep (the `0.01` in its text).
pub const SWEEP_PROBABILITY: f64 = 0.01;

/// Entries whose last allowed request is older than this are swept: five times the
/// longest window (60 s), so that instances whose clocks disagree by less than four
/// minutes never delete an entry that is still live for another.
pub const SWEEP_AFTER_MS: i64 = 5 * 60 * 1000;

/// The most entries one [`SWEEP`] deletes (the `500` in its text), which bounds its
/// cost; at one sweep per hundred hits it still removes far more than hits create.
pub const SWEEP_LIMIT: u32 = 500;

/// Deletes expired entries; run with `execute` (it returns no rows, which is fine
/// outside `query`).
///
/// Parameter: `$1` int8 (`Int64`), the cutoff from [`HitRow::sweep_before`]: entries
/// whose `last_request` is older go. Rows locked by concurrent hits are skipped, and
/// `FOR UPDATE` re-checks the cutoff on each row's latest version, so an entry that a
/// hit has just refreshed is never deleted.
pub const SWEEP: &str = "DELETE FROM spinstack_rate_limit
WHERE key IN (
    SELECT key FROM spinstack_rate_limit
    WHERE last_request < $1::int8
    LIMIT 500
    FOR UPDATE SKIP LOCKED
)";

/// The parameters of [`HIT`], in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HitParams<'a> {
    /// `$1` text: the bucket key.
    pub key: &'a str,
    /// `$2` int8: now, in milliseconds since the Unix epoch.
    pub now_ms: i64,
    /// `$3` int8: the window in milliseconds.
    pub window_ms: i64,
    /// `$4` int4: the maximum.
    pub max: i32,
}

impl<'a> HitParams<'a> {
    /// The parameters for bucket `key` under `rule` at `now_ms`.
    pub fn new(key: &'a str, rule: Rule, now_ms: i64) -> Self {
        Self {
            key,
            now_ms,
            window_ms: rule.window_ms(),
            max: i32::from(rule.max()),
        }
    }
}

/// The row [`HIT`] returns, decoded by the caller column by column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HitRow {
    /// Column 0, boolean: whether the request is allowed.
    pub allowed: bool,
    /// Column 1, int4: the bucket's count after the hit (`max + 1` once full).
    pub count: i32,
    /// Column 2, int8: the last allowed request, milliseconds since the Unix epoch.
    pub last_request: i64,
    /// Column 3, boolean: whether the caller should run [`SWEEP`] now.
    pub sweep: bool,
}

impl HitRow {
    /// The decision for a request of `rule` made at `now_ms` (the values passed to
    /// [`HIT`]).
    pub fn decision(self, rule: Rule, now_ms: i64) -> Decision {
        if self.allowed {
            Decision::Allowed {
                // Never negative; 1 ≤ count ≤ max for an allowed request.
                count: u32::try_from(self.count).unwrap_or_default(),
            }
        } else {
            Decision::Rejected {
                retry_after_secs: retry_after_secs(self.last_request, rule, now_ms),
            }
        }
    }

    /// The parameter of [`SWEEP`] when this hit asks for a sweep, else `None`.
    pub fn sweep_before(self, now_ms: i64) -> Option<i64> {
        self.sweep.then(|| sweep_cutoff(now_ms))
    }
}

/// The [`SWEEP`] parameter for `now_ms`: entries older than [`SWEEP_AFTER_MS`] go.
pub fn sweep_cutoff(now_ms: i64) -> i64 {
    now_ms.saturating_sub(SWEEP_AFTER_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_the_sql_text() {
        assert!(HIT.contains(&format!("random() < {SWEEP_PROBABILITY}")));
        assert!(SWEEP.contains(&format!("LIMIT {SWEEP_LIMIT}\n")));
        for sql in [HIT, SWEEP] {
            assert!(sql.contains(TABLE));
            assert!(!sql.contains(';'), "one statement");
        }
        // Four parameters for HIT, one for SWEEP.
        assert!(HIT.contains("$4") && !HIT.contains("$5"));
        assert!(SWEEP.contains("$1") && !SWEEP.contains("$2"));
    }

    #[test]
    fn params_follow_the_rule() {
        let params = HitParams::new("k", Rule::MAIL, 42);
        assert_eq!(
            params,
            HitParams {
                key: "k",
                now_ms: 42,
                window_ms: 60_000,
                max: 3
            }
        );
    }

    #[test]
    fn rows_become_decisions() {
        let rule = Rule::CREDENTIALS;
        let allowed = HitRow {
            allowed: true,
            count: 2,
            last_request: 5_000,
            sweep: false,
        };
        assert_eq!(
            allowed.decision(rule, 5_000),
            Decision::Allowed { count: 2 }
        );
        assert_eq!(allowed.sweep_before(5_000), None);
        let rejected = HitRow {
            allowed: false,
            count: 4,
            last_request: 5_000,
            sweep: true,
        };
        assert_eq!(
            rejected.decision(rule, 6_500),
            Decision::Rejected {
                retry_after_secs: 9
            }
        );
        assert_eq!(rejected.sweep_before(400_000), Some(100_000));
        assert_eq!(sweep_cutoff(i64::MIN), i64::MIN);
    }
}
