//! The database as procedures see it: one small trait per table family, implemented
//! for PostgreSQL in `components/glue` (`todo_store`) and in memory for tests
//! ([`crate::testing`]). A later SQLite backend implements the same traits.

use schemars::JsonSchema;
use serde::Serialize;

/// What a store can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The input cannot be stored (a NUL character in text, which PostgreSQL's `text`
    /// cannot hold): the caller's mistake, answered `400 BAD_REQUEST` with this message.
    Unstorable(String),
    /// The database failed; the message is for logs, never for callers.
    Failed(String),
}

impl StoreError {
    /// A database failure with a message for the log.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::Failed(message.into())
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unstorable(message) | Self::Failed(message) => f.write_str(message),
        }
    }
}

/// `text` when a database can store it: PostgreSQL's `text` (and SQLite's, through
/// most drivers) cannot hold a NUL character.
///
/// # Errors
/// [`StoreError::Unstorable`] naming `field` when `text` holds a NUL character.
pub fn storable_text<'a>(field: &str, text: &'a str) -> Result<&'a str, StoreError> {
    if text.contains('\0') {
        return Err(StoreError::Unstorable(format!(
            "{field} cannot contain NUL characters (\\u0000)"
        )));
    }
    Ok(text)
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
    /// [`StoreError::Unstorable`] for text the database cannot hold
    /// ([`storable_text`]); otherwise when the database fails.
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
