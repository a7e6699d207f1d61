//! The database as procedures see it: one small trait per table family, implemented
//! for PostgreSQL in `components/glue` (`todo_store`) and in memory for tests
//! ([`crate::testing`]). A later SQLite backend implements the same traits.

use schemars::JsonSchema;
use serde::Serialize;

/// A database failure; the message is for logs, never for callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A row of the template's `todo` table (`T/examples/todo/.../schema/todo.ts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Todo {
    /// `serial` primary key.
    pub id: i32,
    /// What to do.
    pub text: String,
    /// Whether it is done.
    pub completed: bool,
}

/// The `todo` table.
pub trait TodoStore {
    /// Every row, by id.
    ///
    /// # Errors
    /// When the database fails.
    fn all(&self) -> Result<Vec<Todo>, StoreError>;

    /// Inserts a row (not completed); returns the rows inserted.
    ///
    /// # Errors
    /// When the database fails.
    fn insert(&self, text: &str) -> Result<u64, StoreError>;

    /// Sets `completed` on row `id`; returns the rows updated (0 when there is none).
    ///
    /// # Errors
    /// When the database fails.
    fn set_completed(&self, id: i32, completed: bool) -> Result<u64, StoreError>;

    /// Deletes row `id`; returns the rows deleted (0 when there is none).
    ///
    /// # Errors
    /// When the database fails.
    fn delete(&self, id: i32) -> Result<u64, StoreError>;
}
