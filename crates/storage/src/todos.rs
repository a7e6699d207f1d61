//! [`TodoStore`]: the template's `todo` table (PostgreSQL `serial`/`boolean`, SQLite
//! `integer primary key autoincrement`/0-1).
//!
//! The listing and the insert are the API components' PostgreSQL statements, verbatim.
//! The update and the delete must report how many rows they changed, which the seam's
//! `execute` does not: they return the changed row's id instead (PostgreSQL through a
//! one-row `LEFT JOIN` on a data-modifying CTE, the one-row rule; SQLite through
//! `RETURNING id`), counted by [`changed`]. An `INSERT … VALUES` of one row that
//! succeeds inserts exactly one row. Text with a NUL character is refused before any
//! statement ([`storable_text`]), on both backends alike.

use spinstack_api::store::{StoreError, Todo, TodoStore, storable_text};
use spinstack_sql::{Connection, Dialect, Param, Row, SqlError};

use crate::{Store, changed, error::message};

/// The statements of one dialect. Parameters and columns are the same in both.
struct Statements {
    /// → `id, text, completed` by id; one all-NULL row when the table is empty.
    all: &'static str,
    /// `$1` text.
    insert: &'static str,
    /// `$1` completed, `$2` id → the id of the row changed ([`changed`]).
    set_completed: &'static str,
    /// `$1` id → the id of the row deleted ([`changed`]).
    delete: &'static str,
}

const POSTGRES: Statements = Statements {
    all: postgres::ALL,
    insert: postgres::INSERT,
    set_completed: postgres::SET_COMPLETED,
    delete: postgres::DELETE,
};

const SQLITE: Statements = Statements {
    all: sqlite::ALL,
    insert: sqlite::INSERT,
    set_completed: sqlite::SET_COMPLETED,
    delete: sqlite::DELETE,
};

fn statements(dialect: Dialect) -> &'static Statements {
    match dialect {
        Dialect::Postgres => &POSTGRES,
        Dialect::Sqlite => &SQLITE,
    }
}

/// PostgreSQL: every query returns at least one row (DESIGN.md).
mod postgres {
    /// Every row by id; one all-NULL row when the table is empty.
    pub(super) const ALL: &str = "SELECT t.id, t.text, t.completed
FROM (SELECT 1) AS one
LEFT JOIN todo AS t ON true
ORDER BY t.id";

    pub(super) const INSERT: &str = "INSERT INTO todo (text) VALUES ($1)";

    /// `UPDATE todo SET completed = $1 WHERE id = $2`, reporting the row it changed.
    pub(super) const SET_COMPLETED: &str = "WITH updated AS (
    UPDATE todo SET completed = $1 WHERE id = $2
    RETURNING id
)
SELECT u.id FROM (SELECT 1) AS one LEFT JOIN updated AS u ON true";

    /// `DELETE FROM todo WHERE id = $1`, reporting the row it deleted.
    pub(super) const DELETE: &str = "WITH deleted AS (
    DELETE FROM todo WHERE id = $1
    RETURNING id
)
SELECT d.id FROM (SELECT 1) AS one LEFT JOIN deleted AS d ON true";
}

/// SQLite: `?N` parameters; the writes report their row with `RETURNING`.
mod sqlite {
    pub(super) const ALL: &str = "SELECT t.id, t.text, t.completed
FROM (SELECT 1) AS one
LEFT JOIN todo AS t ON true
ORDER BY t.id";

    pub(super) const INSERT: &str = "INSERT INTO todo (text) VALUES (?1)";

    pub(super) const SET_COMPLETED: &str =
        "UPDATE todo SET completed = ?1 WHERE id = ?2 RETURNING id";

    pub(super) const DELETE: &str = "DELETE FROM todo WHERE id = ?1 RETURNING id";
}

/// A `todo` row; `None` for the all-NULL row.
fn todo(row: &Row) -> Result<Option<Todo>, SqlError> {
    if row.is_null(0)? {
        return Ok(None);
    }
    Ok(Some(Todo {
        id: row.i32(0)?,
        text: row.text(1)?,
        completed: row.bool(2)?,
    }))
}

fn failed(context: &'static str) -> impl Fn(SqlError) -> StoreError {
    move |e| StoreError::Failed(message(context)(e))
}

impl<C: Connection> TodoStore for Store<C> {
    fn all(&self) -> Result<Vec<Todo>, StoreError> {
        let rows = self
            .connection
            .query(statements(self.dialect()).all, &[])
            .map_err(failed("listing todos"))?;
        let mut todos = Vec::with_capacity(rows.len());
        for row in &rows {
            todos.extend(todo(row).map_err(failed("decoding a todo"))?);
        }
        Ok(todos)
    }

    fn insert(&self, text: &str) -> Result<u64, StoreError> {
        let text = storable_text("text", text)?;
        self.connection
            .execute(statements(self.dialect()).insert, &[Param::text(text)])
            .map_err(failed("inserting a todo"))?;
        Ok(1)
    }

    fn set_completed(&self, id: i32, completed: bool) -> Result<u64, StoreError> {
        self.connection
            .query(
                statements(self.dialect()).set_completed,
                &[Param::Bool(completed), Param::I32(id)],
            )
            .and_then(|rows| changed(&rows))
            .map_err(failed("updating a todo"))
    }

    fn delete(&self, id: i32) -> Result<u64, StoreError> {
        self.connection
            .query(statements(self.dialect()).delete, &[Param::I32(id)])
            .and_then(|rows| changed(&rows))
            .map_err(failed("deleting a todo"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_take_the_same_parameters() {
        for (pg, lite) in [
            (POSTGRES.all, SQLITE.all),
            (POSTGRES.insert, SQLITE.insert),
            (POSTGRES.set_completed, SQLITE.set_completed),
            (POSTGRES.delete, SQLITE.delete),
        ] {
            crate::test_support::same_parameters(pg, lite);
        }
    }
}
