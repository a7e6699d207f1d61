//! The request's database connection: `database_url` chooses the backend
//! ([`spinstack_config::Config::database`]) and this module binds Spin's host calls for
//! it — `spin:postgres@3.0.0` through the SDK's `pg3`, or Spin's SQLite
//! (`fermyon:spin/sqlite@2.0.0`, the interface every Spin 2.x–4.x host links) through
//! the SDK's `sqlite` — to [`spinstack_sql::Connection`], which the stores of
//! `spinstack-storage` speak. Nothing is opened until the first statement, so a request
//! that never touches the database costs no round trip.
//!
//! On SQLite the schema must be brought up to date before it is used
//! (`spinstack-sqlite-schema`: one local query when it already is). The HTTP components
//! check it at their first database use ([`Db::from_config`]). The `session` library,
//! which runs in its own instance inside the same request, checks it only when it must
//! ([`Db::checking_schema_on_failure`]): before it opens a transaction, or when a
//! statement outside one fails — then it migrates if behind and runs the statement
//! again. So a session lookup costs one statement, and a request at most one check.
//!
//! On PostgreSQL a statement can fail because the connection was lost (the server
//! restarted, the network cut it): Spin's host then reports `query-failed` with the
//! driver's text, `Error { kind: Closed, … }` or `Error { kind: Io, … }` (tokio-postgres'
//! `Debug`, which Spin passes on; see [`is_connection_lost`]). Outside a transaction
//! the [`Db`] then forgets that connection, so its next statement opens a new one —
//! Spin's pool discards the dead client and hands out a live one — instead of failing
//! on the dead one for the rest of the request. The failed statement itself is never
//! run again: whether it committed before the connection was lost is the caller's to
//! find out (sign-up does, in `spinstack-storage`). Inside a transaction the dead
//! connection is kept until the transaction ends (its `COMMIT` or `ROLLBACK` fails too),
//! so no statement of it runs on another connection, outside the transaction. None of
//! this costs the happy path a round trip.
//!
//! SQLite is the `sqlite` feature (on by default; its half lives in [`sqlite`]). Without
//! it the component imports no SQLite interface, for hosts that have none (Fermyon Wasm
//! Functions; `spin.pg.toml`), and an empty `database_url` is a configuration error
//! naming the variable.

#[cfg(feature = "sqlite")]
mod sqlite;

use std::cell::{Cell as Flag, RefCell};
use std::rc::Rc;

use spin_sdk::pg3;
use spinstack_config::{Config, Database};
use spinstack_sql::{Cell, Connection, Dialect, Param, Row, SqlError};

#[cfg(feature = "sqlite")]
pub use sqlite::SqliteConnection;

/// What an empty `database_url` means in a build without the `sqlite` feature.
#[cfg(not(feature = "sqlite"))]
const NO_SQLITE: &str = "Spin variable `database_url` is empty, but this build has no SQLite (built without the `sqlite` feature, as spin.pg.toml does): set database_url to a postgres:// URL";

/// One lazily opened connection to the app's database (opened again after a lost
/// PostgreSQL connection, see the module documentation).
pub struct Db {
    backend: Result<Database, String>,
    /// The open connection; `None` until the first statement, or after a lost one.
    opened: RefCell<Option<Rc<Opened>>>,
    /// The SQLite schema checks this instance owes.
    #[cfg(feature = "sqlite")]
    schema: sqlite::SchemaCheck,
    /// A transaction is open on the connection (a failure inside it cannot be retried,
    /// and a lost connection is not replaced until it ends).
    in_transaction: Flag<bool>,
}

enum Opened {
    Postgres(pg3::Connection),
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteConnection),
}

impl Db {
    /// The database `database_url` names (a configuration error is reported by the
    /// first statement).
    pub fn from_config() -> Self {
        Self::new(true)
    }

    /// The same, checking the SQLite schema only before a transaction or after a failed
    /// statement (the `session` component, whose caller has usually checked it in this
    /// request already).
    pub fn checking_schema_on_failure() -> Self {
        Self::new(false)
    }

    #[cfg_attr(
        not(feature = "sqlite"),
        expect(unused_variables, reason = "only SQLite checks a schema")
    )]
    fn new(check_first: bool) -> Self {
        let backend = Config::new(&crate::variable)
            .database()
            .map_err(|e| e.to_string());
        Self {
            backend,
            opened: RefCell::new(None),
            #[cfg(feature = "sqlite")]
            schema: sqlite::SchemaCheck::new(check_first),
            in_transaction: Flag::new(false),
        }
    }

    /// Notes a transaction opened or closed by a statement that succeeded.
    fn track_transaction(&self, keyword: Transaction) {
        match keyword {
            Transaction::Begins => self.in_transaction.set(true),
            Transaction::Ends => self.in_transaction.set(false),
            Transaction::Neither => {}
        }
    }

    /// Runs a statement on PostgreSQL, forgetting the connection when the statement
    /// lost it outside a transaction (or at its end), so the next statement opens a
    /// new one.
    fn on_postgres<T>(
        &self,
        sql: &str,
        run: impl FnOnce() -> Result<T, pg3::PgError>,
    ) -> Result<T, SqlError> {
        let keyword = Transaction::of(sql);
        let result = run();
        match &result {
            Ok(_) => self.track_transaction(keyword),
            Err(error) if is_connection_lost(error) => {
                if !self.in_transaction.get() || keyword == Transaction::Ends {
                    self.in_transaction.set(false);
                    self.opened.replace(None);
                }
            }
            Err(_) => {}
        }
        result.map_err(postgres_error)
    }

    /// The open connection, opening it first if there is none.
    fn opened(&self) -> Result<Rc<Opened>, SqlError> {
        if let Some(opened) = self.opened.borrow().as_ref() {
            return Ok(Rc::clone(opened));
        }
        let opened = match &self.backend {
            Err(message) => return Err(SqlError::Denied(message.clone())),
            Ok(Database::Postgres(url)) => Opened::Postgres(
                pg3::Connection::open(&loopback_without_tls(url)).map_err(postgres_error)?,
            ),
            #[cfg(feature = "sqlite")]
            Ok(Database::Sqlite(label)) => Opened::Sqlite(self.open_sqlite(label)?),
            #[cfg(not(feature = "sqlite"))]
            Ok(Database::Sqlite(_)) => return Err(SqlError::Denied(NO_SQLITE.to_owned())),
        };
        let opened = Rc::new(opened);
        self.opened.replace(Some(Rc::clone(&opened)));
        Ok(opened)
    }
}

impl Connection for Db {
    fn dialect(&self) -> Dialect {
        match self.backend {
            Ok(Database::Postgres(_)) => Dialect::Postgres,
            Ok(Database::Sqlite(_)) | Err(_) => Dialect::Sqlite,
        }
    }

    fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError> {
        match &*self.opened()? {
            Opened::Postgres(connection) => {
                let rows =
                    self.on_postgres(sql, || connection.query(sql, &postgres_params(params)))?;
                postgres_rows(&rows.rows)
            }
            #[cfg(feature = "sqlite")]
            Opened::Sqlite(connection) => {
                self.on_sqlite(connection, sql, || connection.query(sql, params))
            }
        }
    }

    fn execute(&self, sql: &str, params: &[Param]) -> Result<(), SqlError> {
        match &*self.opened()? {
            Opened::Postgres(connection) => self
                .on_postgres(sql, || connection.execute(sql, &postgres_params(params)))
                .map(drop),
            #[cfg(feature = "sqlite")]
            Opened::Sqlite(connection) => {
                self.on_sqlite(connection, sql, || connection.execute(sql, params))
            }
        }
    }
}

/// A loopback database needs no TLS, and Spin's client would reject a local server's
/// self-signed certificate: unless the URL says otherwise, connect to `localhost` and
/// `127.0.0.1` with `sslmode=disable`, so the URL `spinstack-migrate` accepts works
/// here unchanged.
fn loopback_without_tls(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = host_port
        .rsplit_once(':')
        .map_or(host_port, |(host, _)| host);
    let loopback = matches!(host, "localhost" | "127.0.0.1");
    if !loopback || url.contains("sslmode=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}sslmode=disable")
}

/// What a statement does to a transaction, read from its first word (`BEGIN`, or
/// `COMMIT`, `ROLLBACK`, `END`, in any case, however short the statement), without
/// allocating: every statement of a request passes here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transaction {
    Begins,
    Ends,
    Neither,
}

impl Transaction {
    fn of(sql: &str) -> Self {
        let word = sql
            .trim_start()
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or_default();
        let is = |keyword: &str| word.eq_ignore_ascii_case(keyword);
        if is("BEGIN") {
            Self::Begins
        } else if is("COMMIT") || is("ROLLBACK") || is("END") {
            Self::Ends
        } else {
            Self::Neither
        }
    }
}

/// Whether a PostgreSQL statement failed because the connection is gone, not because
/// the server refused the statement. Spin's host reports a lost connection as
/// `query-failed` carrying tokio-postgres' `Debug` text (`Error { kind: Closed, cause:
/// None }` when the connection task has ended, `Error { kind: Io, … }` for a socket
/// error), so this reads the start of the text — never the middle, where a server's
/// error message could say anything. The `Display` forms are accepted too, and
/// `connection-failed`, which a host may report for a connection that broke.
fn is_connection_lost(error: &pg3::PgError) -> bool {
    match error {
        pg3::PgError::ConnectionFailed(message) => !message.contains("not permitted"),
        pg3::PgError::QueryFailed(message) | pg3::PgError::Other(message) => {
            let message = message.trim_start();
            [
                "Error { kind: Closed",
                "Error { kind: Io",
                "connection closed",
                "error communicating with the server",
            ]
            .iter()
            .any(|start| message.starts_with(start))
        }
        pg3::PgError::BadParameter(_) | pg3::PgError::ValueConversionFailed(_) => false,
    }
}

fn postgres_error(error: pg3::PgError) -> SqlError {
    match error {
        pg3::PgError::ConnectionFailed(message) if message.contains("not permitted") => {
            SqlError::Denied(
                "the PostgreSQL host of `database_url` is not allowed: set the Spin variables `db_host` and `db_port` to the host and port written in `database_url`".to_owned(),
            )
        }
        pg3::PgError::ConnectionFailed(message) => SqlError::Unavailable(message),
        pg3::PgError::BadParameter(message)
        | pg3::PgError::QueryFailed(message)
        | pg3::PgError::ValueConversionFailed(message)
        | pg3::PgError::Other(message) => SqlError::Statement(message),
    }
}

fn postgres_params(params: &[Param]) -> Vec<pg3::ParameterValue> {
    params
        .iter()
        .map(|param| match param {
            Param::Null => pg3::ParameterValue::DbNull,
            Param::Text(text) => pg3::ParameterValue::Str(text.clone()),
            Param::I32(n) => pg3::ParameterValue::Int32(*n),
            Param::I64(n) => pg3::ParameterValue::Int64(*n),
            Param::Bool(b) => pg3::ParameterValue::Boolean(*b),
            Param::Millis(ms) => chrono::DateTime::from_timestamp_millis(*ms)
                .map_or(pg3::ParameterValue::DbNull, |t| t.naive_utc().into()),
        })
        .collect()
}

fn postgres_rows(rows: &[pg3::Row]) -> Result<Vec<Row>, SqlError> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(postgres_cell)
                .collect::<Result<Vec<_>, _>>()
                .map(Row)
        })
        .collect()
}

fn postgres_cell(value: &pg3::DbValue) -> Result<Cell, SqlError> {
    use pg3::{DbValue, Decode};
    Ok(match value {
        DbValue::DbNull => Cell::Null,
        DbValue::Boolean(b) => Cell::Bool(*b),
        DbValue::Int8(n) => Cell::Int(i64::from(*n)),
        DbValue::Int16(n) => Cell::Int(i64::from(*n)),
        DbValue::Int32(n) => Cell::Int(i64::from(*n)),
        DbValue::Int64(n) => Cell::Int(*n),
        DbValue::Floating32(x) => Cell::Real(f64::from(*x)),
        DbValue::Floating64(x) => Cell::Real(*x),
        DbValue::Str(text) => Cell::Text(text.clone()),
        DbValue::Datetime(_) => Cell::Millis(
            chrono::NaiveDateTime::decode(value)
                .map_err(|e| SqlError::Decode(e.to_string()))?
                .and_utc()
                .timestamp_millis(),
        ),
        other => Cell::Other(format!("{other:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_connections_are_told_from_refused_statements() {
        let query_failed = |text: &str| pg3::PgError::QueryFailed(text.to_owned());
        for lost in [
            query_failed("Error { kind: Closed, cause: None }"),
            query_failed(
                r#"Error { kind: Io, cause: Some(Os { code: 104, kind: ConnectionReset, message: "Connection reset by peer" }) }"#,
            ),
            query_failed("connection closed"),
            pg3::PgError::Other("error communicating with the server".to_owned()),
            pg3::PgError::ConnectionFailed("Error { kind: Closed, cause: None }".to_owned()),
        ] {
            assert!(is_connection_lost(&lost), "{lost:?}");
        }
        for refused in [
            query_failed(
                r#"Error { kind: Db, cause: Some(DbError { severity: "ERROR", code: SqlState(E23505), message: "duplicate key value violates unique constraint \"session_token_key\"" }) }"#,
            ),
            // A server's message that mentions a lost connection is still its refusal.
            query_failed(
                r#"Error { kind: Db, cause: Some(DbError { message: "Error { kind: Closed, cause: None }" }) }"#,
            ),
            query_failed("spin-test-runtime: query returned zero rows"),
            pg3::PgError::ConnectionFailed(
                "address postgres://db:5432 is not permitted".to_owned(),
            ),
            pg3::PgError::BadParameter("connection closed".to_owned()),
            pg3::PgError::ValueConversionFailed("connection closed".to_owned()),
        ] {
            assert!(!is_connection_lost(&refused), "{refused:?}");
        }
    }

    #[test]
    fn transaction_keywords() {
        assert_eq!(Transaction::of("  begin immediate"), Transaction::Begins);
        assert_eq!(Transaction::of("BEGIN"), Transaction::Begins);
        assert_eq!(Transaction::of("END"), Transaction::Ends);
        // Shorter than eight characters: once read as no keyword at all.
        assert_eq!(Transaction::of("COMMIT"), Transaction::Ends);
        assert_eq!(Transaction::of("commit;"), Transaction::Ends);
        assert_eq!(Transaction::of("ROLLBACK"), Transaction::Ends);
        assert_eq!(Transaction::of("INSERT INTO session"), Transaction::Neither);
        assert_eq!(Transaction::of("BEGINNING"), Transaction::Neither);
    }
}
