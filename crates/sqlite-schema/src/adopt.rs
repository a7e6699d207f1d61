//! Adopting a database that Better-T-Stack already created (drizzle-kit's `db:push` of
//! the template's SQLite/Turso auth schema): it has Better Auth's four tables but no
//! ledger. When all four exist with the shape `0001` creates (see [`crate::expected`],
//! compared by `spinstack_migrations::differences`), `0001` is recorded as adopted
//! without touching any row; some tables missing or any shape difference is refused
//! with every difference listed.

use std::collections::BTreeSet;

use spinstack_migrations::differences;
use spinstack_sql::Connection;

use crate::{Migration, SchemaError, embedded, expected, shape};

/// What to do with the baseline migration when there is no ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Baseline {
    /// None of its tables exist: run it.
    Apply,
    /// All of its tables exist with the shape it creates: record it without running it.
    Adopt,
}

/// Whether `migration` is the embedded `0001`, the only one adoption knows the shape of.
pub(crate) fn is_baseline(migration: &Migration) -> bool {
    embedded().first() == Some(migration)
}

/// Decides between running and adopting `baseline`, or refuses with the reason;
/// `tables` are the database's tables, lowercased. Only reads.
pub(crate) fn inspect(
    conn: &(impl Connection + ?Sized),
    tables: &BTreeSet<String>,
    baseline: &Migration,
) -> Result<Baseline, SchemaError> {
    let present: Vec<&str> = expected::TABLES
        .into_iter()
        .filter(|t| tables.contains(*t))
        .collect();
    if present.is_empty() {
        return Ok(Baseline::Apply);
    }
    let mut found = Vec::new();
    for want in expected::baseline() {
        if tables.contains(&want.name) {
            let have = shape::read(conn, &want.name)?;
            found.extend(differences(&want, &have));
        } else {
            found.push(format!(
                "table {:?} is missing (found {})",
                want.name,
                present
                    .iter()
                    .map(|t| format!("{t:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if found.is_empty() {
        Ok(Baseline::Adopt)
    } else {
        Err(SchemaError::ShapeMismatch {
            baseline: baseline.id(),
            differences: found,
        })
    }
}

/// The comparison on SQLite shapes: which differences count, and how SQLite's indexes
/// and foreign keys are named in the refusal.
#[cfg(test)]
mod tests {
    use spinstack_migrations::{Column, ForeignKey};

    use super::*;
    use crate::shape::TableShape;

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
            email.data_type = "INTEGER".to_owned();
            email.not_null = false;
        }
        if let Some(verified) = other
            .columns
            .iter_mut()
            .find(|c| c.name == "email_verified")
        {
            verified.default = None;
        }
        other
            .columns
            .push(Column::new("role", "TEXT", false, Some("'user'")));
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
    fn indexes_are_named_by_kind_and_columns() {
        let index = |unique, partial| shape::Index {
            unique,
            partial,
            columns: vec!["a".to_owned(), "b".to_owned()],
        };
        assert_eq!(index(true, false).to_string(), "UNIQUE (a, b)");
        assert_eq!(index(false, false).to_string(), "INDEX (a, b)");
        assert_eq!(index(true, true).to_string(), "partial UNIQUE (a, b)");
    }
}
