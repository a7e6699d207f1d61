//! Adopting a database that Better-T-Stack already created.
//!
//! When there is no ledger yet, the baseline migration (`0001`) may have been run by
//! someone else — drizzle-kit's `db:push`. To decide, the baseline's SQL is replayed in
//! the session's temporary schema inside a transaction that is rolled back, and the
//! shape of each table it creates there is compared with the table of the same name in
//! the current schema. No copy of the expected shape is kept by hand, and nothing the
//! replay creates ever becomes visible to anyone else.

use spinstack_migrations::differences;
use tokio_postgres::Client;

use crate::{MigrateError, Migration, shape};

/// The current schema: where unqualified tables are created.
#[derive(Debug, Clone)]
pub(crate) struct Schema {
    pub(crate) oid: u32,
}

impl Schema {
    /// Looks up `current_schema()`.
    pub(crate) async fn current(client: &Client) -> Result<Self, MigrateError> {
        let row = client
            .query_one(
                "SELECT n.oid FROM (SELECT pg_catalog.current_schema() AS name) s \
                 LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = s.name",
                &[],
            )
            .await
            .map_err(MigrateError::db("looking up the current schema"))?;
        let oid: Option<u32> = row.get(0);
        oid.map(|oid| Self { oid }).ok_or(MigrateError::NoSchema)
    }
}

/// What to do with the baseline migration when there is no ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Baseline {
    /// None of its tables exist: run it.
    Apply,
    /// All of its tables exist with the shape it creates: record it without running it.
    Adopt,
}

/// Decides between running and adopting `baseline`, or refuses with the reason.
pub(crate) async fn inspect(
    client: &mut Client,
    schema: &Schema,
    baseline: &Migration,
) -> Result<Baseline, MigrateError> {
    let expected = expected_shapes(client, baseline).await?;
    let existing = shape::tables(client, schema.oid).await?;
    let (present, missing): (Vec<_>, Vec<_>) = expected
        .iter()
        .map(|table| table.name.clone())
        .partition(|name| existing.contains(name));
    if present.is_empty() {
        return Ok(Baseline::Apply);
    }
    if !missing.is_empty() {
        return Err(MigrateError::PartialSchema {
            baseline: baseline.id(),
            present,
            missing,
        });
    }
    let mut found = Vec::new();
    for want in &expected {
        let have = shape::read(client, schema.oid, &want.name).await?;
        found.extend(differences(want, &have));
    }
    if found.is_empty() {
        Ok(Baseline::Adopt)
    } else {
        Err(MigrateError::ShapeMismatch {
            baseline: baseline.id(),
            differences: found,
        })
    }
}

/// The tables `baseline` creates, read from a replay in the temporary schema.
async fn expected_shapes(
    client: &mut Client,
    baseline: &Migration,
) -> Result<Vec<shape::TableShape>, MigrateError> {
    let context = format!(
        "replaying {} in a temporary schema to learn its shape",
        baseline.id()
    );
    let tx = client
        .transaction()
        .await
        .map_err(MigrateError::db(context.clone()))?;
    // Unqualified CREATE TABLE goes to the first schema of the search path; pg_temp
    // needs only the TEMPORARY privilege, which every role has by default.
    tx.batch_execute("SET LOCAL search_path TO pg_temp")
        .await
        .map_err(MigrateError::db(context.clone()))?;
    // The session may hold temporary tables of its own; they are not the baseline's.
    let own = shape::tables(&tx, temp_schema(&tx, &context).await?).await?;
    tx.batch_execute(baseline.sql())
        .await
        .map_err(MigrateError::db(context.clone()))?;
    let temp = temp_schema(&tx, &context).await?;
    let mut shapes = Vec::new();
    for name in shape::tables(&tx, temp).await? {
        if !own.contains(&name) {
            shapes.push(shape::read(&tx, temp, &name).await?);
        }
    }
    tx.rollback().await.map_err(MigrateError::db(context))?;
    Ok(shapes)
}

/// The OID of the session's temporary schema, 0 while it has none.
async fn temp_schema(
    client: &impl tokio_postgres::GenericClient,
    context: &str,
) -> Result<u32, MigrateError> {
    client
        .query_one("SELECT pg_catalog.pg_my_temp_schema()", &[])
        .await
        .map(|row| row.get(0))
        .map_err(MigrateError::db(context))
}
