//! The ledger both migrators keep: table `spinstack_migrations`, one row per migration
//! applied or adopted with the checksum of its file at that time, and the check that
//! refuses a ledger this build cannot continue from. Reading and writing the table is
//! each dialect's own (`spinstack-migrate`, `spinstack-sqlite-schema`).

use crate::{Migration, message};

/// The ledger's table name.
pub const LEDGER_TABLE: &str = "spinstack_migrations";

/// One row of the ledger, as each dialect reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The migration's version.
    pub version: u32,
    /// The checksum recorded when it was applied or adopted.
    pub checksum: String,
    /// Whether it was adopted rather than run.
    pub adopted: bool,
}

/// A ledger this build cannot continue from; each migrator turns it into its own error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The ledger lists migrations this build does not contain.
    #[error(
        "the database records migration(s) {} that this build does not contain",
        message::versions(versions)
    )]
    UnknownApplied {
        /// The unknown versions.
        versions: Vec<u32>,
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
}

/// Refuses a ledger that lists unknown migrations or whose checksums no longer match
/// `migrations`.
///
/// # Errors
///
/// [`LedgerError::UnknownApplied`] first (with every unknown version), then
/// [`LedgerError::ChecksumMismatch`] for the first edited migration.
pub fn check(records: &[Record], migrations: &[Migration]) -> Result<(), LedgerError> {
    let unknown: Vec<u32> = records
        .iter()
        .filter(|r| !migrations.iter().any(|m| m.version() == r.version))
        .map(|r| r.version)
        .collect();
    if !unknown.is_empty() {
        return Err(LedgerError::UnknownApplied { versions: unknown });
    }
    for record in records {
        if let Some(migration) = migrations.iter().find(|m| m.version() == record.version) {
            let current = migration.checksum();
            if current != record.checksum {
                return Err(LedgerError::ChecksumMismatch {
                    id: migration.id(),
                    recorded: record.checksum.clone(),
                    current,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_checks() {
        let m = Migration::new(1, "a", "SELECT 1");
        let ok = Record {
            version: 1,
            checksum: m.checksum(),
            adopted: false,
        };
        assert!(check(std::slice::from_ref(&ok), &[m]).is_ok());
        let edited = Record {
            checksum: "0".repeat(64),
            ..ok.clone()
        };
        assert!(matches!(
            check(&[edited], &[m]),
            Err(LedgerError::ChecksumMismatch { id, .. }) if id == "0001_a"
        ));
        let newer = Record { version: 9, ..ok };
        let err = check(&[newer], &[m]).err();
        assert!(matches!(&err, Some(LedgerError::UnknownApplied { versions }) if versions == &[9]));
        assert!(err.is_some_and(|e| e.to_string().contains("migration(s) 0009 that this build")));
    }
}
