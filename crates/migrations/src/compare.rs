//! Comparing an existing table with the shape a migration creates, and saying how they
//! differ in words a person can act on. Never compared: names of indexes and
//! constraints, column order, and `NOT NULL` on a column in both primary keys (SQLite:
//! drizzle-kit 0.31 writes it on the text ids, 1.0 does not; PostgreSQL makes every key
//! column NOT NULL anyway).

use std::fmt;

use crate::shape::{Column, ForeignKey, TableShape};

/// Every difference between `actual` and `expected`, one line each, prefixed with the
/// table, e.g. `table "session": column "token" is nullable, expected NOT NULL`. Empty
/// when the shapes match. Indexes are named by their `Display`.
pub fn differences<I: Ord + fmt::Display>(
    expected: &TableShape<I>,
    actual: &TableShape<I>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut say = |text: String| out.push(format!("table {:?}: {text}", expected.name));

    for want in &expected.columns {
        let Some(have) = actual.columns.iter().find(|c| c.name == want.name) else {
            say(format!(
                "missing column {:?} ({})",
                want.name,
                Described(want)
            ));
            continue;
        };
        if have.data_type != want.data_type {
            say(format!(
                "column {:?} has type {}, expected {}",
                want.name,
                type_name(&have.data_type),
                type_name(&want.data_type)
            ));
        }
        let in_keys =
            actual.primary_key.contains(&want.name) && expected.primary_key.contains(&want.name);
        if have.not_null != want.not_null && !in_keys {
            say(format!(
                "column {:?} is {}, expected {}",
                want.name,
                nullability(have.not_null),
                nullability(want.not_null)
            ));
        }
        if have.default != want.default {
            say(format!(
                "column {:?} has {}, expected {}",
                want.name,
                default(have.default.as_deref()),
                default(want.default.as_deref())
            ));
        }
    }
    for have in &actual.columns {
        if !expected.columns.iter().any(|c| c.name == have.name) {
            say(format!(
                "unexpected column {:?} ({})",
                have.name,
                Described(have)
            ));
        }
    }

    if actual.primary_key != expected.primary_key {
        say(format!(
            "has {}, expected {}",
            primary_key(&actual.primary_key, "no primary key"),
            primary_key(&expected.primary_key, "none")
        ));
    }

    for index in expected.indexes.difference(&actual.indexes) {
        say(format!("missing {index}"));
    }
    for index in actual.indexes.difference(&expected.indexes) {
        say(format!("unexpected {index}"));
    }

    // Foreign keys are matched by what they connect; then their actions are compared.
    let connects = |fk: &ForeignKey| {
        (
            fk.columns.clone(),
            fk.target.clone(),
            fk.target_columns.clone(),
        )
    };
    for want in &expected.foreign_keys {
        match actual
            .foreign_keys
            .iter()
            .find(|have| connects(have) == connects(want))
        {
            None => say(format!("missing {}", Fk(want))),
            Some(have) => {
                for (event, have_action, want_action) in [
                    ("DELETE", &have.on_delete, &want.on_delete),
                    ("UPDATE", &have.on_update, &want.on_update),
                ] {
                    if have_action != want_action {
                        say(format!(
                            "{} has ON {event} {have_action}, expected ON {event} {want_action}",
                            Fk(want).connection()
                        ));
                    }
                }
            }
        }
    }
    for have in &actual.foreign_keys {
        if !expected
            .foreign_keys
            .iter()
            .any(|want| connects(want) == connects(have))
        {
            say(format!("unexpected {}", Fk(have)));
        }
    }

    let (have_checks, want_checks) = (&actual.other_constraints, &expected.other_constraints);
    for check in want_checks.iter().filter(|c| !have_checks.contains(c)) {
        say(format!("missing constraint {check}"));
    }
    for check in have_checks.iter().filter(|c| !want_checks.contains(c)) {
        say(format!("unexpected constraint {check}"));
    }
    out
}

/// A column's type, `(none)` for a SQLite column declared without one.
fn type_name(data_type: &str) -> &str {
    if data_type.is_empty() {
        "(none)"
    } else {
        data_type
    }
}

fn nullability(not_null: bool) -> &'static str {
    if not_null { "NOT NULL" } else { "nullable" }
}

fn default(default: Option<&str>) -> String {
    default.map_or_else(|| "no default".to_owned(), |d| format!("DEFAULT {d}"))
}

/// `PRIMARY KEY (id)`, or `none` for a table without one.
fn primary_key(columns: &[String], none: &str) -> String {
    if columns.is_empty() {
        none.to_owned()
    } else {
        format!("PRIMARY KEY ({})", columns.join(", "))
    }
}

/// `TEXT NOT NULL DEFAULT …`, for missing and unexpected columns.
struct Described<'a>(&'a Column);

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let column = self.0;
        write!(
            f,
            "{} {}",
            type_name(&column.data_type),
            nullability(column.not_null)
        )?;
        if let Some(d) = &column.default {
            write!(f, " DEFAULT {d}")?;
        }
        Ok(())
    }
}

/// `foreign key (user_id) REFERENCES "user" (id) ON DELETE CASCADE ON UPDATE NO ACTION`.
struct Fk<'a>(&'a ForeignKey);

impl Fk<'_> {
    fn connection(&self) -> String {
        let fk = self.0;
        let target_columns = if fk.target_columns.is_empty() {
            String::new()
        } else {
            format!(" ({})", fk.target_columns.join(", "))
        };
        format!(
            "foreign key ({}) REFERENCES {:?}{target_columns}",
            fk.columns.join(", "),
            fk.target
        )
    }
}

impl fmt::Display for Fk<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ON DELETE {} ON UPDATE {}",
            self.connection(),
            self.0.on_delete,
            self.0.on_update
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table whose indexes are plain strings: each dialect brings its own index type.
    fn session() -> TableShape<String> {
        TableShape {
            name: "session".to_owned(),
            columns: vec![
                Column::new("id", "text", true, None),
                Column::new("token", "text", true, None),
                Column::new("created_at", "timestamp", true, Some("now()")),
                Column::new("user_id", "text", true, None),
            ],
            primary_key: vec!["id".to_owned()],
            indexes: ["UNIQUE (token)".to_owned(), "INDEX (user_id)".to_owned()].into(),
            foreign_keys: [ForeignKey {
                columns: vec!["user_id".to_owned()],
                target: "user".to_owned(),
                target_columns: vec!["id".to_owned()],
                on_delete: "CASCADE".to_owned(),
                on_update: "NO ACTION".to_owned(),
            }]
            .into(),
            other_constraints: Default::default(),
        }
    }

    #[test]
    fn equal_shapes_have_no_differences() {
        assert!(differences(&session(), &session()).is_empty());
        // Another column order, and NOT NULL on a key column, do not count.
        let mut other = session();
        other.columns.reverse();
        other.columns[3].not_null = false;
        assert!(differences(&session(), &other).is_empty());
    }

    #[test]
    fn every_difference_is_named() {
        let mut actual = session();
        actual.columns[1].not_null = false;
        actual.columns[2].default = None;
        actual.columns[3].data_type = "integer".to_owned();
        actual.columns.remove(0);
        actual
            .columns
            .push(Column::new("extra", "", false, Some("'x'")));
        actual.primary_key.clear();
        actual.indexes.retain(|i| !i.starts_with("UNIQUE"));
        actual.foreign_keys = actual
            .foreign_keys
            .into_iter()
            .map(|fk| ForeignKey {
                on_delete: "NO ACTION".to_owned(),
                on_update: "CASCADE".to_owned(),
                ..fk
            })
            .collect();
        actual.other_constraints.push("CHECK (true)".to_owned());
        assert_eq!(
            differences(&session(), &actual),
            [
                r#"table "session": missing column "id" (text NOT NULL)"#,
                r#"table "session": column "token" is nullable, expected NOT NULL"#,
                r#"table "session": column "created_at" has no default, expected DEFAULT now()"#,
                r#"table "session": column "user_id" has type integer, expected text"#,
                r#"table "session": unexpected column "extra" ((none) nullable DEFAULT 'x')"#,
                r#"table "session": has no primary key, expected PRIMARY KEY (id)"#,
                r#"table "session": missing UNIQUE (token)"#,
                r#"table "session": foreign key (user_id) REFERENCES "user" (id) has ON DELETE NO ACTION, expected ON DELETE CASCADE"#,
                r#"table "session": foreign key (user_id) REFERENCES "user" (id) has ON UPDATE CASCADE, expected ON UPDATE NO ACTION"#,
                r#"table "session": unexpected constraint CHECK (true)"#,
            ]
        );
    }

    #[test]
    fn primary_keys_missing_extra_and_other() {
        let mut no_key = session();
        no_key.primary_key.clear();
        assert_eq!(
            differences(&no_key, &session()),
            [r#"table "session": has PRIMARY KEY (id), expected none"#]
        );
        let mut other_key = session();
        other_key.primary_key = vec!["id".to_owned(), "token".to_owned()];
        assert_eq!(
            differences(&session(), &other_key),
            [r#"table "session": has PRIMARY KEY (id, token), expected PRIMARY KEY (id)"#]
        );
    }

    #[test]
    fn missing_and_unexpected_foreign_keys_indexes_and_constraints() {
        let mut actual = session();
        actual.foreign_keys = [ForeignKey {
            columns: vec!["token".to_owned()],
            target: "other".to_owned(),
            target_columns: Vec::new(),
            on_delete: "NO ACTION".to_owned(),
            on_update: "NO ACTION".to_owned(),
        }]
        .into();
        actual.indexes = ["partial INDEX (user_id)".to_owned()].into();
        let mut expected = session();
        expected
            .other_constraints
            .push("CHECK (id <> '')".to_owned());
        assert_eq!(
            differences(&expected, &actual),
            [
                r#"table "session": missing INDEX (user_id)"#,
                r#"table "session": missing UNIQUE (token)"#,
                r#"table "session": unexpected partial INDEX (user_id)"#,
                r#"table "session": missing foreign key (user_id) REFERENCES "user" (id) ON DELETE CASCADE ON UPDATE NO ACTION"#,
                r#"table "session": unexpected foreign key (token) REFERENCES "other" ON DELETE NO ACTION ON UPDATE NO ACTION"#,
                r#"table "session": missing constraint CHECK (id <> '')"#,
            ]
        );
    }
}
