//! The ledger in SQLite: table `spinstack_migrations` ([`LEDGER_TABLE`]), one row per
//! migration applied or adopted, with the checksum of the file at that time — the same
//! columns as the PostgreSQL ledger of `spinstack-migrate` (`adopted` as 0/1,
//! `applied_at` as epoch milliseconds). It is created in the same transaction as the
//! first migration it records, so a refused or failed run leaves no trace. `PRAGMA
//! user_version` mirrors its latest version, which is what the one-query check reads.
//! Checking its rows against the migrations is shared (`spinstack_migrations::ledger`).
//!
//! [`LEDGER_TABLE`]: crate::LEDGER_TABLE

use spinstack_migrations::{LEDGER_TABLE as TABLE, ledger::Record};
use spinstack_sql::{Connection, Param};

use crate::{Migration, SchemaError};

/// Creates the ledger; call inside the transaction that writes its first row.
pub(crate) fn create(conn: &(impl Connection + ?Sized)) -> Result<(), SchemaError> {
    conn.execute(
        &format!(
            "CREATE TABLE `{TABLE}` (\
                `version` integer PRIMARY KEY NOT NULL, \
                `name` text NOT NULL, \
                `checksum` text NOT NULL, \
                `adopted` integer DEFAULT 0 NOT NULL, \
                `applied_at` integer NOT NULL)"
        ),
        &[],
    )
    .map_err(SchemaError::db(format!("creating table {TABLE}")))
}

/// Every row, by version.
pub(crate) fn read(conn: &(impl Connection + ?Sized)) -> Result<Vec<Record>, SchemaError> {
    let context = || format!("reading table {TABLE}");
    let rows = conn
        .query(
            &format!("SELECT version, checksum, adopted FROM `{TABLE}` ORDER BY version"),
            &[],
        )
        .map_err(SchemaError::db(context()))?;
    rows.iter()
        .map(|row| {
            Ok(Record {
                // A version this build cannot hold matches no migration.
                version: u32::try_from(row.i64(0)?).unwrap_or(u32::MAX),
                checksum: row.text(1)?,
                adopted: row.i64(2)? != 0,
            })
        })
        .collect::<Result<_, _>>()
        .map_err(SchemaError::db(context()))
}

/// Records `migration` as applied (or adopted without running it), stamped with the
/// database's clock in epoch milliseconds.
pub(crate) fn insert(
    conn: &(impl Connection + ?Sized),
    migration: &Migration,
    adopted: bool,
) -> Result<(), SchemaError> {
    conn.execute(
        &format!(
            "INSERT INTO `{TABLE}` (version, name, checksum, adopted, applied_at) \
             VALUES (?1, ?2, ?3, ?4, cast((julianday('now') - 2440587.5) * 86400000 as integer))"
        ),
        &[
            Param::I64(i64::from(migration.version())),
            Param::text(migration.name()),
            Param::Text(migration.checksum()),
            Param::I64(i64::from(adopted)),
        ],
    )
    .map_err(SchemaError::db(format!(
        "recording {} in {TABLE}",
        migration.id()
    )))
}

/// Sets `PRAGMA user_version` (part of the transaction: SQLite keeps it in the database
/// header, which rolls back with everything else).
pub(crate) fn set_user_version(
    conn: &(impl Connection + ?Sized),
    version: u32,
) -> Result<(), SchemaError> {
    // Pragmas take no parameters; the value is one of our own version numbers.
    conn.execute(&format!("PRAGMA user_version = {version}"), &[])
        .map_err(SchemaError::db("setting PRAGMA user_version"))
}
