//! Everything that stops [`crate::ensure_migrated`], with messages meant for the person
//! running the app. Messages name tables, columns, migrations and SQLite's own error
//! text, never the value of any row.

use spinstack_migrations::{ledger::LedgerError, message};
use spinstack_sql::SqlError;

/// The configuration error of an in-memory database (sqlite-and-deploy.md §2.4).
pub const IN_MEMORY_MESSAGE: &str = "the default SQLite database is in memory: run `spin up` \
     from the app directory, or pass `--state-dir` or a runtime config";

/// Why the schema could not be brought up to date. Every run is one transaction: after
/// any error the database is exactly as it was before the call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The database lives in memory (or is a temporary one): each request would see a
    /// fresh empty database, so no session could survive. A configuration problem.
    #[error("{IN_MEMORY_MESSAGE}")]
    InMemory,

    /// The connection does not speak SQLite.
    #[error("the SQLite schema needs a SQLite connection")]
    NotSqlite,

    /// A statement of the migrator itself (probe, ledger, catalog, transaction) failed;
    /// `database is locked` here means another instance held the write lock for longer
    /// than the busy timeout — retry the request.
    #[error("{context}: {cause}")]
    Database {
        /// What the migrator was doing.
        context: String,
        /// The error from the database.
        cause: SqlError,
    },

    /// A statement of a migration failed; the whole run was rolled back.
    #[error(
        "migration {id} failed at statement {statement} (line {line}), nothing was \
         changed: {cause}"
    )]
    MigrationFailed {
        /// The migration, e.g. `0002_rate_limit`.
        id: String,
        /// The 1-based number of the statement within the migration.
        statement: usize,
        /// The 1-based line of the file where that statement starts.
        line: usize,
        /// The error from the database.
        cause: SqlError,
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
         migrated by a newer spinstack, run that one",
        message::versions(versions)
    )]
    UnknownApplied {
        /// The unknown versions.
        versions: Vec<u32>,
    },

    /// `PRAGMA user_version` is ahead of this build's latest migration.
    #[error(
        "the database's schema version is {found}, but this build knows versions up to \
         {latest}; it was migrated by a newer spinstack (or another program set \
         PRAGMA user_version), run that one"
    )]
    NewerSchema {
        /// The database's `user_version`.
        found: i64,
        /// The latest version this build embeds.
        latest: u32,
    },

    /// Better Auth's tables exist without a ledger, but not all of them, or not with the
    /// shape migration `0001` creates; nothing was changed.
    #[error("{}", message::shape_mismatch(baseline, differences))]
    ShapeMismatch {
        /// The baseline migration, `0001_better_auth`.
        baseline: String,
        /// One line per difference, e.g. `table "session": missing column "token"
        /// (TEXT NOT NULL)`.
        differences: Vec<String>,
    },

    /// The migrations handed to [`crate::ensure_migrated_with`] are not usable.
    #[error("invalid migration list: {0}")]
    InvalidMigrations(String),
}

impl SchemaError {
    /// A [`SchemaError::Database`] maker for `map_err`.
    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(SqlError) -> Self {
        let context = context.into();
        move |cause| Self::Database { context, cause }
    }

    /// Whether the app should answer with a configuration error (the operator must act)
    /// rather than a server error.
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            Self::InMemory
                | Self::NotSqlite
                | Self::Database {
                    cause: SqlError::Denied(_) | SqlError::Unavailable(_),
                    ..
                }
        )
    }
}

/// `BEGIN IMMEDIATE` or `COMMIT` failing inside [`spinstack_sql::in_transaction`].
impl From<SqlError> for SchemaError {
    fn from(cause: SqlError) -> Self {
        Self::Database {
            context: "running the migration transaction".to_owned(),
            cause,
        }
    }
}

/// The ledger check's refusals, as this crate's variants.
impl From<LedgerError> for SchemaError {
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
    fn messages() {
        assert_eq!(
            SchemaError::InMemory.to_string(),
            "the default SQLite database is in memory: run `spin up` from the app \
             directory, or pass `--state-dir` or a runtime config"
        );
        let unknown = SchemaError::UnknownApplied {
            versions: vec![5, 12],
        };
        assert!(unknown.to_string().ends_with(
            "migration(s) 0005, 0012 that this build does not contain; it was migrated by \
             a newer spinstack, run that one"
        ));
        assert!(SchemaError::InMemory.is_configuration());
        assert!(!unknown.is_configuration());
    }
}
