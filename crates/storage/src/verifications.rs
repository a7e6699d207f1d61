//! [`VerificationStore`]: the `verification` table (password-reset tokens, OAuth
//! states).
//!
//! PostgreSQL does each operation in one statement (the `auth` component's, verbatim):
//! a data-modifying CTE purges or consumes beside the lookup. SQLite has no
//! data-modifying CTEs and cannot order a `RETURNING`, so it runs the same lookup and
//! then the delete in one `BEGIN IMMEDIATE` transaction: just as atomic (SQLite
//! serialises writers, so two racing consumers of one token cannot both get it), with
//! the same one-row result and one decoder.

use spinstack_auth::store::{StoreError, Verification, VerificationStore};
use spinstack_sql::{Connection, Dialect, Param, Row, SqlError, in_transaction};

use crate::{Store, error::message};

/// PostgreSQL: each statement returns exactly one row (DESIGN.md).
mod postgres {
    /// The newest row of an identifier; the CTE purges every expired row in the same
    /// statement (it sees the table as it was before, as upstream's read-then-purge
    /// does). `$1` identifier, `$2` now.
    pub(super) const FIND: &str = "WITH purged AS (
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
    /// `$1` identifier.
    pub(super) const CONSUME: &str = "WITH consumed AS (
    DELETE FROM verification WHERE identifier = $1
    RETURNING value, expires_at, created_at
)
SELECT c.value, c.expires_at
FROM (SELECT 1) AS one
LEFT JOIN (
    SELECT value, expires_at FROM consumed ORDER BY created_at DESC LIMIT 1
) AS c ON true";
}

/// SQLite: a lookup and a delete, run together in one transaction.
mod sqlite {
    /// The newest row of identifier `?1` (expired or not); one row, NULLs when none.
    pub(super) const NEWEST: &str = "SELECT v.value, v.expires_at
FROM (SELECT 1) AS one
LEFT JOIN (
    SELECT value, expires_at FROM verification
    WHERE identifier = ?1
    ORDER BY created_at DESC
    LIMIT 1
) AS v ON true";

    /// Every row that expired before `?1`.
    pub(super) const PURGE_EXPIRED: &str = "DELETE FROM verification WHERE expires_at < ?1";

    /// Every row of identifier `?1`.
    pub(super) const DELETE_IDENTIFIER: &str = "DELETE FROM verification WHERE identifier = ?1";
}

/// The `value, expires_at` row; `None` for the all-NULL row.
fn decode(rows: &[Row]) -> Result<Option<Verification>, SqlError> {
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let Some(value) = row.opt_text(0)? else {
        return Ok(None);
    };
    Ok(Some(Verification {
        value,
        expires_at: row.millis(1)?,
    }))
}

impl<C: Connection> VerificationStore for Store<C> {
    fn find_verification(
        &self,
        identifier: &str,
        now_ms: i64,
    ) -> Result<Option<Verification>, StoreError> {
        let identifier = Param::text(identifier);
        let now = Param::Millis(now_ms);
        let rows = match self.dialect() {
            Dialect::Postgres => self.connection.query(postgres::FIND, &[identifier, now]),
            Dialect::Sqlite => in_transaction(&self.connection, |connection| {
                let rows = connection.query(sqlite::NEWEST, &[identifier])?;
                connection.execute(sqlite::PURGE_EXPIRED, &[now])?;
                Ok(rows)
            }),
        };
        rows.and_then(|rows| decode(&rows))
            .map_err(message("reading a verification row"))
    }

    fn consume_verification(&self, identifier: &str) -> Result<Option<Verification>, StoreError> {
        let identifier = [Param::text(identifier)];
        let rows = match self.dialect() {
            Dialect::Postgres => self.connection.query(postgres::CONSUME, &identifier),
            Dialect::Sqlite => in_transaction(&self.connection, |connection| {
                let rows = connection.query(sqlite::NEWEST, &identifier)?;
                connection.execute(sqlite::DELETE_IDENTIFIER, &identifier)?;
                Ok(rows)
            }),
        };
        rows.and_then(|rows| decode(&rows))
            .map_err(message("consuming a verification row"))
    }
}
