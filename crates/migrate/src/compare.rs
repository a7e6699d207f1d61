//! Comparing an existing table with the shape a migration creates, and saying how they
//! differ in words a person can act on.

use std::{collections::BTreeMap, fmt};

use crate::shape::{Column, ForeignKey, Index, TableShape};

/// Every difference between `actual` and `expected`, one line each, prefixed with the
/// table, e.g. `table "session": column "token" is nullable, expected NOT NULL`. Empty
/// when the shapes match; names of constraints and indexes never count, nor column order.
pub(crate) fn differences(expected: &TableShape, actual: &TableShape) -> Vec<String> {
    let mut out = Vec::new();
    let mut say = |text: String| out.push(format!("table {:?}: {text}", expected.name));

    let actual_columns: BTreeMap<&str, &Column> = actual
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c))
        .collect();
    for want in &expected.columns {
        let Some(have) = actual_columns.get(want.name.as_str()) else {
            say(format!(
                "missing column {:?} ({})",
                want.name,
                describe_column(want)
            ));
            continue;
        };
        if have.data_type != want.data_type {
            say(format!(
                "column {:?} has type {}, expected {}",
                want.name, have.data_type, want.data_type
            ));
        }
        if have.not_null != want.not_null {
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
                describe_column(have)
            ));
        }
    }

    match (&actual.primary_key, &expected.primary_key) {
        (have, want) if have == want => {}
        (None, Some(want)) => say(format!(
            "has no primary key, expected PRIMARY KEY ({})",
            want.join(", ")
        )),
        (Some(have), None) => say(format!(
            "has PRIMARY KEY ({}), expected none",
            have.join(", ")
        )),
        (Some(have), Some(want)) => say(format!(
            "has PRIMARY KEY ({}), expected PRIMARY KEY ({})",
            have.join(", "),
            want.join(", ")
        )),
        (None, None) => {}
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

    for check in expected
        .other_constraints
        .difference(&actual.other_constraints)
    {
        say(format!("missing constraint {check}"));
    }
    for check in actual
        .other_constraints
        .difference(&expected.other_constraints)
    {
        say(format!("unexpected constraint {check}"));
    }
    out
}

fn nullability(not_null: bool) -> &'static str {
    if not_null { "NOT NULL" } else { "nullable" }
}

fn default(default: Option<&str>) -> String {
    default.map_or_else(|| "no default".to_owned(), |d| format!("DEFAULT {d}"))
}

fn describe_column(column: &Column) -> String {
    let mut text = format!("{} {}", column.data_type, nullability(column.not_null));
    if let Some(d) = &column.default {
        text.push_str(&format!(" DEFAULT {d}"));
    }
    text
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.keys.join(", ");
        if self.unique && self.method == "btree" && self.predicate.is_none() {
            // What a UNIQUE constraint creates.
            return write!(f, "UNIQUE ({keys})");
        }
        let unique = if self.unique { "unique " } else { "" };
        write!(f, "{unique}index USING {} ({keys})", self.method)?;
        if let Some(predicate) = &self.predicate {
            write!(f, " WHERE {predicate}")?;
        }
        Ok(())
    }
}

/// Displays a foreign key in SQL-like words.
struct Fk<'a>(&'a ForeignKey);

impl Fk<'_> {
    fn connection(&self) -> String {
        format!(
            "foreign key ({}) REFERENCES {:?} ({})",
            self.0.columns.join(", "),
            self.0.target,
            self.0.target_columns.join(", ")
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

    fn session() -> TableShape {
        let col = |name: &str, data_type: &str, not_null: bool, default: Option<&str>| Column {
            name: name.to_owned(),
            data_type: data_type.to_owned(),
            not_null,
            default: default.map(str::to_owned),
        };
        TableShape {
            name: "session".to_owned(),
            columns: vec![
                col("id", "text", true, None),
                col("token", "text", true, None),
                col(
                    "created_at",
                    "timestamp without time zone",
                    true,
                    Some("now()"),
                ),
                col("user_id", "text", true, None),
            ],
            primary_key: Some(vec!["id".to_owned()]),
            indexes: [
                Index {
                    unique: true,
                    method: "btree".to_owned(),
                    keys: vec!["token".to_owned()],
                    predicate: None,
                },
                Index {
                    unique: false,
                    method: "btree".to_owned(),
                    keys: vec!["user_id".to_owned()],
                    predicate: None,
                },
            ]
            .into(),
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
    fn same_shape_has_no_differences() {
        assert!(differences(&session(), &session()).is_empty());
    }

    #[test]
    fn column_order_does_not_count() {
        let mut actual = session();
        actual.columns.reverse();
        assert!(differences(&session(), &actual).is_empty());
    }

    #[test]
    fn each_difference_is_named() {
        let mut actual = session();
        actual.columns[1].not_null = false;
        actual.columns[2].default = None;
        actual.columns[3].data_type = "integer".to_owned();
        actual.columns.remove(0);
        actual.columns.push(Column {
            name: "extra".to_owned(),
            data_type: "text".to_owned(),
            not_null: false,
            default: None,
        });
        actual.primary_key = None;
        actual.indexes.retain(|i| !i.unique);
        actual.foreign_keys = actual
            .foreign_keys
            .into_iter()
            .map(|fk| ForeignKey {
                on_delete: "NO ACTION".to_owned(),
                ..fk
            })
            .collect();
        actual.other_constraints.insert("CHECK (true)".to_owned());
        assert_eq!(
            differences(&session(), &actual),
            [
                r#"table "session": missing column "id" (text NOT NULL)"#,
                r#"table "session": column "token" is nullable, expected NOT NULL"#,
                r#"table "session": column "created_at" has no default, expected DEFAULT now()"#,
                r#"table "session": column "user_id" has type integer, expected text"#,
                r#"table "session": unexpected column "extra" (text nullable)"#,
                r#"table "session": has no primary key, expected PRIMARY KEY (id)"#,
                r#"table "session": missing UNIQUE (token)"#,
                r#"table "session": foreign key (user_id) REFERENCES "user" (id) has ON DELETE NO ACTION, expected ON DELETE CASCADE"#,
                r#"table "session": unexpected constraint CHECK (true)"#,
            ]
        );
    }

    #[test]
    fn missing_and_unexpected_foreign_keys_and_indexes() {
        let mut actual = session();
        actual.foreign_keys.clear();
        actual.indexes = [Index {
            unique: false,
            method: "hash".to_owned(),
            keys: vec!["user_id".to_owned()],
            predicate: Some("(user_id IS NOT NULL)".to_owned()),
        }]
        .into();
        let diffs = differences(&session(), &actual);
        assert_eq!(
            diffs,
            [
                r#"table "session": missing index USING btree (user_id)"#,
                r#"table "session": missing UNIQUE (token)"#,
                r#"table "session": unexpected index USING hash (user_id) WHERE (user_id IS NOT NULL)"#,
                r#"table "session": missing foreign key (user_id) REFERENCES "user" (id) ON DELETE CASCADE ON UPDATE NO ACTION"#,
            ]
        );
    }
}
