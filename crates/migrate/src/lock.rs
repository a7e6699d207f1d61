//! Serializes concurrent runs against one database with a session-level advisory lock.
//!
//! The lock is held for the whole run (inspection, adoption and every migration), so a
//! second run waits and then finds the work done. Advisory locks are per database, and
//! PostgreSQL releases them when the connection closes, so a crashed run cannot leave
//! one behind.

use tokio_postgres::Client;

use crate::MigrateError;

/// The advisory lock key: the ASCII bytes of `spinmigr`.
pub const KEY: i64 = 0x7370_696e_6d69_6772;

/// Waits for the lock.
pub(crate) async fn acquire(client: &Client) -> Result<(), MigrateError> {
    client
        .execute("SELECT pg_catalog.pg_advisory_lock($1)", &[&KEY])
        .await
        .map(drop)
        .map_err(MigrateError::db("taking the migration lock"))
}

/// Releases the lock taken by [`acquire`].
pub(crate) async fn release(client: &Client) -> Result<(), MigrateError> {
    client
        .execute("SELECT pg_catalog.pg_advisory_unlock($1)", &[&KEY])
        .await
        .map(drop)
        .map_err(MigrateError::db("releasing the migration lock"))
}
