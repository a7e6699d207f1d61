//! The migrations themselves: the files of `migrations/sqlite/` embedded at compile time
//! (see `build.rs`), their checksum, and their statements — split on drizzle's
//! `--> statement-breakpoint` marker, never on `;`, because Spin's SQLite runs only the
//! first statement of each string it is given.

use std::fmt::Write as _;

use sha2::{Digest as _, Sha256};

/// The line marker that separates the statements of a migration file, as drizzle-kit
/// writes it (it starts with `--`, so the file stays valid SQL for a batch executor).
pub const BREAKPOINT: &str = "--> statement-breakpoint";

/// One numbered SQLite migration.
///
/// Its statements run one `execute` each, inside the single transaction of a migration
/// run, together with its ledger row; so they must not contain transaction control
/// (`BEGIN`, `COMMIT`, `VACUUM`) nor pragmas that do nothing inside a transaction
/// (`foreign_keys`, `journal_mode`).
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

    /// Lowercase hex SHA-256 of the SQL text, as recorded in the ledger.
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
    /// starts on: the text between breakpoint markers, trimmed, leaving out parts that
    /// hold nothing but whitespace and comments.
    pub fn statements(&self) -> Vec<Statement> {
        statements(self.sql)
    }
}

/// One statement of a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    /// The 1-based line of the file where the statement's SQL starts.
    pub line: usize,
    /// The SQL, trimmed (it may begin with comments).
    pub sql: &'static str,
}

/// Splits `sql` on [`BREAKPOINT`]; see [`Migration::statements`].
pub(crate) fn statements(sql: &'static str) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut offset = 0;
    for part in sql.split(BREAKPOINT) {
        let start = offset;
        offset += part.len() + BREAKPOINT.len();
        let Some(code) = first_code(part) else {
            continue;
        };
        let line = sql[..start + code].matches('\n').count() + 1;
        out.push(Statement {
            line,
            sql: part.trim(),
        });
    }
    out
}

/// The byte offset of the first character of `text` that is neither whitespace nor
/// inside a `--` or `/* */` comment; `None` when there is none.
fn first_code(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
        } else if bytes[i..].starts_with(b"--") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
        } else if bytes[i..].starts_with(b"/*") {
            i = text[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |n| i + 2 + n + 2);
        } else {
            return Some(i);
        }
    }
    None
}

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The migrations of the workspace's `migrations/sqlite/` directory, ordered by version.
pub fn embedded() -> &'static [Migration] {
    EMBEDDED
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file_name::{FileName, parse};

    #[test]
    fn splits_on_the_marker_not_on_semicolons() {
        let sql = "-- header\n-- more\n\nCREATE TABLE a (x text DEFAULT ';');\n\
                   --> statement-breakpoint\nCREATE INDEX i ON a (x);--> statement-breakpoint\n\
                   /* block */ CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;\n\
                   --> statement-breakpoint\n  -- only a comment\n";
        let got = statements(sql);
        assert_eq!(
            got,
            [
                Statement {
                    line: 4,
                    sql: "-- header\n-- more\n\nCREATE TABLE a (x text DEFAULT ';');"
                },
                Statement {
                    line: 6,
                    sql: "CREATE INDEX i ON a (x);"
                },
                Statement {
                    line: 7,
                    sql: "/* block */ CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;"
                },
            ]
        );
        assert!(statements("").is_empty());
        assert!(statements("-- nothing\n/* at all */\n").is_empty());
    }

    #[test]
    fn embedded_files_are_numbered_and_split() {
        let all = embedded();
        let ids: Vec<String> = all.iter().map(Migration::id).collect();
        assert_eq!(
            ids[..4],
            [
                "0001_better_auth",
                "0002_rate_limit",
                "0003_todo",
                "0004_settings"
            ]
        );
        assert!(all.windows(2).all(|w| w[0].version < w[1].version));
        // drizzle-kit's order: four tables, then three indexes.
        let baseline = all[0].statements();
        assert_eq!(baseline.len(), 7);
        assert!(baseline[0].sql.contains("CREATE TABLE `account`"));
        assert!(
            baseline[6]
                .sql
                .starts_with("CREATE INDEX `verification_identifier_idx`")
        );
        for migration in all {
            for statement in migration.statements() {
                let code = first_code(statement.sql).map_or("", |i| &statement.sql[i..]);
                assert_eq!(
                    code.matches(';').count(),
                    1,
                    "{}: one statement per part, ending in `;`: {}",
                    migration.id(),
                    statement.sql
                );
            }
        }
    }

    #[test]
    fn checksum_and_id() {
        assert_eq!(
            Migration::new(1, "x", "").checksum(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(Migration::new(7, "todo", "").id(), "0007_todo");
    }

    #[test]
    fn file_names() {
        assert_eq!(
            parse("0001_better_auth.sql"),
            Ok(Some(FileName {
                version: 1,
                name: "better_auth"
            }))
        );
        assert_eq!(parse("README.md"), Ok(None));
        for bad in [
            "001_short.sql",
            "0001.sql",
            "0001_Upper.sql",
            "0000_zero.sql",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
