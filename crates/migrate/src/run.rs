//! One migration run: lock, look at the ledger (or adopt), apply what is missing.

use tokio_postgres::{Client, error::ErrorPosition};

use crate::{
    MigrateError, Migration,
    adopt::{self, Baseline, Schema},
    ledger::{self, Record},
    lock,
    report::{Entry, Outcome, Report},
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
    for pair in migrations.windows(2) {
        if pair[0].version() >= pair[1].version() {
            return Err(MigrateError::InvalidMigrations(format!(
                "versions must strictly increase, but {} comes before {}",
                pair[0].id(),
                pair[1].id()
            )));
        }
    }
    Ok(())
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

/// Refuses a ledger that lists unknown migrations or whose checksums no longer match.
fn check_records(records: &[Record], migrations: &[Migration]) -> Result<(), MigrateError> {
    let unknown: Vec<u32> = records
        .iter()
        .filter(|r| !migrations.iter().any(|m| m.version() == r.version))
        .map(|r| r.version)
        .collect();
    if !unknown.is_empty() {
        return Err(MigrateError::UnknownApplied { versions: unknown });
    }
    for record in records {
        if let Some(migration) = migrations.iter().find(|m| m.version() == record.version) {
            let current = migration.checksum();
            if current != record.checksum {
                return Err(MigrateError::ChecksumMismatch {
                    id: migration.id(),
                    recorded: record.checksum.clone(),
                    current,
                });
            }
        }
    }
    Ok(())
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
    fn versions_must_increase() {
        let a = Migration::new(1, "a", "");
        let b = Migration::new(2, "b", "");
        assert!(validate(&[a, b]).is_ok());
        assert!(validate(&[]).is_ok());
        let err = validate(&[b, a]).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "invalid migration list: versions must strictly increase, but 0002_b comes before 0001_a"
            )
        );
        assert!(validate(&[a, a]).is_err());
    }

    #[test]
    fn ledger_checks() {
        let m = Migration::new(1, "a", "SELECT 1");
        let ok = Record {
            version: 1,
            checksum: m.checksum(),
            adopted: false,
        };
        assert!(check_records(std::slice::from_ref(&ok), &[m]).is_ok());
        let edited = Record {
            checksum: "0".repeat(64),
            ..ok.clone()
        };
        assert!(matches!(
            check_records(&[edited], &[m]),
            Err(MigrateError::ChecksumMismatch { .. })
        ));
        let newer = Record { version: 9, ..ok };
        assert!(matches!(
            check_records(&[newer], &[m]),
            Err(MigrateError::UnknownApplied { versions }) if versions == [9]
        ));
    }
}
