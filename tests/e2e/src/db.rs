//! A fresh database per test on either backend the app supports:
//! - [`Backend::Sqlite`]: a temporary state directory whose `sqlite_db.db` the runtime
//!   serves as Spin's `default` database (`--state-dir`), migrated beforehand with
//!   `spinstack-sqlite-schema` so tests can seed rows before the first request;
//! - [`Backend::Postgres`]: a throwaway database (`spinstack-throwaway-db`: on the
//!   server named by `DATABASE_URL`, dropped when the test ends, pass or fail), migrated
//!   with `spinstack-migrate`.
//!
//! Tests seed and check rows through [`TestDb::execute`] and [`TestDb::query`] with
//! `spinstack_sql` parameters and rows, whose accessors read timestamps and booleans
//! in either dialect's form; where the SQL itself differs, [`TestDb::dialect`] says
//! which to write.

use std::path::{Path, PathBuf};

use anyhow::Context;
use spinstack_sql::Connection;
use spinstack_sql::native::{SqliteConnection, postgres_cells, postgres_param};
pub use spinstack_sql::{Dialect, Param, Row};
use spinstack_throwaway_db::ThrowawayDb;
use tokio_postgres::Client;
use tokio_postgres::types::ToSql;

pub use spinstack_throwaway_db::server_url;

/// Which database the app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Spin's SQLite (`database_url` empty): the zero-setup default.
    Sqlite,
    /// PostgreSQL (`database_url` = `postgres://…`).
    Postgres,
}

enum Inner {
    Sqlite {
        dir: tempfile::TempDir,
    },
    Postgres {
        client: Client,
        db: Box<ThrowawayDb>,
    },
}

/// A fresh, migrated database, removed on `Drop`.
pub struct TestDb {
    inner: Inner,
}

impl TestDb {
    /// Creates and migrates a new database on `backend`.
    ///
    /// # Errors
    /// When PostgreSQL is unreachable or the migration fails.
    pub async fn create(backend: Backend) -> anyhow::Result<Self> {
        match backend {
            Backend::Sqlite => Self::sqlite_in(tempfile::tempdir()?),
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A PostgreSQL database.
    ///
    /// # Errors
    /// When PostgreSQL is unreachable or the migration fails.
    pub async fn postgres() -> anyhow::Result<Self> {
        let db = ThrowawayDb::create("spinstack_e2e_").await?;
        let mut client = db.connect().await?;
        spinstack_migrate::migrate(&mut client)
            .await
            .context("migrating the test database")?;
        Ok(Self {
            inner: Inner::Postgres {
                client,
                db: Box::new(db),
            },
        })
    }

    /// A SQLite state directory whose database is migrated.
    ///
    /// # Errors
    /// When the file cannot be created or migrated.
    pub fn sqlite_in(dir: tempfile::TempDir) -> anyhow::Result<Self> {
        let db = Self::unmigrated_sqlite_in(dir);
        spinstack_sqlite_schema::ensure_migrated(&db.sqlite_connection()?)
            .map_err(|e| anyhow::anyhow!("migrating the test database: {e}"))?;
        Ok(db)
    }

    /// A SQLite state directory left empty: the app creates the schema itself.
    pub fn unmigrated_sqlite_in(dir: tempfile::TempDir) -> Self {
        Self {
            inner: Inner::Sqlite { dir },
        }
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite { .. } => Backend::Sqlite,
            Inner::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The SQL dialect to seed and check rows in.
    pub fn dialect(&self) -> Dialect {
        match self.backend() {
            Backend::Sqlite => Dialect::Sqlite,
            Backend::Postgres => Dialect::Postgres,
        }
    }

    /// The runtime's state directory (SQLite only).
    pub fn state_dir(&self) -> Option<&Path> {
        match &self.inner {
            Inner::Sqlite { dir } => Some(dir.path()),
            Inner::Postgres { .. } => None,
        }
    }

    /// The SQLite database file (SQLite only).
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        self.state_dir().map(|dir| dir.join("sqlite_db.db"))
    }

    /// PostgreSQL's `$N` placeholders in SQLite's spelling (`?N`), so a test writes
    /// one statement for both where the rest of the SQL agrees.
    fn placeholders(&self, sql: &str) -> String {
        if self.backend() == Backend::Postgres {
            return sql.to_owned();
        }
        let mut out = String::with_capacity(sql.len());
        let mut chars = sql.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                out.push('?');
            } else {
                out.push(c);
            }
        }
        out
    }

    fn sqlite_connection(&self) -> anyhow::Result<SqliteConnection> {
        let file = self.sqlite_file().context("not a SQLite test database")?;
        Ok(SqliteConnection::open(file)?)
    }

    /// The PostgreSQL connection for seeding and checking rows (PostgreSQL only).
    ///
    /// # Panics
    /// On a SQLite database: a test that needs it is PostgreSQL-only.
    #[expect(clippy::panic, reason = "a test bug, reported as such")]
    pub fn client(&self) -> &Client {
        match &self.inner {
            Inner::Postgres { client, .. } => client,
            Inner::Sqlite { .. } => panic!("this test needs PostgreSQL"),
        }
    }

    /// The connection string the app gets as `database_url` (empty for SQLite).
    pub fn url(&self) -> String {
        match &self.inner {
            Inner::Sqlite { .. } => String::new(),
            Inner::Postgres { db, .. } => {
                let mut url = db.url().clone();
                url.query_pairs_mut().append_pair("sslmode", "disable");
                url.to_string()
            }
        }
    }

    /// The PostgreSQL host as `allowed_outbound_hosts` must name it.
    pub fn host(&self) -> String {
        match &self.inner {
            Inner::Sqlite { .. } => "localhost".to_owned(),
            Inner::Postgres { db, .. } => db.url().host_str().unwrap_or("localhost").to_owned(),
        }
    }

    /// The PostgreSQL port.
    pub fn port(&self) -> u16 {
        match &self.inner {
            Inner::Sqlite { .. } => 5432,
            Inner::Postgres { db, .. } => db.url().port().unwrap_or(5432),
        }
    }

    /// Runs one statement (several, `;`-separated, with `batch`). `$N` placeholders
    /// work on both backends.
    ///
    /// # Errors
    /// When the statement fails.
    pub async fn execute(&self, sql: &str, params: &[Param]) -> anyhow::Result<()> {
        match &self.inner {
            Inner::Sqlite { .. } => Ok(self
                .sqlite_connection()?
                .execute(&self.placeholders(sql), params)?),
            Inner::Postgres { client, .. } => {
                let boxed: Vec<_> = params.iter().map(postgres_param).collect();
                let refs: Vec<&(dyn ToSql + Sync)> =
                    boxed.iter().map(|b| b.as_ref() as _).collect();
                client.execute(sql, &refs).await?;
                Ok(())
            }
        }
    }

    /// Runs a script of several statements without parameters.
    ///
    /// # Errors
    /// When a statement fails.
    pub async fn batch(&self, sql: &str) -> anyhow::Result<()> {
        match &self.inner {
            Inner::Sqlite { .. } => Ok(self.sqlite_connection()?.raw().execute_batch(sql)?),
            Inner::Postgres { client, .. } => Ok(client.batch_execute(sql).await?),
        }
    }

    /// Runs a query and returns its rows.
    ///
    /// # Errors
    /// When the query fails.
    pub async fn query(&self, sql: &str, params: &[Param]) -> anyhow::Result<Vec<Row>> {
        match &self.inner {
            Inner::Sqlite { .. } => Ok(self
                .sqlite_connection()?
                .query(&self.placeholders(sql), params)?),
            Inner::Postgres { client, .. } => {
                let boxed: Vec<_> = params.iter().map(postgres_param).collect();
                let refs: Vec<&(dyn ToSql + Sync)> =
                    boxed.iter().map(|b| b.as_ref() as _).collect();
                let rows = client.query(sql, &refs).await?;
                Ok(rows.iter().map(postgres_cells).collect::<Result<_, _>>()?)
            }
        }
    }

    /// The one row of a query.
    ///
    /// # Errors
    /// When the query fails or returns another number of rows.
    pub async fn query_one(&self, sql: &str, params: &[Param]) -> anyhow::Result<Row> {
        let mut rows = self.query(sql, params).await?;
        anyhow::ensure!(
            rows.len() == 1,
            "expected one row, got {}: {sql}",
            rows.len()
        );
        Ok(rows.remove(0))
    }

    /// A count query's number.
    ///
    /// # Errors
    /// When the query fails.
    pub async fn count(&self, sql: &str, params: &[Param]) -> anyhow::Result<i64> {
        Ok(self.query_one(sql, params).await?.i64(0)?)
    }
}

/// Defines each listed `async fn name(backend: Backend) -> anyhow::Result<()>` as two
/// tests, `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() -> anyhow::Result<()> {
                    super::$name($crate::db::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() -> anyhow::Result<()> {
                    super::$name($crate::db::Backend::Postgres).await
                }
            )*
        }
    };
}
