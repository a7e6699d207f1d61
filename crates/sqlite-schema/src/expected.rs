//! The shape migration `0001_better_auth` creates, written down as data.
//!
//! Adoption must know it inside WebAssembly, where there is one connection to one
//! database and no scratch database to replay `0001` in. Replaying it under temporary
//! names inside the migration transaction would work only by rewriting its DDL (table
//! names, `REFERENCES` targets, index names — string surgery on SQL), and would make
//! even a refusal write into the user's database before rolling back. So the shape is
//! data here, and the unit test `expected_shape_is_what_0001_creates` applies the real
//! `0001` to a scratch database natively and checks that reading it back gives exactly
//! this data: the two cannot drift apart unnoticed.

use std::collections::BTreeSet;

use spinstack_migrations::{Column, ForeignKey};

use crate::shape::{Index, TableShape};

/// drizzle's timestamp default, as `pragma_table_info` reports it once normalized.
const NOW_MS: &str = "cast(unixepoch('subsecond') * 1000 as integer)";

/// The tables of `0001`, by name.
pub(crate) const TABLES: [&str; 4] = ["account", "session", "user", "verification"];

/// `id text PRIMARY KEY` as drizzle-kit 1.0 writes it: nullable (SQLite's legacy rule);
/// every table of `0001` has it as its primary key.
fn id() -> Column {
    Column::new("id", "TEXT", false, None)
}

fn text(name: &str, not_null: bool) -> Column {
    Column::new(name, "TEXT", not_null, None)
}

fn integer(name: &str, not_null: bool) -> Column {
    Column::new(name, "INTEGER", not_null, None)
}

fn now(name: &str) -> Column {
    Column::new(name, "INTEGER", true, Some(NOW_MS))
}

fn index(unique: bool, column: &str) -> Index {
    Index {
        unique,
        partial: false,
        columns: vec![column.to_owned()],
    }
}

/// `user_id` → `user(id)` ON DELETE CASCADE.
fn user_fk() -> ForeignKey {
    ForeignKey {
        columns: vec!["user_id".to_owned()],
        target: "user".to_owned(),
        target_columns: vec!["id".to_owned()],
        on_delete: "CASCADE".to_owned(),
        on_update: "NO ACTION".to_owned(),
    }
}

fn table(
    name: &str,
    columns: Vec<Column>,
    indexes: impl IntoIterator<Item = Index>,
    foreign_keys: impl IntoIterator<Item = ForeignKey>,
) -> TableShape {
    TableShape {
        name: name.to_owned(),
        columns,
        primary_key: vec!["id".to_owned()],
        indexes: indexes.into_iter().collect::<BTreeSet<_>>(),
        foreign_keys: foreign_keys.into_iter().collect::<BTreeSet<_>>(),
        other_constraints: Vec::new(),
    }
}

/// The four tables of `0001`, in [`TABLES`] order.
pub(crate) fn baseline() -> Vec<TableShape> {
    vec![
        table(
            "account",
            vec![
                id(),
                text("account_id", true),
                text("provider_id", true),
                text("user_id", true),
                text("access_token", false),
                text("refresh_token", false),
                text("id_token", false),
                integer("access_token_expires_at", false),
                integer("refresh_token_expires_at", false),
                text("scope", false),
                text("password", false),
                now("created_at"),
                integer("updated_at", true),
            ],
            // The primary key's automatic index, and account_userId_idx.
            [index(true, "id"), index(false, "user_id")],
            [user_fk()],
        ),
        table(
            "session",
            vec![
                id(),
                integer("expires_at", true),
                text("token", true),
                now("created_at"),
                integer("updated_at", true),
                text("ip_address", false),
                text("user_agent", false),
                text("user_id", true),
            ],
            [
                index(true, "id"),
                index(true, "token"),
                index(false, "user_id"),
            ],
            [user_fk()],
        ),
        table(
            "user",
            vec![
                id(),
                text("name", true),
                text("email", true),
                Column::new("email_verified", "INTEGER", true, Some("false")),
                text("image", false),
                now("created_at"),
                now("updated_at"),
            ],
            [index(true, "id"), index(true, "email")],
            [],
        ),
        table(
            "verification",
            vec![
                id(),
                text("identifier", true),
                text("value", true),
                integer("expires_at", true),
                now("created_at"),
                now("updated_at"),
            ],
            [index(true, "id"), index(false, "identifier")],
            [],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use spinstack_sql::{Connection as _, native::SqliteConnection};

    use super::*;
    use crate::{embedded, shape};

    #[test]
    fn expected_shape_is_what_0001_creates() -> Result<(), Box<dyn std::error::Error>> {
        let db = SqliteConnection::open(":memory:")?;
        for statement in embedded()[0].statements() {
            db.execute(statement.sql, &[])?;
        }
        let created = shape::tables(&db)?;
        assert_eq!(created, TABLES.iter().map(|t| (*t).to_owned()).collect());
        let expected = baseline();
        for (name, want) in TABLES.iter().zip(&expected) {
            assert_eq!(&shape::read(&db, name)?, want, "table {name}");
        }
        Ok(())
    }
}
