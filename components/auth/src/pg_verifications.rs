//! [`VerificationStore`] over Spin's PostgreSQL: the SQL of the `verification` table,
//! parameterised, on the [`PgUsers`] connection. Both statements return exactly one row
//! (DESIGN.md's zero-row rule): the lookup selects from a one-row source, and the
//! consuming `DELETE … RETURNING` sits in a CTE joined to one.

use spin_sdk::pg3::{DbValue, Decode, Error as PgError};
use spinstack_auth::store::{StoreError, Verification, VerificationStore};
use spinstack_glue::pg::{column, millis, text, timestamp};

use crate::pg_users::{PgUsers, failed};

/// The newest row of an identifier; the CTE purges every expired row in the same
/// statement (it sees the table as it was before, as upstream's read-then-purge does).
const FIND: &str = "WITH purged AS (
    DELETE FROM verification WHERE expires_at < $2
)
SELECT v.value, v.expires_at
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
    SELECT value, expires_at FROM verification
    WHERE identifier = $1
    ORDER BY created_at DESC
    LIMIT 1
) AS v ON true";

/// Deletes every row of an identifier atomically (a concurrent consumer of the same
/// rows waits for the row locks, then finds them gone) and returns the newest.
const CONSUME: &str = "WITH consumed AS (
    DELETE FROM verification WHERE identifier = $1
    RETURNING value, expires_at, created_at
)
SELECT c.value, c.expires_at
FROM (SELECT 1) AS one
LEFT JOIN (
    SELECT value, expires_at FROM consumed ORDER BY created_at DESC LIMIT 1
) AS c ON true";

fn decode(rows: &[Vec<DbValue>]) -> Result<Option<Verification>, PgError> {
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let Some(value) = Option::<String>::decode(column(row, 0)?)? else {
        return Ok(None);
    };
    Ok(Some(Verification {
        value,
        expires_at: millis(column(row, 1)?)?,
    }))
}

impl VerificationStore for PgUsers {
    fn find_verification(
        &self,
        identifier: &str,
        now_ms: i64,
    ) -> Result<Option<Verification>, StoreError> {
        let find = || -> Result<Option<Verification>, PgError> {
            let rows = self
                .connection()?
                .query(FIND, &[text(identifier), timestamp(now_ms)])?
                .rows;
            decode(&rows)
        };
        find().map_err(failed("reading a verification row"))
    }

    fn consume_verification(&self, identifier: &str) -> Result<Option<Verification>, StoreError> {
        let consume = || -> Result<Option<Verification>, PgError> {
            let rows = self.connection()?.query(CONSUME, &[text(identifier)])?.rows;
            decode(&rows)
        };
        consume().map_err(failed("consuming a verification row"))
    }
}
