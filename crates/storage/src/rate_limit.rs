//! [`RateLimitStore`]: the `spinstack_rate_limit` buckets, one atomic upsert per
//! request and now and then a sweep of expired buckets.
//!
//! PostgreSQL runs `spinstack_rate_limit::sql::{HIT, SWEEP}` (their text, parameter
//! types and row meaning live there). SQLite runs [`sqlite::HIT`], the same upsert in
//! SQLite's words: one `INSERT … ON CONFLICT (key) DO UPDATE … RETURNING` statement,
//! atomic because SQLite serialises writers (a concurrent hit waits for the busy
//! timeout), with the same saturating `count` (`max + 1` once full) and the same row:
//! `allowed` (0/1), `count`, `last_request`, `sweep` (0/1), decoded once into a
//! [`HitRow`]. SQLite has no `random()` in [0, 1): `random() % 100 = 0` rolls the same
//! one-in-a-hundred dice. Its sweep needs no `SKIP LOCKED`: there are no row locks to
//! skip, and it is a short write of its own.

use spinstack_rate_limit::sql::{self as pg, HitParams, HitRow};
use spinstack_rate_limit::{Decision, Error, RateLimitStore, Rule};
use spinstack_sql::{Connection, Dialect, Param, SqlError};

use crate::{Store, error::message};

/// SQLite statements, with the parameters and columns of the PostgreSQL ones.
mod sqlite {
    /// `?1` key, `?2` now (ms), `?3` window (ms), `?4` max → `allowed`, `count`,
    /// `last_request`, `sweep`; always exactly one row. In `DO UPDATE SET` every
    /// right-hand side reads the row as it was, as in PostgreSQL; `RETURNING` reads it
    /// as written.
    pub(super) const HIT: &str =
        "INSERT INTO spinstack_rate_limit AS bucket (key, count, last_request)
VALUES (?1, 1, ?2)
ON CONFLICT (key) DO UPDATE SET
    count = CASE
        WHEN ?2 - bucket.last_request > ?3 THEN 1
        ELSE min(bucket.count + 1, ?4 + 1)
    END,
    last_request = CASE
        WHEN ?2 - bucket.last_request > ?3 OR bucket.count < ?4 THEN ?2
        ELSE bucket.last_request
    END
RETURNING count <= ?4 AS allowed,
    count,
    last_request,
    random() % 100 = 0 AS sweep";

    /// `?1` cutoff (ms): deletes up to 500 entries whose last allowed request is older.
    pub(super) const SWEEP: &str = "DELETE FROM spinstack_rate_limit
WHERE key IN (
    SELECT key FROM spinstack_rate_limit
    WHERE last_request < ?1
    LIMIT 500
)";
}

impl<C: Connection> Store<C> {
    fn hit_row(&self, hit: &str, params: HitParams<'_>) -> Result<HitRow, SqlError> {
        let rows = self.connection.query(
            hit,
            &[
                Param::text(params.key),
                Param::I64(params.now_ms),
                Param::I64(params.window_ms),
                Param::I32(params.max),
            ],
        )?;
        let row = rows
            .first()
            .ok_or_else(|| SqlError::Decode("the rate-limit upsert returned no row".to_owned()))?;
        Ok(HitRow {
            allowed: row.bool(0)?,
            count: row.i32(1)?,
            last_request: row.i64(2)?,
            sweep: row.bool(3)?,
        })
    }
}

impl<C: Connection> RateLimitStore for Store<C> {
    fn hit(&self, key: &str, rule: Rule, now_ms: i64) -> Result<Decision, Error> {
        let (hit, sweep) = match self.dialect() {
            Dialect::Postgres => (pg::HIT, pg::SWEEP),
            Dialect::Sqlite => (sqlite::HIT, sqlite::SWEEP),
        };
        let row = self
            .hit_row(hit, HitParams::new(key, rule, now_ms))
            .map_err(|e| Error::Store(message("counting a request")(e)))?;
        if let Some(cutoff) = row.sweep_before(now_ms) {
            // Housekeeping only: a failure delays it and must not fail the request.
            if let Err(e) = self.connection.execute(sweep, &[Param::I64(cutoff)]) {
                eprintln!("sweeping expired rate-limit buckets failed: {e}");
            }
        }
        Ok(row.decision(rule, now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_take_the_same_parameters() {
        crate::test_support::same_parameters(pg::HIT, sqlite::HIT);
        crate::test_support::same_parameters(pg::SWEEP, sqlite::SWEEP);
        assert!(sqlite::SWEEP.contains(&format!("LIMIT {}\n", pg::SWEEP_LIMIT)));
    }

    fn buckets() -> Result<spinstack_sql::native::SqliteConnection, SqlError> {
        let db = spinstack_sql::native::SqliteConnection::open(":memory:")?;
        db.execute(
            "CREATE TABLE spinstack_rate_limit (key text PRIMARY KEY NOT NULL, count integer NOT NULL, last_request integer NOT NULL)",
            &[],
        )?;
        Ok(db)
    }

    #[test]
    fn sqlite_asks_for_a_sweep_about_once_in_a_hundred_hits() -> Result<(), SqlError> {
        let db = buckets()?;
        let store = Store::new(&db);
        let mut sweeps = 0;
        for now in 0..3_000 {
            let row = store.hit_row(sqlite::HIT, HitParams::new("k", Rule::DEFAULT, now))?;
            sweeps += usize::from(row.sweep);
        }
        // 30 expected; the bounds are many standard deviations wide.
        assert!((5..=80).contains(&sweeps), "{sweeps} sweeps in 3000 hits");
        Ok(())
    }

    #[test]
    fn sqlite_sweeps_only_expired_buckets_at_most_500() -> Result<(), SqlError> {
        let db = buckets()?;
        for i in 0..600 {
            db.execute(
                "INSERT INTO spinstack_rate_limit VALUES (?1, 1, ?2)",
                &[Param::Text(format!("old-{i}")), Param::I64(i)],
            )?;
        }
        db.execute(
            "INSERT INTO spinstack_rate_limit VALUES ('live', 1, 1000000)",
            &[],
        )?;
        let left = |db: &spinstack_sql::native::SqliteConnection| -> Result<i64, SqlError> {
            db.query("SELECT count(*) FROM spinstack_rate_limit", &[])?[0].i64(0)
        };
        db.execute(sqlite::SWEEP, &[Param::I64(pg::sweep_cutoff(1_000_000))])?;
        assert_eq!(left(&db)?, 101);
        db.execute(sqlite::SWEEP, &[Param::I64(pg::sweep_cutoff(1_000_000))])?;
        assert_eq!(left(&db)?, 1);
        Ok(())
    }
}
