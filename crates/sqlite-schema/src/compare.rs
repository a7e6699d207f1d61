//! Comparing an existing table with the shape migration `0001` creates, and saying how
//! they differ in words a person can act on. Never compared: names of indexes and
//! constraints, column order, statement order, whether a unique index was declared
//! inline or separately, and `NOT NULL` on primary-key columns (drizzle-kit 0.31 writes
//! it on the text ids, 1.0 does not).

use std::fmt;

use crate::shape::{Column, ForeignKey, Index, TableShape};

/// Every difference between `actual` and `expected`, one line each, prefixed with the
/// table, e.g. `table "session": column "token" is nullable, expected NOT NULL`. Empty
/// when the shapes match.
pub(crate) fn differences(expected: &TableShape, actual: &TableShape) -> Vec<String> {
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
        if have.decl_type != want.decl_type {
            say(format!(
                "column {:?} has type {}, expected {}",
                want.name,
                type_name(&have.decl_type),
                type_name(&want.decl_type)
            ));
        }
        let in_key = have.pk > 0 && want.pk > 0;
        if have.not_null != want.not_null && !in_key {
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

    let (have_key, want_key) = (actual.primary_key(), expected.primary_key());
    if have_key != want_key {
        say(format!(
            "has {}, expected {}",
            primary_key(&have_key),
            primary_key(&want_key)
        ));
    }

    for index in expected.indexes.difference(&actual.indexes) {
        say(format!("missing {}", Idx(index)));
    }
    for index in actual.indexes.difference(&expected.indexes) {
        say(format!("unexpected {}", Idx(index)));
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
                if have.on_delete != want.on_delete {
                    say(format!(
                        "{} has ON DELETE {}, expected ON DELETE {}",
                        Fk(want).connection(),
                        have.on_delete,
                        want.on_delete
                    ));
                }
                if have.on_update != want.on_update {
                    say(format!(
                        "{} has ON UPDATE {}, expected ON UPDATE {}",
                        Fk(want).connection(),
                        have.on_update,
                        want.on_update
                    ));
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
    out
}

fn type_name(decl_type: &str) -> &str {
    if decl_type.is_empty() {
        "(none)"
    } else {
        decl_type
    }
}

fn nullability(not_null: bool) -> &'static str {
    if not_null { "NOT NULL" } else { "nullable" }
}

fn default(default: Option<&str>) -> String {
    default.map_or_else(|| "no default".to_owned(), |d| format!("DEFAULT {d}"))
}

fn primary_key(columns: &[String]) -> String {
    if columns.is_empty() {
        "no primary key".to_owned()
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
            type_name(&column.decl_type),
            nullability(column.not_null)
        )?;
        if let Some(d) = &column.default {
            write!(f, " DEFAULT {d}")?;
        }
        Ok(())
    }
}

/// `UNIQUE (email)`, `INDEX (user_id)`, `partial UNIQUE (…)`.
struct Idx<'a>(&'a Index);

impl fmt::Display for Idx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let index = self.0;
        if index.partial {
            f.write_str("partial ")?;
        }
        let kind = if index.unique { "UNIQUE" } else { "INDEX" };
        write!(f, "{kind} ({})", index.columns.join(", "))
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
    use crate::expected;

    fn user() -> TableShape {
        expected::baseline().swap_remove(2)
    }

    #[test]
    fn equal_shapes_have_no_differences() {
        assert!(differences(&user(), &user()).is_empty());
        // NOT NULL on the key and another column order do not count.
        let mut other = user();
        other.columns.reverse();
        if let Some(id) = other.columns.iter_mut().find(|c| c.name == "id") {
            id.not_null = true;
        }
        assert!(differences(&user(), &other).is_empty());
    }

    #[test]
    fn every_difference_is_listed() {
        let mut other = user();
        other.columns.retain(|c| c.name != "image");
        if let Some(email) = other.columns.iter_mut().find(|c| c.name == "email") {
            email.decl_type = "INTEGER".to_owned();
            email.not_null = false;
        }
        if let Some(verified) = other
            .columns
            .iter_mut()
            .find(|c| c.name == "email_verified")
        {
            verified.default = None;
        }
        other.columns.push(Column {
            name: "role".to_owned(),
            decl_type: "TEXT".to_owned(),
            not_null: false,
            default: Some("'user'".to_owned()),
            pk: 0,
        });
        other.indexes.retain(|i| i.columns != ["email"]);
        other.foreign_keys.insert(ForeignKey {
            columns: vec!["name".to_owned()],
            target: "other".to_owned(),
            target_columns: Vec::new(),
            on_delete: "NO ACTION".to_owned(),
            on_update: "NO ACTION".to_owned(),
        });
        assert_eq!(
            differences(&user(), &other),
            [
                r#"table "user": column "email" has type INTEGER, expected TEXT"#,
                r#"table "user": column "email" is nullable, expected NOT NULL"#,
                r#"table "user": column "email_verified" has no default, expected DEFAULT false"#,
                r#"table "user": missing column "image" (TEXT nullable)"#,
                r#"table "user": unexpected column "role" (TEXT nullable DEFAULT 'user')"#,
                r#"table "user": missing UNIQUE (email)"#,
                r#"table "user": unexpected foreign key (name) REFERENCES "other" ON DELETE NO ACTION ON UPDATE NO ACTION"#,
            ]
        );
    }

    #[test]
    fn foreign_key_actions_are_compared() {
        let session = expected::baseline().swap_remove(1);
        let mut other = session.clone();
        other.foreign_keys = other
            .foreign_keys
            .into_iter()
            .map(|fk| ForeignKey {
                on_delete: "SET NULL".to_owned(),
                on_update: "CASCADE".to_owned(),
                ..fk
            })
            .collect();
        assert_eq!(
            differences(&session, &other),
            [
                r#"table "session": foreign key (user_id) REFERENCES "user" (id) has ON DELETE SET NULL, expected ON DELETE CASCADE"#,
                r#"table "session": foreign key (user_id) REFERENCES "user" (id) has ON UPDATE CASCADE, expected ON UPDATE NO ACTION"#,
            ]
        );
    }
}
