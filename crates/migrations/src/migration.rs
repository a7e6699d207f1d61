//! One numbered migration: its version, name and SQL as embedded from its file, its id
//! (`0001_better_auth`) and the checksum both ledgers record to detect an edit after it
//! was applied; and the order rule for a list of them.

use std::fmt::Write as _;

use sha2::{Digest as _, Sha256};

use crate::statements::{self, Statement};

/// One numbered SQL migration.
///
/// Each migrator runs a migration inside a transaction together with its ledger row, so
/// its SQL must not contain transaction control (`BEGIN`, `COMMIT`); what else a dialect
/// forbids is said by the migrator that runs it (`spinstack-migrate` for PostgreSQL,
/// `spinstack-sqlite-schema` for SQLite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    version: u32,
    name: &'static str,
    sql: &'static str,
}

impl Migration {
    /// A migration with the given version (`1` for `0001_…`), name and SQL.
    pub const fn new(version: u32, name: &'static str, sql: &'static str) -> Self {
        Self { version, name, sql }
    }

    /// The version, the number in front of the file name.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The name, the file name between the version and `.sql`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The SQL text, byte for byte as in the file.
    pub fn sql(&self) -> &'static str {
        self.sql
    }

    /// The file name without `.sql`, e.g. `0001_better_auth`.
    pub fn id(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
    }

    /// Lowercase hex SHA-256 of the SQL text, as recorded in the ledger. Never change
    /// it: a database whose ledger holds another checksum refuses to migrate.
    pub fn checksum(&self) -> String {
        Sha256::digest(self.sql.as_bytes()).iter().fold(
            String::with_capacity(64),
            |mut hex, byte| {
                // Writing to a String cannot fail.
                let _ = write!(hex, "{byte:02x}");
                hex
            },
        )
    }

    /// The statements to execute, in order, each with the 1-based line of the file it
    /// starts on: the text between drizzle-kit's [`BREAKPOINT`](crate::BREAKPOINT)
    /// markers, trimmed, leaving out parts that hold nothing but whitespace and comments.
    pub fn statements(&self) -> Vec<Statement> {
        statements::split(self.sql)
    }
}

/// A list of migrations whose versions do not strictly increase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("versions must strictly increase, but {earlier} comes before {later}")]
pub struct OrderError {
    /// The id of the first migration out of order, e.g. `0002_b`.
    pub earlier: String,
    /// The id of the migration after it, e.g. `0001_a`.
    pub later: String,
}

/// Checks that the versions of `migrations` strictly increase, as both migrators need.
///
/// # Errors
///
/// [`OrderError`] naming the first pair out of order.
pub fn check_order(migrations: &[Migration]) -> Result<(), OrderError> {
    match migrations
        .windows(2)
        .find(|pair| pair[0].version >= pair[1].version)
    {
        Some(pair) => Err(OrderError {
            earlier: pair[0].id(),
            later: pair[1].id(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_is_sha256_hex_and_id_is_the_file_stem() {
        // sha256("") is well known.
        assert_eq!(
            Migration::new(1, "x", "").checksum(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(Migration::new(7, "todo", "").id(), "0007_todo");
        assert_eq!(Migration::new(12345, "big", "").id(), "12345_big");
    }

    #[test]
    fn versions_must_increase() {
        let a = Migration::new(1, "a", "");
        let b = Migration::new(2, "b", "");
        assert!(check_order(&[a, b]).is_ok());
        assert!(check_order(&[]).is_ok());
        assert_eq!(
            check_order(&[b, a]).err().map(|e| e.to_string()).as_deref(),
            Some("versions must strictly increase, but 0002_b comes before 0001_a")
        );
        assert!(check_order(&[a, a]).is_err());
    }
}
