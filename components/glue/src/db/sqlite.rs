//! The SQLite half of [`super`] (the `sqlite` feature): Spin's SQLite
//! (`fermyon:spin/sqlite@2.0.0`) through the SDK's `sqlite`, and the schema
//! self-migration of `spinstack-sqlite-schema`. Without the feature nothing here is
//! compiled, so the component imports no SQLite interface (`spin.pg.toml`).

use std::cell::Cell as Flag;

use spin_sdk::sqlite;
use spinstack_sql::{Cell, Connection, Dialect, Param, Row, SqlError};

use super::{Db, Transaction};

/// What a [`Db`] owes the SQLite schema.
pub(super) struct SchemaCheck {
    /// Whether this instance has checked the SQLite schema (always true on PostgreSQL,
    /// which `spinstack-migrate` migrates ahead of time).
    checked: Flag<bool>,
    /// Check the schema at the first use (else: before a transaction or after a failure).
    check_first: bool,
}

impl SchemaCheck {
    pub(super) fn new(check_first: bool) -> Self {
        Self {
            checked: Flag::new(false),
            check_first,
        }
    }
}

impl Db {
    /// Opens Spin's SQLite database `label`, checking its schema first when this
    /// [`Db`] should.
    pub(super) fn open_sqlite(&self, label: &str) -> Result<SqliteConnection, SqlError> {
        let connection =
            SqliteConnection(sqlite::Connection::open(label).map_err(|e| sqlite_error(e, label))?);
        if self.schema.check_first {
            self.check_schema(&connection)?;
        }
        Ok(connection)
    }

    /// Brings the SQLite schema up to date; whether it migrated anything. Instances
    /// racing the first migration wait for each other on SQLite's lock; one that still
    /// finds it busy after the busy timeout tries again.
    fn check_schema(&self, connection: &SqliteConnection) -> Result<bool, SqlError> {
        self.schema.checked.set(true);
        let mut outcome = spinstack_sqlite_schema::ensure_migrated(connection);
        for _ in 0..BUSY_RETRIES {
            match &outcome {
                Err(e) if is_busy_text(&e.to_string()) => {
                    outcome = spinstack_sqlite_schema::ensure_migrated(connection);
                }
                _ => break,
            }
        }
        match outcome {
            Ok(spinstack_sqlite_schema::Status::UpToDate) => Ok(false),
            Ok(spinstack_sqlite_schema::Status::Migrated(_)) => Ok(true),
            Err(e) if e.is_configuration() => Err(SqlError::Denied(e.to_string())),
            Err(e) => Err(SqlError::Statement(format!(
                "migrating the SQLite database: {e}"
            ))),
        }
    }

    /// Runs a statement on SQLite with the schema checks this [`Db`] owes.
    pub(super) fn on_sqlite<T>(
        &self,
        connection: &SqliteConnection,
        sql: &str,
        run: impl Fn() -> Result<T, SqlError>,
    ) -> Result<T, SqlError> {
        let keyword = Transaction::of(sql);
        if !self.schema.checked.get() && keyword == Transaction::Begins {
            self.check_schema(connection)?;
        }
        let run = || {
            let mut result = run();
            // Outside a transaction a statement that found the database busy for the
            // whole busy timeout can simply run again (SQLite skips the busy handler
            // where waiting could deadlock); inside one, the store rolls back instead.
            for _ in 0..BUSY_RETRIES {
                match &result {
                    Err(e) if is_busy(e) && !self.in_transaction.get() => result = run(),
                    _ => break,
                }
            }
            result
        };
        let result = match run() {
            Err(failed @ SqlError::Statement(_))
                if !self.schema.checked.get() && !self.in_transaction.get() =>
            {
                // Perhaps the schema is behind (a first run, a new version): bring it
                // up to date and try once more, or report the statement's own error.
                if self.check_schema(connection)? {
                    run()
                } else {
                    Err(failed)
                }
            }
            other => other,
        };
        if result.is_ok() {
            self.track_transaction(keyword);
        }
        result
    }
}

/// How often a statement or schema check that found SQLite busy runs again.
const BUSY_RETRIES: usize = 3;

/// Whether SQLite reported its lock as busy. Spin only gives the message text
/// (`io("database is locked")`), so this reads it: the one place the app does.
fn is_busy(error: &SqlError) -> bool {
    matches!(error, SqlError::Statement(message) if is_busy_text(message))
}

fn is_busy_text(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

/// Spin's SQLite connection as a [`Connection`].
pub struct SqliteConnection(sqlite::Connection);

fn sqlite_error(error: sqlite::Error, label: &str) -> SqlError {
    match error {
        sqlite::Error::AccessDenied => SqlError::Denied(format!(
            "the component may not open SQLite database `{label}`: list it in `sqlite_databases` in spin.toml"
        )),
        sqlite::Error::NoSuchDatabase => SqlError::Denied(format!(
            "SQLite database `{label}` is not defined in the runtime configuration"
        )),
        sqlite::Error::InvalidConnection => {
            SqlError::Unavailable(format!("SQLite database `{label}` could not be opened"))
        }
        sqlite::Error::DatabaseFull => SqlError::Statement("the database is full".to_owned()),
        sqlite::Error::Io(message) => SqlError::Statement(message),
    }
}

fn sqlite_value(param: &Param) -> sqlite::Value {
    match param {
        Param::Null => sqlite::Value::Null,
        Param::Text(text) => sqlite::Value::Text(text.clone()),
        Param::I32(n) => sqlite::Value::Integer(i64::from(*n)),
        Param::I64(n) | Param::Millis(n) => sqlite::Value::Integer(*n),
        Param::Bool(b) => sqlite::Value::Integer(i64::from(*b)),
    }
}

impl Connection for SqliteConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError> {
        let values: Vec<sqlite::Value> = params.iter().map(sqlite_value).collect();
        let result = self
            .0
            .execute(sql, &values)
            .map_err(|e| sqlite_error(e, "default"))?;
        Ok(result
            .rows
            .into_iter()
            .map(|row| {
                Row(row
                    .values
                    .into_iter()
                    .map(|value| match value {
                        sqlite::Value::Null => Cell::Null,
                        sqlite::Value::Integer(n) => Cell::Int(n),
                        sqlite::Value::Real(x) => Cell::Real(x),
                        sqlite::Value::Text(text) => Cell::Text(text),
                        sqlite::Value::Blob(_) => Cell::Other("blob".to_owned()),
                    })
                    .collect())
            })
            .collect())
    }

    fn execute(&self, sql: &str, params: &[Param]) -> Result<(), SqlError> {
        self.query(sql, params).map(drop)
    }
}
