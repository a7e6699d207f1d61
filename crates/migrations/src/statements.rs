//! The statements of a migration file as drizzle-kit writes them: separated by its
//! `--> statement-breakpoint` marker, never split on `;` (a trigger body or a string may
//! hold one). SQLite needs this, since Spin's SQLite runs only the first statement of
//! each string it is given.

/// The line marker that separates the statements of a migration file, as drizzle-kit
/// writes it (it starts with `--`, so the file stays valid SQL for a batch executor).
pub const BREAKPOINT: &str = "--> statement-breakpoint";

/// One statement of a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    /// The 1-based line of the file where the statement's SQL starts.
    pub line: usize,
    /// The SQL, trimmed (it may begin with comments).
    pub sql: &'static str,
}

impl Statement {
    /// The SQL without the whitespace and comments in front of it.
    pub fn code(&self) -> &'static str {
        first_code(self.sql).map_or("", |i| &self.sql[i..])
    }
}

/// Splits `sql` on [`BREAKPOINT`]; see [`crate::Migration::statements`].
pub(crate) fn split(sql: &'static str) -> Vec<Statement> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_the_marker_not_on_semicolons() {
        let sql = "-- header\n-- more\n\nCREATE TABLE a (x text DEFAULT ';');\n\
                   --> statement-breakpoint\nCREATE INDEX i ON a (x);--> statement-breakpoint\n\
                   /* block */ CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;\n\
                   --> statement-breakpoint\n  -- only a comment\n";
        let got = split(sql);
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
        assert_eq!(got[0].code(), "CREATE TABLE a (x text DEFAULT ';');");
        assert_eq!(
            got[2].code(),
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;"
        );
        assert!(split("").is_empty());
        assert!(split("-- nothing\n/* at all */\n").is_empty());
    }
}
