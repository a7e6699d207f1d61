//! The seam between spinstack's SQL and the host that runs it. The stores
//! (`spinstack-storage`) and the SQLite schema (`spinstack-sqlite-schema`) speak to a
//! [`Connection`]: a [`Dialect`], `query` and `execute` with positional [`Param`]s, and
//! rows of [`Cell`]s. The components bind Spin's host calls (`spin:postgres` through
//! the SDK's `pg3`, Spin's SQLite through `sqlite`) to it in a page of code each, so no
//! store is written twice and every store can be tested natively
//! ([`native`] over rusqlite and the `postgres` client).
//!
//! Values at the boundary: timestamps are milliseconds since the Unix epoch (UTC) —
//! PostgreSQL `timestamp` columns and SQLite `integer` columns alike; booleans are
//! PostgreSQL `boolean` or SQLite `0`/`1`. The row accessors accept both forms, so
//! decoding code is dialect-free.

#![forbid(unsafe_code)]

pub mod native;
mod row;
mod transaction;

pub use row::{Cell, Row};
pub use transaction::in_transaction;

use thiserror::Error;

/// Which SQL the statements must be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// PostgreSQL through Spin's outbound PostgreSQL: `$1` parameters; every query
    /// must return at least one row (Spin 4.0.0–4.0.2 hang on empty results).
    Postgres,
    /// SQLite through Spin's SQLite: `?1` parameters; one statement per call.
    Sqlite,
}

/// A statement parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// SQL `NULL`.
    Null,
    /// Text.
    Text(String),
    /// A 32-bit integer (PostgreSQL `int4`).
    I32(i32),
    /// A 64-bit integer (PostgreSQL `int8`).
    I64(i64),
    /// A boolean (PostgreSQL `boolean`; SQLite `0`/`1`).
    Bool(bool),
    /// A timestamp in milliseconds since the Unix epoch, UTC (PostgreSQL `timestamp`;
    /// SQLite `integer`).
    Millis(i64),
}

impl Param {
    /// A text parameter.
    pub fn text(value: &str) -> Self {
        Self::Text(value.to_owned())
    }

    /// A nullable text parameter.
    pub fn opt_text(value: Option<&str>) -> Self {
        value.map_or(Self::Null, Self::text)
    }
}

/// Why a statement failed. Messages are for logs, never for clients.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SqlError {
    /// The host refused the database: a PostgreSQL host missing from
    /// `allowed_outbound_hosts`, or a SQLite label missing from `sqlite_databases`.
    /// A configuration problem: the message says what to set.
    #[error("database access denied: {0}")]
    Denied(String),
    /// The database could not be reached or opened.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The statement failed (syntax, constraint, lock, connection lost…).
    #[error("statement failed: {0}")]
    Statement(String),
    /// A row had a value of an unexpected type or shape.
    #[error("unexpected value: {0}")]
    Decode(String),
}

/// One database connection of a request, as the stores use it.
pub trait Connection {
    /// The SQL the connection speaks.
    fn dialect(&self) -> Dialect;

    /// Runs one statement that returns rows.
    ///
    /// # Errors
    /// When the database refuses or fails the statement.
    fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError>;

    /// Runs one statement for its effect.
    ///
    /// # Errors
    /// When the database refuses or fails the statement.
    fn execute(&self, sql: &str, params: &[Param]) -> Result<(), SqlError>;
}

impl<C: Connection + ?Sized> Connection for &C {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }

    fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError> {
        (**self).query(sql, params)
    }

    fn execute(&self, sql: &str, params: &[Param]) -> Result<(), SqlError> {
        (**self).execute(sql, params)
    }
}
