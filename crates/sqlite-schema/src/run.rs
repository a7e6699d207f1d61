//! One call: the one-query check, and when the schema is behind, a migration run in a
//! single `BEGIN IMMEDIATE` transaction (sqlite-and-deploy.md §6.3): take the write
//! lock, re-read the ledger (another instance may have migrated while this one waited),
//! adopt or apply what is missing one statement per `execute`, record it, set
//! `user_version`, commit; then switch the file to WAL (outside the transaction,
//! failure tolerated). Any error rolls the whole run back and leaves the file as it was.

use spinstack_migrations::{Entry, Outcome, Report, check_order, ledger::check as check_records};
use spinstack_sql::{Connection, Dialect, in_transaction};

use crate::{
    Migration, SchemaError,
    adopt::{self, Baseline},
    ledger, probe, shape,
    status::Status,
};

/// See [`crate::ensure_migrated_with`].
pub(crate) fn ensure<C: Connection + ?Sized>(
    conn: &C,
    migrations: &[Migration],
) -> Result<Status, SchemaError> {
    if up_to_date(conn, migrations)? {
        return Ok(Status::UpToDate);
    }
    locked_run(conn, migrations).map(Status::Migrated)
}

/// See [`crate::migrate_with`].
pub(crate) fn migrate<C: Connection + ?Sized>(
    conn: &C,
    migrations: &[Migration],
) -> Result<Report, SchemaError> {
    up_to_date(conn, migrations)?;
    locked_run(conn, migrations)
}

/// The one-query check: refuses what no run can fix (see [`check`], an in-memory
/// database, a newer schema) and says whether `user_version` is already the latest.
fn up_to_date(
    conn: &(impl Connection + ?Sized),
    migrations: &[Migration],
) -> Result<bool, SchemaError> {
    let latest = check(conn, migrations)?;
    let probe = probe::run(conn)?;
    if !probe.persistent {
        return Err(SchemaError::InMemory);
    }
    newer(probe.version, latest)?;
    Ok(probe.version == i64::from(latest))
}

/// Refuses a connection of another dialect and a list out of order; returns the
/// latest version (0 for an empty list).
fn check(conn: &(impl Connection + ?Sized), migrations: &[Migration]) -> Result<u32, SchemaError> {
    if conn.dialect() != Dialect::Sqlite {
        return Err(SchemaError::NotSqlite);
    }
    check_order(migrations).map_err(|e| SchemaError::InvalidMigrations(e.to_string()))?;
    let latest = migrations.last().map_or(0, Migration::version);
    // PRAGMA user_version is a signed 32-bit integer.
    if latest == 0 && !migrations.is_empty() || i32::try_from(latest).is_err() {
        return Err(SchemaError::InvalidMigrations(format!(
            "versions must be between 1 and {}",
            i32::MAX
        )));
    }
    Ok(latest)
}

fn newer(found: i64, latest: u32) -> Result<(), SchemaError> {
    if found > i64::from(latest) {
        Err(SchemaError::NewerSchema { found, latest })
    } else {
        Ok(())
    }
}

fn locked_run<C: Connection + ?Sized>(
    conn: &C,
    migrations: &[Migration],
) -> Result<Report, SchemaError> {
    let report = in_transaction(conn, |conn| locked(conn, migrations))?;
    // WAL lets readers go on while a writer commits. It persists in the file and must be
    // set outside a transaction. It comes after the commit, not before the transaction,
    // so that a refused or failed run leaves the file exactly as it was. libsql refuses
    // or ignores it, and a concurrent switch may report "database is locked": neither
    // undoes the migration, and the next run tries again.
    let _ = conn.query("PRAGMA journal_mode=WAL", &[]);
    Ok(report)
}

/// The run proper, inside the write lock.
fn locked(
    conn: &(impl Connection + ?Sized),
    migrations: &[Migration],
) -> Result<Report, SchemaError> {
    let latest = migrations.last().map_or(0, Migration::version);
    let user_version = probe::run(conn)?.version;
    newer(user_version, latest)?;

    let tables = shape::tables(conn)?;
    let mut ledger_exists = tables.contains(crate::LEDGER_TABLE);
    let records = if ledger_exists {
        ledger::read(conn)?
    } else {
        Vec::new()
    };
    let mut adopt_version = None;
    if !ledger_exists
        && let Some(baseline) = migrations.first()
        && adopt::is_baseline(baseline)
        && adopt::inspect(conn, &tables, baseline)? == Baseline::Adopt
    {
        adopt_version = Some(baseline.version());
    }
    check_records(&records, migrations)?;

    let mut report = Report::default();
    for migration in migrations {
        let outcome =
            if let Some(record) = records.iter().find(|r| r.version == migration.version()) {
                Outcome::AlreadyApplied {
                    adopted: record.adopted,
                }
            } else {
                if !ledger_exists {
                    ledger::create(conn)?;
                    ledger_exists = true;
                }
                let adopted = adopt_version == Some(migration.version());
                if !adopted {
                    apply(conn, migration)?;
                }
                ledger::insert(conn, migration, adopted)?;
                if adopted {
                    Outcome::Adopted
                } else {
                    Outcome::Applied
                }
            };
        report.entries.push(Entry {
            version: migration.version(),
            id: migration.id(),
            outcome,
        });
    }
    if user_version != i64::from(latest) {
        ledger::set_user_version(conn, latest)?;
    }
    Ok(report)
}

/// Runs a migration's statements, one `execute` each.
fn apply(conn: &(impl Connection + ?Sized), migration: &Migration) -> Result<(), SchemaError> {
    for (index, statement) in migration.statements().iter().enumerate() {
        conn.execute(statement.sql, &[])
            .map_err(|cause| SchemaError::MigrationFailed {
                id: migration.id(),
                statement: index + 1,
                line: statement.line,
                cause,
            })?;
    }
    Ok(())
}
