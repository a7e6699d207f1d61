//! Everything that stops a migration run, PostgreSQL or SQLite, with messages meant for
//! the person running it.

use std::fmt::Write as _;

use spinstack_migrations::{ledger::LedgerError, message};

/// Why a run stopped. Every refusal happens before anything is written, and a failed
/// migration is rolled back together with its ledger record, so after any error the
/// database holds exactly the migrations that the ledger lists.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// A query the migrator issues itself (ledger, lock, catalog) failed.
    #[error("{context}: {}", describe(cause))]
    Database {
        /// What the migrator was doing.
        context: String,
        /// The error from PostgreSQL or the connection.
        cause: tokio_postgres::Error,
    },

    /// A migration's SQL failed; its transaction was rolled back.
    #[error("migration {id} failed{}, nothing of it was applied: {}",
        line.map(|l| format!(" at line {l}")).unwrap_or_default(), describe(cause))]
    MigrationFailed {
        /// The migration, e.g. `0002_todo`.
        id: String,
        /// The line of the file that PostgreSQL pointed at, when it did.
        line: Option<usize>,
        /// The error from PostgreSQL or the connection.
        cause: tokio_postgres::Error,
    },

    /// An applied migration's file no longer matches the checksum recorded for it.
    #[error("{}", message::edited(id, recorded, current))]
    ChecksumMismatch {
        /// The migration, e.g. `0001_better_auth`.
        id: String,
        /// The checksum in the ledger.
        recorded: String,
        /// The checksum of the embedded file.
        current: String,
    },

    /// The ledger lists migrations this build does not contain.
    #[error(
        "the database records migration(s) {} that this build does not contain; it was \
         migrated by a newer spinstack-migrate, use that one",
        message::versions(versions)
    )]
    UnknownApplied {
        /// The unknown versions.
        versions: Vec<u32>,
    },

    /// Only some of the baseline migration's tables exist.
    #[error(
        "found table(s) {} of {baseline} but not {}; refusing to adopt a partial schema, \
         nothing was changed",
        names(present),
        names(missing)
    )]
    PartialSchema {
        /// The baseline migration, e.g. `0001_better_auth`.
        baseline: String,
        /// Its tables that exist.
        present: Vec<String>,
        /// Its tables that do not.
        missing: Vec<String>,
    },

    /// The baseline migration's tables exist but differ from what it creates.
    #[error("{}", message::shape_mismatch(baseline, differences))]
    ShapeMismatch {
        /// The baseline migration, e.g. `0001_better_auth`.
        baseline: String,
        /// One line per difference, e.g. `table "session": column "token" is nullable,
        /// expected NOT NULL`.
        differences: Vec<String>,
    },

    /// `current_schema()` is NULL, so unqualified tables have nowhere to go.
    #[error("no schema to create tables in: current_schema() is NULL (check search_path)")]
    NoSchema,

    /// The migrations handed to [`crate::migrate_with`] are not usable.
    #[error("invalid migration list: {0}")]
    InvalidMigrations(String),

    /// A database URL names a SQLite database this tool cannot migrate (in memory,
    /// remote, with parameters); the message says why, without the URL.
    #[error("unusable SQLite database URL: {0}")]
    InvalidDatabaseUrl(String),

    /// The SQLite database file could not be opened or created.
    #[error("cannot open SQLite database {}: {cause}", path.display())]
    SqliteOpen {
        /// The file.
        path: std::path::PathBuf,
        /// The error from SQLite.
        cause: spinstack_sql::SqlError,
    },

    /// The SQLite migrator refused or failed (see `spinstack_sqlite_schema`); nothing
    /// was changed.
    #[error(transparent)]
    Sqlite(#[from] spinstack_sqlite_schema::SchemaError),
}

impl MigrateError {
    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Self {
        let context = context.into();
        move |cause| Self::Database { context, cause }
    }

    /// The PostgreSQL error behind this one, if there is one.
    pub fn db_error(&self) -> Option<&tokio_postgres::error::DbError> {
        match self {
            Self::Database { cause, .. } | Self::MigrationFailed { cause, .. } => {
                cause.as_db_error()
            }
            _ => None,
        }
    }
}

/// The full story of a `tokio_postgres::Error`, whose own `Display` is only its kind
/// (`db error`): severity, SQLSTATE, message, detail and hint, or the I/O cause.
fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
        if let Some(detail) = db.detail() {
            let _ = write!(text, " (DETAIL: {detail})");
        }
        if let Some(hint) = db.hint() {
            let _ = write!(text, " (HINT: {hint})");
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    text
}

fn names(names: &[String]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    list.join(", ")
}

/// The ledger check's refusals, as this crate's variants.
impl From<LedgerError> for MigrateError {
    fn from(error: LedgerError) -> Self {
        match error {
            LedgerError::UnknownApplied { versions } => Self::UnknownApplied { versions },
            LedgerError::ChecksumMismatch {
                id,
                recorded,
                current,
            } => Self::ChecksumMismatch {
                id,
                recorded,
                current,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_messages() {
        let partial = MigrateError::PartialSchema {
            baseline: "0001_better_auth".into(),
            present: vec!["session".into(), "user".into()],
            missing: vec!["account".into()],
        };
        assert_eq!(
            partial.to_string(),
            "found table(s) \"session\", \"user\" of 0001_better_auth but not \"account\"; \
             refusing to adopt a partial schema, nothing was changed"
        );
        let unknown = MigrateError::UnknownApplied {
            versions: vec![3, 12],
        };
        assert!(unknown.to_string().ends_with(
            "migration(s) 0003, 0012 that this build does not contain; it was migrated by \
             a newer spinstack-migrate, use that one"
        ));
    }
}
