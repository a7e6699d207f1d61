//! The two backends the suite runs on, each a fresh database per test: a SQLite file in
//! a temporary directory with Better-T-Stack's drizzle SQLite schema (plus the app's
//! three tables), opened as Spin opens it; and a throwaway PostgreSQL database migrated
//! with `spinstack_migrate`, behind a connection that refuses zero-row results as the
//! test runtime does (DESIGN.md's rule for Spin 4.0.0–4.0.2).

use std::path::PathBuf;

use anyhow::Context as _;
use spinstack_sql::native::{PostgresConnection, SqliteConnection};
use spinstack_sql::{Connection, Dialect, Param, Row, SqlError};
use spinstack_throwaway_db::ThrowawayDb;

/// A fresh database and its first connection.
pub trait Backend {
    /// The connection type.
    type Conn: Connection + Send;

    /// The test's connection.
    fn conn(&self) -> &Self::Conn;

    /// Another connection to the same database (another Spin instance).
    fn connect(&self) -> anyhow::Result<Self::Conn>;
}

/// Better-T-Stack's SQLite schema as drizzle-kit 1.0.0-rc.4 generates it (spec
/// sqlite-and-deploy.md §5.3), one statement per item, then the app's own tables. The
/// real migrations live in `spinstack-sqlite-schema`; this is the fixture.
pub const SQLITE_SCHEMA: &[&str] = &[
    "CREATE TABLE `account` (`id` text PRIMARY KEY, `account_id` text NOT NULL, `provider_id` text NOT NULL, `user_id` text NOT NULL, `access_token` text, `refresh_token` text, `id_token` text, `access_token_expires_at` integer, `refresh_token_expires_at` integer, `scope` text, `password` text, `created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL, `updated_at` integer NOT NULL, CONSTRAINT `fk_account_user_id_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON DELETE CASCADE);",
    "CREATE TABLE `session` (`id` text PRIMARY KEY, `expires_at` integer NOT NULL, `token` text NOT NULL UNIQUE, `created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL, `updated_at` integer NOT NULL, `ip_address` text, `user_agent` text, `user_id` text NOT NULL, CONSTRAINT `fk_session_user_id_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON DELETE CASCADE);",
    "CREATE TABLE `user` (`id` text PRIMARY KEY, `name` text NOT NULL, `email` text NOT NULL UNIQUE, `email_verified` integer DEFAULT false NOT NULL, `image` text, `created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL, `updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL);",
    "CREATE TABLE `verification` (`id` text PRIMARY KEY, `identifier` text NOT NULL, `value` text NOT NULL, `expires_at` integer NOT NULL, `created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL, `updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL);",
    "CREATE INDEX `account_userId_idx` ON `account` (`user_id`);",
    "CREATE INDEX `session_userId_idx` ON `session` (`user_id`);",
    "CREATE INDEX `verification_identifier_idx` ON `verification` (`identifier`);",
    "CREATE TABLE spinstack_rate_limit (key text PRIMARY KEY NOT NULL, count integer NOT NULL, last_request integer NOT NULL)",
    "CREATE TABLE todo (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, text text NOT NULL, completed integer DEFAULT 0 NOT NULL)",
    "CREATE TABLE spinstack_settings (name text PRIMARY KEY NOT NULL, value text NOT NULL)",
];

/// A SQLite database file of one test's own, removed with its directory on drop.
pub struct SqliteDb {
    conn: SqliteConnection,
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SqliteDb {
    /// A WAL database, as the first migration run leaves a file-backed one.
    pub fn create() -> anyhow::Result<Self> {
        Self::with_journal("wal")
    }

    /// A database in journal mode `mode` (`wal`, or `delete`: SQLite's default).
    pub fn with_journal(mode: &str) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("spinstack.db");
        let conn = SqliteConnection::open(&path)?;
        // Outside any transaction, as the migrations do it.
        let set = conn.query(&format!("PRAGMA journal_mode={mode}"), &[])?;
        anyhow::ensure!(set.first().and_then(|row| row.text(0).ok()).as_deref() == Some(mode));
        for statement in SQLITE_SCHEMA {
            conn.execute(statement, &[])
                .with_context(|| format!("fixture DDL: {statement}"))?;
        }
        Ok(Self {
            conn,
            path,
            _dir: dir,
        })
    }
}

impl Backend for SqliteDb {
    type Conn = SqliteConnection;

    fn conn(&self) -> &SqliteConnection {
        &self.conn
    }

    fn connect(&self) -> anyhow::Result<SqliteConnection> {
        Ok(SqliteConnection::open(&self.path)?)
    }
}

/// A PostgreSQL connection that treats a zero-row query result as an error, naming
/// the rule: Spin 4.0.0–4.0.2 never answer such a query.
pub struct OneRowRule<C>(C);

impl<C: Connection> Connection for OneRowRule<C> {
    fn dialect(&self) -> Dialect {
        self.0.dialect()
    }

    fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError> {
        let rows = self.0.query(sql, params)?;
        if rows.is_empty() {
            return Err(SqlError::Statement(format!(
                "a PostgreSQL query returned zero rows, which Spin 4.0.0–4.0.2 never answer (DESIGN.md): {sql}"
            )));
        }
        Ok(rows)
    }

    fn execute(&self, sql: &str, params: &[Param]) -> Result<(), SqlError> {
        self.0.execute(sql, params)
    }
}

/// A migrated throwaway PostgreSQL database (`DATABASE_URL`'s server), dropped on drop.
pub struct PostgresDb {
    conn: OneRowRule<PostgresConnection>,
    db: ThrowawayDb,
}

impl PostgresDb {
    /// Creates and migrates the database on a small runtime, then connects the
    /// synchronous client outside it.
    pub fn create() -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let db = runtime.block_on(async {
            let db = ThrowawayDb::create("spinstack_storage_t_").await?;
            let mut client = db.connect().await?;
            spinstack_migrate::migrate(&mut client).await?;
            // The settings table's migration is written separately; until it lands,
            // the fixture creates the table the store expects.
            client
                .batch_execute(
                    "CREATE TABLE IF NOT EXISTS spinstack_settings (name text PRIMARY KEY, value text NOT NULL)",
                )
                .await?;
            anyhow::Ok(db)
        })?;
        drop(runtime);
        let conn = OneRowRule(PostgresConnection::connect(db.url().as_str())?);
        Ok(Self { conn, db })
    }
}

impl Backend for PostgresDb {
    type Conn = OneRowRule<PostgresConnection>;

    fn conn(&self) -> &Self::Conn {
        &self.conn
    }

    fn connect(&self) -> anyhow::Result<Self::Conn> {
        Ok(OneRowRule(PostgresConnection::connect(
            self.db.url().as_str(),
        )?))
    }
}

/// Runs `sql`, written with `$N` parameters, on either backend (test set-up and checks).
pub fn rows<C: Connection>(conn: &C, sql: &str, params: &[Param]) -> anyhow::Result<Vec<Row>> {
    let sql = match conn.dialect() {
        Dialect::Postgres => sql.to_owned(),
        Dialect::Sqlite => sql.replace('$', "?"),
    };
    conn.query(&sql, params)
        .with_context(|| format!("test query: {sql}"))
}

/// The single integer `sql` (a `SELECT count(*) …`) returns.
pub fn count<C: Connection>(conn: &C, sql: &str, params: &[Param]) -> anyhow::Result<i64> {
    let rows = rows(conn, sql, params)?;
    let row = rows.first().context("a count returns one row")?;
    Ok(row.i64(0)?)
}

/// Runs `sql`, written with `$N` parameters, for its effect on either backend.
pub fn execute<C: Connection>(conn: &C, sql: &str, params: &[Param]) -> anyhow::Result<()> {
    let sql = match conn.dialect() {
        Dialect::Postgres => sql.to_owned(),
        Dialect::Sqlite => sql.replace('$', "?"),
    };
    conn.execute(&sql, params)
        .with_context(|| format!("test statement: {sql}"))
}

/// The traits' errors that are not `std::error::Error` (`String`, the API's
/// `StoreError`) as test failures.
pub trait OrFail<T> {
    /// The value, or the error's message as a test failure.
    fn or_fail(self) -> anyhow::Result<T>;
}

impl<T, E: std::fmt::Display> OrFail<T> for Result<T, E> {
    fn or_fail(self) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::anyhow!("{e}"))
    }
}
