//! One migration run: lock, look at the ledger (or adopt), apply what is missing.

use spinstack_migrations::{
    Entry, Outcome, Report, check_order,
    ledger::{Record, check as check_records},
};
use tokio_postgres::{Client, error::ErrorPosition};

use crate::{
    MigrateError, Migration,
    adopt::{self, Baseline, Schema},
    ledger, lock,
};

/// See [`crate::migrate_with`].
pub(crate) async fn run(
    client: &mut Client,
    migrations: &[Migration],
) -> Result<Report, MigrateError> {
    validate(migrations)?;
    lock::acquire(client).await?;
    let result = locked(client, migrations).await;
    // A failure to unlock after a failed run is a consequence; report the cause.
    let released = lock::release(client).await;
    let report = result?;
    released?;
    Ok(report)
}

fn validate(migrations: &[Migration]) -> Result<(), MigrateError> {
    check_order(migrations).map_err(|e| MigrateError::InvalidMigrations(e.to_string()))
}

async fn locked(client: &mut Client, migrations: &[Migration]) -> Result<Report, MigrateError> {
    let schema = Schema::current(client).await?;
    let mut have_ledger = ledger::exists(client, schema.oid).await?;
    let mut report = Report::default();
    let mut records = if have_ledger {
        ledger::read(client).await?
    } else {
        Vec::new()
    };

    if !have_ledger
        && let Some(baseline) = migrations.first()
        && adopt::inspect(client, &schema, baseline).await? == Baseline::Adopt
    {
        let context = format!("adopting {}", baseline.id());
        let tx = client
            .transaction()
            .await
            .map_err(MigrateError::db(context.clone()))?;
        ledger::create(&tx).await?;
        ledger::insert(&tx, baseline, true).await?;
        tx.commit().await.map_err(MigrateError::db(context))?;
        have_ledger = true;
        report.entries.push(entry(baseline, Outcome::Adopted));
        records.push(Record {
            version: baseline.version(),
            checksum: baseline.checksum(),
            adopted: true,
        });
    }

    check_records(&records, migrations)?;

    for migration in migrations {
        if let Some(record) = records.iter().find(|r| r.version == migration.version()) {
            if !report
                .entries
                .iter()
                .any(|e| e.version == migration.version())
            {
                let outcome = Outcome::AlreadyApplied {
                    adopted: record.adopted,
                };
                report.entries.push(entry(migration, outcome));
            }
            continue;
        }
        apply(client, migration, !have_ledger).await?;
        have_ledger = true;
        report.entries.push(entry(migration, Outcome::Applied));
    }
    Ok(report)
}

/// Runs one migration and records it, in one transaction.
async fn apply(
    client: &mut Client,
    migration: &Migration,
    create_ledger: bool,
) -> Result<(), MigrateError> {
    let context = format!("applying {}", migration.id());
    let tx = client
        .transaction()
        .await
        .map_err(MigrateError::db(context.clone()))?;
    if create_ledger {
        ledger::create(&tx).await?;
    }
    tx.batch_execute(migration.sql())
        .await
        .map_err(|cause| MigrateError::MigrationFailed {
            id: migration.id(),
            line: line_of(&cause, migration.sql()),
            cause,
        })?;
    ledger::insert(&tx, migration, false).await?;
    tx.commit().await.map_err(MigrateError::db(context))
}

/// The 1-based line of `sql` that a PostgreSQL error points at.
fn line_of(error: &tokio_postgres::Error, sql: &str) -> Option<usize> {
    let Some(ErrorPosition::Original(position)) = error.as_db_error()?.position() else {
        return None;
    };
    // The position counts characters from 1.
    let before = usize::try_from(*position).ok()?.checked_sub(1)?;
    Some(sql.chars().take(before).filter(|c| *c == '\n').count() + 1)
}

fn entry(migration: &Migration, outcome: Outcome) -> Entry {
    Entry {
        version: migration.version(),
        id: migration.id(),
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_out_of_order_is_invalid() {
        let a = Migration::new(1, "a", "");
        let b = Migration::new(2, "b", "");
        assert!(validate(&[a, b]).is_ok());
        let err = validate(&[b, a]).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "invalid migration list: versions must strictly increase, but 0002_b comes before 0001_a"
            )
        );
    }
}
