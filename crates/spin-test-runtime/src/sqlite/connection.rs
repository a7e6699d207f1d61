//! One guest connection to a SQLite database, and an instance's table of them, as Spin's
//! in-process backend (`crates/sqlite-inproc`) and `factor-sqlite`'s `InstanceState`:
//!
//! - every `open` makes a new [`Connection`]; the SQLite connection behind it is opened
//!   lazily, on first use, from the database's [`Location`] (a file, or a fresh empty
//!   in-memory database), with rusqlite's defaults: busy timeout 5000 ms, and foreign keys
//!   on because the bundled SQLite is built with `SQLITE_DEFAULT_FOREIGN_KEYS=1`;
//! - [`Connection::query`] runs on Tokio's blocking pool: a cached prepare, which compiles
//!   the first statement of the text and silently ignores the rest, positional binding,
//!   then every row, failing with `io("query result exceeds limit of … bytes")` past
//!   [`MAX_RESULT_BYTES`];
//! - SQLite's errors become `io(<SQLite's message>)`;
//! - an instance holds at most [`MAX_CONNECTIONS`] open connections
//!   (`io("too many connections opened")` beyond), and a handle it does not know gives
//!   `invalid-connection`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};

use super::convert::{Error, QueryResult, Value};

/// Spin's `MAX_HOST_BUFFERED_BYTES`: the largest result one statement may return.
pub const MAX_RESULT_BYTES: usize = 128 << 20;

/// Spin's per-instance connection table capacity.
pub const MAX_CONNECTIONS: usize = 256;

/// The message of a connection whose SQLite state Spin would have lost to a panic.
const INTERNAL_ERROR: &str = "internal runtime error";

/// Where a database's data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A fresh, empty in-memory database per connection.
    InMemory,
    /// A database file, created on first connection.
    Path(PathBuf),
}

/// How connections to one database are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    /// Where the data lives.
    pub location: Location,
    /// Whether `ATTACH` may name files (`allow_attach_file`; in-memory and temporary
    /// databases may always be attached).
    pub allow_attach_file: bool,
}

impl Database {
    /// A human-readable summary, as Spin's `summary()` of an in-process connection.
    pub fn summary(&self) -> String {
        match &self.location {
            Location::InMemory => "a temporary in-memory database".to_owned(),
            Location::Path(path) => format!("\"{}\"", path.display()),
        }
    }
}

/// The SQLite side of one guest connection.
#[derive(Default)]
struct Inner {
    sqlite: Option<rusqlite::Connection>,
    /// Set once a TEXT value was not UTF-8: Spin's lock would be poisoned from then on.
    poisoned: bool,
}

/// One guest connection: opened lazily, used by one blocking task at a time.
pub struct Connection {
    database: Database,
    inner: Arc<Mutex<Inner>>,
}

impl Connection {
    /// A connection to `database`, not yet opened.
    pub fn new(database: Database) -> Self {
        Self {
            database,
            inner: Arc::default(),
        }
    }

    /// Runs the first statement of `sql` with `params` off the async executor.
    ///
    /// # Errors
    ///
    /// `io` with SQLite's message, the result limit, or the internal error.
    pub async fn query(&self, sql: String, params: Vec<Value>) -> Result<QueryResult, Error> {
        let inner = self.inner.clone();
        let database = self.database.clone();
        tokio::task::spawn_blocking(move || {
            let mut inner = inner
                .lock()
                .map_err(|_| Error::Io(INTERNAL_ERROR.to_owned()))?;
            if inner.poisoned {
                return Err(Error::Io(INTERNAL_ERROR.to_owned()));
            }
            let outcome = execute(
                open(&mut inner, &database)?,
                &sql,
                &params,
                MAX_RESULT_BYTES,
            );
            if let Err(Failure::InvalidUtf8) = outcome {
                inner.poisoned = true;
            }
            outcome.map_err(Failure::into_error)
        })
        .await
        .map_err(|_| Error::Io(INTERNAL_ERROR.to_owned()))?
    }

    /// `changes()`: rows modified by the connection's last INSERT, UPDATE or DELETE.
    ///
    /// # Errors
    ///
    /// When the connection cannot be opened or is poisoned (Spin traps then).
    pub async fn changes(&self) -> Result<u64, Error> {
        self.with_sqlite(|c| c.changes()).await
    }

    /// `last-insert-rowid()`: the rowid of the connection's last successful INSERT.
    ///
    /// # Errors
    ///
    /// When the connection cannot be opened or is poisoned (Spin traps then).
    pub async fn last_insert_rowid(&self) -> Result<i64, Error> {
        self.with_sqlite(rusqlite::Connection::last_insert_rowid)
            .await
    }

    async fn with_sqlite<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> T + Send + 'static,
    ) -> Result<T, Error> {
        let inner = self.inner.clone();
        let database = self.database.clone();
        tokio::task::spawn_blocking(move || {
            let mut inner = inner
                .lock()
                .map_err(|_| Error::Io(INTERNAL_ERROR.to_owned()))?;
            if inner.poisoned {
                return Err(Error::Io(INTERNAL_ERROR.to_owned()));
            }
            Ok(f(open(&mut inner, &database)?))
        })
        .await
        .map_err(|_| Error::Io(INTERNAL_ERROR.to_owned()))?
    }
}

/// The connection's SQLite connection, opening it on first use.
fn open<'a>(inner: &'a mut Inner, database: &Database) -> Result<&'a rusqlite::Connection, Error> {
    if inner.sqlite.is_none() {
        inner.sqlite = Some(open_sqlite(database)?);
    }
    inner
        .sqlite
        .as_ref()
        .ok_or_else(|| Error::Io(INTERNAL_ERROR.to_owned()))
}

/// Opens a SQLite connection to `database` with Spin's settings.
///
/// # Errors
///
/// `io` with rusqlite's message.
pub fn open_sqlite(database: &Database) -> Result<rusqlite::Connection, Error> {
    let io = |e: rusqlite::Error| Error::Io(e.to_string());
    let connection = match &database.location {
        Location::InMemory => rusqlite::Connection::open_in_memory(),
        Location::Path(path) => rusqlite::Connection::open(path),
    }
    .map_err(io)?;
    if !database.allow_attach_file {
        connection.authorizer(Some(refuse_attaching_files));
    }
    Ok(connection)
}

/// Allows `ATTACH` of in-memory and temporary databases only.
fn refuse_attaching_files(context: AuthContext<'_>) -> Authorization {
    match context.action {
        AuthAction::Attach { filename } if !is_memory_or_temporary(filename) => Authorization::Deny,
        AuthAction::Unknown { code, .. } if code == rusqlite::ffi::SQLITE_ATTACH => {
            Authorization::Deny
        }
        _ => Authorization::Allow,
    }
}

fn is_memory_or_temporary(filename: &str) -> bool {
    filename.is_empty() || filename == ":memory:"
}

/// Why [`execute`] failed.
#[derive(Debug)]
enum Failure {
    Error(Error),
    InvalidUtf8,
}

impl Failure {
    fn into_error(self) -> Error {
        match self {
            Failure::Error(e) => e,
            Failure::InvalidUtf8 => Error::Io(INTERNAL_ERROR.to_owned()),
        }
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Error(Error::Io(e.to_string()))
    }
}

/// Spin's `execute_query`: cached prepare (first statement only), bind, collect rows.
fn execute(
    connection: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
    max_bytes: usize,
) -> Result<QueryResult, Failure> {
    let mut statement = connection.prepare_cached(sql)?;
    let columns: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(ToOwned::to_owned)
        .collect();
    let width = columns.len();
    let mut rows = statement.query(rusqlite::params_from_iter(params.iter().map(Value::to_sql)))?;
    let mut result = QueryResult {
        columns,
        rows: Vec::new(),
    };
    let mut bytes = 0usize;
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(width);
        for index in 0..width {
            let value = Value::from_sql(row.get_ref(index)?).map_err(|_| Failure::InvalidUtf8)?;
            values.push(value);
        }
        bytes += values.iter().map(Value::memory_size).sum::<usize>();
        if bytes > max_bytes {
            return Err(Failure::Error(Error::Io(format!(
                "query result exceeds limit of {max_bytes} bytes"
            ))));
        }
        result.rows.push(values);
    }
    Ok(result)
}

/// Creates the parent directory of a database file, as Spin does before connecting.
///
/// # Errors
///
/// The I/O error, with the directory named.
pub fn create_parent_dir(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            std::fs::create_dir_all(parent).map_err(|e| {
                format!(
                    "failed to create sqlite database directory '{}': {e}",
                    parent.display()
                )
            })
        }
        _ => Ok(()),
    }
}

/// An instance's open connections, by the handle the guest holds.
#[derive(Default)]
pub struct Table {
    connections: HashMap<u32, Arc<Connection>>,
    next: u32,
}

impl Table {
    /// Adds a connection and returns its handle.
    ///
    /// # Errors
    ///
    /// `io("too many connections opened")` when [`MAX_CONNECTIONS`] are open.
    pub fn push(&mut self, connection: Connection) -> Result<u32, Error> {
        if self.connections.len() >= MAX_CONNECTIONS {
            return Err(Error::Io("too many connections opened".to_owned()));
        }
        let mut handle = self.next;
        while self.connections.contains_key(&handle) {
            handle = handle.wrapping_add(1);
        }
        self.next = handle.wrapping_add(1);
        self.connections.insert(handle, Arc::new(connection));
        Ok(handle)
    }

    /// The connection behind `handle`.
    ///
    /// # Errors
    ///
    /// `invalid-connection` for a handle this table does not hold.
    pub fn get(&self, handle: u32) -> Result<Arc<Connection>, Error> {
        self.connections
            .get(&handle)
            .cloned()
            .ok_or(Error::InvalidConnection)
    }

    /// Closes the connection behind `handle` (a no-op for an unknown handle).
    pub fn remove(&mut self, handle: u32) {
        self.connections.remove(&handle);
    }

    /// How many connections are open.
    pub fn len(&self) -> usize {
        self.connections.len()
    }

    /// Whether no connection is open.
    pub fn is_empty(&self) -> bool {
        self.connections.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> Database {
        Database {
            location: Location::InMemory,
            allow_attach_file: false,
        }
    }

    fn file(dir: &Path) -> Database {
        Database {
            location: Location::Path(dir.join("db.sqlite")),
            allow_attach_file: false,
        }
    }

    async fn run(c: &Connection, sql: &str, params: Vec<Value>) -> Result<QueryResult, Error> {
        c.query(sql.to_owned(), params).await
    }

    fn io(message: &str) -> Error {
        Error::Io(message.to_owned())
    }

    #[tokio::test]
    async fn only_the_first_statement_runs() -> Result<(), Error> {
        let c = Connection::new(memory());
        run(&c, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", vec![]).await?;
        let r = run(&c, "SELECT count(*) AS n FROM t", vec![]).await?;
        assert_eq!(r.columns, vec!["n".to_owned()]);
        assert_eq!(r.rows, vec![vec![Value::Integer(0)]]);
        // A trailing semicolon or comment is fine.
        run(&c, "INSERT INTO t VALUES (2); -- trailing", vec![]).await?;
        let r = run(&c, "SELECT x FROM t;", vec![]).await?;
        assert_eq!(r.rows, vec![vec![Value::Integer(2)]]);
        Ok(())
    }

    #[tokio::test]
    async fn values_round_trip_by_storage_class() -> Result<(), Error> {
        let c = Connection::new(memory());
        run(
            &c,
            "CREATE TABLE v(i INTEGER, r REAL, t TEXT, b BLOB, n)",
            vec![],
        )
        .await?;
        let params = vec![
            Value::Integer(-5),
            Value::Real(2.5),
            Value::Text("héllo".into()),
            Value::Blob(vec![0, 1, 255]),
            Value::Null,
        ];
        let inserted = run(&c, "INSERT INTO v VALUES (?, ?, ?, ?, ?)", params.clone()).await?;
        assert_eq!(inserted, QueryResult::default());
        let r = run(&c, "SELECT i, r, t, b, n FROM v", vec![]).await?;
        assert_eq!(
            r.columns,
            ["i", "r", "t", "b", "n"].map(String::from).to_vec()
        );
        assert_eq!(r.rows, vec![params]);
        // Affinity applies after binding: text '123' in an INTEGER column is stored as an
        // integer, and values come back by storage class, not declared type.
        run(&c, "DELETE FROM v", vec![]).await?;
        run(
            &c,
            "INSERT INTO v(i, t) VALUES (?1, ?2)",
            vec![Value::Text("123".into()), Value::Integer(7)],
        )
        .await?;
        let r = run(&c, "SELECT i, t, typeof(i) AS ti FROM v", vec![]).await?;
        assert_eq!(
            r.rows,
            vec![vec![
                Value::Integer(123),
                Value::Text("7".into()),
                Value::Text("integer".into())
            ]]
        );
        Ok(())
    }

    #[tokio::test]
    async fn sqlite_errors_are_io_with_sqlites_message() {
        let c = Connection::new(memory());
        assert_eq!(
            run(&c, "SELEC 1", vec![]).await,
            Err(io("near \"SELEC\": syntax error in SELEC 1 at offset 0"))
        );
        assert_eq!(
            run(&c, "", vec![]).await,
            Err(io("bad parameter or other API misuse"))
        );
        let bad_count = run(&c, "SELECT ?", vec![]).await;
        assert!(matches!(bad_count, Err(Error::Io(_))), "{bad_count:?}");
    }

    #[tokio::test]
    async fn foreign_keys_are_on_and_busy_timeout_is_5000() -> Result<(), Error> {
        let c = Connection::new(memory());
        let r = run(&c, "PRAGMA foreign_keys", vec![]).await?;
        assert_eq!(r.rows, vec![vec![Value::Integer(1)]]);
        let r = run(&c, "PRAGMA busy_timeout", vec![]).await?;
        assert_eq!(r.rows, vec![vec![Value::Integer(5000)]]);
        run(&c, "CREATE TABLE p(id INTEGER PRIMARY KEY)", vec![]).await?;
        run(
            &c,
            "CREATE TABLE ch(p INTEGER NOT NULL REFERENCES p(id) ON DELETE CASCADE)",
            vec![],
        )
        .await?;
        assert_eq!(
            run(&c, "INSERT INTO ch VALUES (1)", vec![]).await,
            Err(io("FOREIGN KEY constraint failed"))
        );
        run(&c, "INSERT INTO p VALUES (1)", vec![]).await?;
        run(&c, "INSERT INTO ch VALUES (1)", vec![]).await?;
        run(&c, "DELETE FROM p", vec![]).await?;
        let r = run(&c, "SELECT count(*) FROM ch", vec![]).await?;
        assert_eq!(r.rows, vec![vec![Value::Integer(0)]]);
        Ok(())
    }

    #[tokio::test]
    async fn each_in_memory_connection_is_a_fresh_database() -> Result<(), Error> {
        let a = Connection::new(memory());
        run(&a, "CREATE TABLE t(x)", vec![]).await?;
        let b = Connection::new(memory());
        let r = run(&b, "SELECT count(*) FROM sqlite_master", vec![]).await?;
        assert_eq!(r.rows, vec![vec![Value::Integer(0)]]);
        let r = run(
            &b,
            "SELECT file FROM pragma_database_list WHERE name = 'main'",
            vec![],
        )
        .await?;
        assert_eq!(r.rows, vec![vec![Value::Text(String::new())]]);
        Ok(())
    }

    #[tokio::test]
    async fn file_connections_share_data_and_transactions_span_calls()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let a = Connection::new(file(dir.path()));
        let b = Connection::new(file(dir.path()));
        run(&a, "CREATE TABLE t(x)", vec![]).await?;
        run(&a, "BEGIN", vec![]).await?;
        run(&a, "INSERT INTO t VALUES (1)", vec![]).await?;
        let inside = run(&a, "SELECT count(*) FROM t", vec![]).await?;
        let outside = run(&b, "SELECT count(*) FROM t", vec![]).await?;
        run(&a, "COMMIT", vec![]).await?;
        let after = run(&b, "SELECT count(*) FROM t", vec![]).await?;
        assert_eq!(inside.rows, vec![vec![Value::Integer(1)]]);
        assert_eq!(outside.rows, vec![vec![Value::Integer(0)]]);
        assert_eq!(after.rows, vec![vec![Value::Integer(1)]]);
        let changes = run(&a, "SELECT changes()", vec![]).await?;
        assert_eq!(changes.rows, vec![vec![Value::Integer(1)]]);
        assert_eq!(a.changes().await?, 1);
        assert_eq!(a.last_insert_rowid().await?, 1);
        Ok(())
    }

    #[tokio::test]
    async fn a_second_writer_waits_for_the_busy_timeout() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let a = Connection::new(file(dir.path()));
        let b = Connection::new(file(dir.path()));
        run(&a, "CREATE TABLE t(x)", vec![]).await?;
        run(&a, "BEGIN IMMEDIATE", vec![]).await?;
        let started = std::time::Instant::now();
        let blocked = run(&b, "BEGIN IMMEDIATE", vec![]).await;
        let waited = started.elapsed();
        assert_eq!(blocked, Err(io("database is locked")));
        assert!(
            waited >= std::time::Duration::from_millis(4900),
            "waited only {waited:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn invalid_utf8_text_poisons_the_connection() -> Result<(), Error> {
        let c = Connection::new(memory());
        assert_eq!(
            run(&c, "SELECT CAST(x'fffe' AS TEXT)", vec![]).await,
            Err(io(INTERNAL_ERROR))
        );
        assert_eq!(run(&c, "SELECT 1", vec![]).await, Err(io(INTERNAL_ERROR)));
        Ok(())
    }

    #[test]
    fn results_past_the_limit_fail() -> Result<(), Box<dyn std::error::Error>> {
        let sqlite = open_sqlite(&memory())?;
        let row = Value::Text("x".repeat(100)).memory_size();
        let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) \
                   SELECT printf('%.100c', 'x') FROM n";
        let ok = execute(&sqlite, sql, &[], 3 * row);
        assert!(matches!(ok, Ok(ref r) if r.rows.len() == 3), "{ok:?}");
        let too_big = execute(&sqlite, sql, &[], 3 * row - 1);
        assert!(
            matches!(too_big, Err(Failure::Error(Error::Io(ref m))) if m == &format!("query result exceeds limit of {} bytes", 3 * row - 1)),
            "{too_big:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn attaching_files_is_refused_unless_allowed() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let other = dir.path().join("other.db");
        let attach = format!("ATTACH '{}' AS other", other.display());
        let c = Connection::new(memory());
        assert_eq!(run(&c, &attach, vec![]).await, Err(io("not authorized")));
        run(&c, "ATTACH ':memory:' AS scratch", vec![]).await?;
        let allowed = Connection::new(Database {
            location: Location::InMemory,
            allow_attach_file: true,
        });
        run(&allowed, &attach, vec![]).await?;
        Ok(())
    }

    #[test]
    fn the_table_holds_at_most_256_connections() {
        let mut table = Table::default();
        let handles: Vec<u32> = (0..MAX_CONNECTIONS)
            .map(|_| table.push(Connection::new(memory())))
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        assert_eq!(handles.len(), MAX_CONNECTIONS);
        assert_eq!(
            table.push(Connection::new(memory())).err(),
            Some(io("too many connections opened"))
        );
        table.remove(handles[0]);
        assert!(table.get(handles[0]).is_err());
        assert!(table.push(Connection::new(memory())).is_ok());
        assert_eq!(table.len(), MAX_CONNECTIONS);
        assert_eq!(table.get(9999).err(), Some(Error::InvalidConnection));
    }
}
