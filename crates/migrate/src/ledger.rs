//! The ledger in PostgreSQL: table `spinstack_migrations` ([`LEDGER_TABLE`]), one row
//! per migration applied or adopted, with the checksum of the file at that time. It
//! lives in the connection's current schema, beside the tables the migrations create,
//! and is created in the same transaction as the first migration it records, so a
//! refused run leaves no trace. Checking its rows against the migrations is shared
//! (`spinstack_migrations::ledger`).
//!
//! [`LEDGER_TABLE`]: crate::LEDGER_TABLE

use spinstack_migrations::{LEDGER_TABLE as TABLE, ledger::Record};
use tokio_postgres::GenericClient;

use crate::{MigrateError, Migration};

/// Whether the ledger exists in the schema with OID `schema`.
pub(crate) async fn exists(client: &impl GenericClient, schema: u32) -> Result<bool, MigrateError> {
    client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class \
             WHERE relnamespace = $1 AND relname = $2 AND relkind IN ('r', 'p'))",
            &[&schema, &TABLE],
        )
        .await
        .map(|row| row.get(0))
        .map_err(MigrateError::db(format!("looking for table {TABLE}")))
}

/// Creates the ledger; call inside the transaction that writes its first row.
pub(crate) async fn create(client: &impl GenericClient) -> Result<(), MigrateError> {
    client
        .batch_execute(&format!(
            "CREATE TABLE {TABLE} (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                adopted boolean NOT NULL DEFAULT false,
                applied_at timestamp with time zone NOT NULL DEFAULT now()
            )"
        ))
        .await
        .map_err(MigrateError::db(format!("creating table {TABLE}")))
}

/// Every row, by version.
pub(crate) async fn read(client: &impl GenericClient) -> Result<Vec<Record>, MigrateError> {
    let context = || format!("reading table {TABLE}");
    let rows = client
        .query(
            &format!("SELECT version, checksum, adopted FROM {TABLE} ORDER BY version"),
            &[],
        )
        .await
        .map_err(MigrateError::db(context()))?;
    Ok(rows
        .iter()
        .map(|row| Record {
            // The build only embeds positive versions; a row with another one was not
            // written by this tool, and so matches no migration.
            version: u32::try_from(row.get::<_, i32>(0)).unwrap_or(u32::MAX),
            checksum: row.get(1),
            adopted: row.get(2),
        })
        .collect())
}

/// Records `migration` as applied (or adopted without running it).
pub(crate) async fn insert(
    client: &impl GenericClient,
    migration: &Migration,
    adopted: bool,
) -> Result<(), MigrateError> {
    let version = i32::try_from(migration.version()).map_err(|_| {
        MigrateError::InvalidMigrations(format!(
            "version {} does not fit the ledger's integer column",
            migration.version()
        ))
    })?;
    client
        .execute(
            &format!(
                "INSERT INTO {TABLE} (version, name, checksum, adopted) VALUES ($1, $2, $3, $4)"
            ),
            &[&version, &migration.name(), &migration.checksum(), &adopted],
        )
        .await
        .map_err(MigrateError::db(format!(
            "recording {} in {TABLE}",
            migration.id()
        )))?;
    Ok(())
}
