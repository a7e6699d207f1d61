//! The migrations themselves: the files of `migrations/` embedded at compile time
//! (see `build.rs`) and the checksum that detects an edit after they were applied.

use std::fmt::Write as _;

use sha2::{Digest as _, Sha256};

/// One numbered SQL migration.
///
/// The SQL runs in a single transaction together with its record in the ledger, so it
/// must not contain transaction control (`BEGIN`, `COMMIT`) nor statements that cannot
/// run inside a transaction (`CREATE INDEX CONCURRENTLY`). Table names are written
/// unqualified: they land in the connection's current schema, and the first migration is
/// also replayed in a temporary schema to learn its shape (see [`crate::migrate`]).
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
        id(self.version, self.name)
    }

    /// Lowercase hex SHA-256 of the SQL text, as recorded in the ledger.
    pub fn checksum(&self) -> String {
        let digest = Sha256::digest(self.sql.as_bytes());
        digest
            .iter()
            .fold(String::with_capacity(64), |mut hex, byte| {
                // Writing to a String cannot fail.
                let _ = write!(hex, "{byte:02x}");
                hex
            })
    }
}

/// `0001_better_auth` from its parts.
pub(crate) fn id(version: u32, name: &str) -> String {
    format!("{version:04}_{name}")
}

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The migrations of the workspace's `migrations/` directory, ordered by version.
pub fn embedded() -> &'static [Migration] {
    EMBEDDED
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file_name::{FileName, parse};

    #[test]
    fn file_names() {
        assert_eq!(
            parse("0001_better_auth.sql"),
            Ok(Some(FileName {
                version: 1,
                name: "better_auth"
            }))
        );
        assert_eq!(
            parse("12345_x2_y.sql"),
            Ok(Some(FileName {
                version: 12345,
                name: "x2_y"
            }))
        );
        assert_eq!(parse("README.md"), Ok(None));
        for bad in [
            "001_short.sql",
            "0001.sql",
            "0001_.sql",
            "0001_Upper.sql",
            "0001-dash.sql",
            "00a1_x.sql",
            "0000_zero.sql",
            "9999999999_big.sql",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn embedded_starts_with_better_auth_in_order() {
        let all = embedded();
        assert_eq!(
            all.first().map(Migration::id).as_deref(),
            Some("0001_better_auth")
        );
        assert!(all.windows(2).all(|w| w[0].version < w[1].version));
    }

    #[test]
    fn embeds_only_the_postgresql_files() {
        // migrations/sqlite/ holds the SQLite migrations of spinstack-sqlite-schema.
        let ids: Vec<String> = embedded().iter().map(Migration::id).collect();
        assert_eq!(
            ids[..4],
            [
                "0001_better_auth",
                "0002_rate_limit",
                "0003_todo",
                "0004_settings"
            ]
        );
        for migration in embedded() {
            assert!(
                !migration.sql().contains("--> statement-breakpoint"),
                "{} looks like a SQLite migration",
                migration.id()
            );
        }
    }

    #[test]
    fn checksum_is_sha256_hex() {
        // sha256("") is well known.
        assert_eq!(
            Migration::new(1, "x", "").checksum(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(id(7, "todo"), "0007_todo");
    }
}
