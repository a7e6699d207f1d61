//! Database files, fixtures, a connection that counts its statements, and snapshots of
//! what a run must (not) change.

use std::cell::Cell;
use std::path::PathBuf;

use spinstack_sql::native::SqliteConnection;
use spinstack_sql::{Connection, Dialect, Param, Row, SqlError};
use tempfile::TempDir;

/// Better Auth's tables as drizzle-kit 1.0.0-rc.4 (today's generator) creates them.
pub(crate) const DRIZZLE_KIT_1_0: &str = include_str!("fixtures/drizzle_kit_1_0_rc4.sql");
/// Better Auth's tables as drizzle-kit 0.31.10 (Better-T-Stack up to 3.40) creates them.
pub(crate) const DRIZZLE_KIT_0_31: &str = include_str!("fixtures/drizzle_kit_0_31.sql");
/// The todo example's table, drizzle-kit 1.0.0-rc.4 form.
pub(crate) const TODO_1_0: &str = include_str!("fixtures/todo_drizzle_kit_1_0_rc4.sql");
/// The todo example's table, drizzle-kit 0.31.10 form.
pub(crate) const TODO_0_31: &str = include_str!("fixtures/todo_drizzle_kit_0_31.sql");

/// A user, its credential account and a session as better-auth writes them through
/// drizzle (epoch-millisecond integers, 0/1 booleans, `salt:key` scrypt hash).
pub(crate) const ROWS: &str = "
INSERT INTO `user` VALUES ('u1', 'Ada', 'ada@example.com', 0, NULL, 1796655220615, 1796655220615);
INSERT INTO `account` (id, account_id, provider_id, user_id, password, created_at, updated_at)
  VALUES ('a1', 'u1', 'credential', 'u1',
  '693a3725ec334d0a5d9643bf57e264c1:48a7404e00b5c8c60a1cb9870a0ecde2531b44795cb2db023d238e71a6b2e06bbd5487b0fdbbd88eb4ea31d979e4bf94a21de0e3948095f9633bc84abab75e04',
  1796655220622, 1796655220622);
INSERT INTO `session` VALUES ('s1', 1797260020626, 'tok1', 1796655220626, 1796655220626, '', '', 'u1');
";

/// Every table whose rows a run must leave alone.
pub(crate) const DATA_TABLES: [&str; 5] = ["user", "account", "session", "verification", "todo"];

/// A database file in a temporary directory of its own, removed when dropped.
pub(crate) struct TestDb {
    dir: TempDir,
}

impl TestDb {
    /// A new, not yet created, database file.
    pub(crate) fn new() -> anyhow::Result<Self> {
        Ok(Self {
            dir: tempfile::tempdir()?,
        })
    }

    /// The database file's path.
    pub(crate) fn path(&self) -> PathBuf {
        self.dir.path().join("sqlite_db.db")
    }

    /// A new connection, as a Spin instance opens one.
    pub(crate) fn open(&self) -> anyhow::Result<SqliteConnection> {
        Ok(SqliteConnection::open(self.path())?)
    }

    /// A new connection, after running every statement of each of `sql` on it.
    pub(crate) fn open_with(&self, sql: &[&str]) -> anyhow::Result<SqliteConnection> {
        let db = self.open()?;
        for part in sql {
            db.raw().execute_batch(part)?;
        }
        Ok(db)
    }
}

/// A connection that counts the statements it runs.
pub(crate) struct Counting<C> {
    pub(crate) inner: C,
    pub(crate) statements: Cell<usize>,
}

impl<C> Counting<C> {
    pub(crate) fn new(inner: C) -> Self {
        Self {
            inner,
            statements: Cell::new(0),
        }
    }
}

impl<C: Connection> Connection for Counting<C> {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }

    fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError> {
        self.statements.set(self.statements.get() + 1);
        self.inner.query(sql, params)
    }

    fn execute(&self, sql: &str, params: &[Param]) -> Result<(), SqlError> {
        self.statements.set(self.statements.get() + 1);
        self.inner.execute(sql, params)
    }
}

/// One text of everything a run could change: the schema (`sqlite_master`),
/// `user_version`, the journal mode, and every row of the data tables that exist.
pub(crate) fn snapshot(db: &impl Connection) -> anyhow::Result<String> {
    let mut out = String::new();
    for row in db.query(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name",
        &[],
    )? {
        out.push_str(&format!("{row:?}\n"));
    }
    for pragma in ["user_version", "journal_mode"] {
        let rows = db.query(&format!("PRAGMA {pragma}"), &[])?;
        out.push_str(&format!("{pragma}: {rows:?}\n"));
    }
    for table in DATA_TABLES {
        if !tables(db)?.contains(&table.to_owned()) {
            continue;
        }
        for row in db.query(&format!("SELECT * FROM `{table}` ORDER BY 1"), &[])? {
            out.push_str(&format!("{table}: {row:?}\n"));
        }
    }
    Ok(out)
}

/// The table names, sorted.
pub(crate) fn tables(db: &impl Connection) -> anyhow::Result<Vec<String>> {
    Ok(db
        .query(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            &[],
        )?
        .iter()
        .map(|row| row.text(0))
        .collect::<Result<_, _>>()?)
}

/// The rows of the data tables that exist.
pub(crate) fn rows(db: &impl Connection) -> anyhow::Result<Vec<String>> {
    let present = tables(db)?;
    let mut out = Vec::new();
    for table in DATA_TABLES {
        if present.iter().any(|t| t == table) {
            for row in db.query(&format!("SELECT * FROM `{table}` ORDER BY 1"), &[])? {
                out.push(format!("{table}: {row:?}"));
            }
        }
    }
    Ok(out)
}

/// The ledger: (version, name, checksum, adopted) by version.
pub(crate) fn ledger(db: &impl Connection) -> anyhow::Result<Vec<(i64, String, String, bool)>> {
    db.query(
        &format!(
            "SELECT version, name, checksum, adopted FROM {} ORDER BY version",
            spinstack_sqlite_schema::LEDGER_TABLE
        ),
        &[],
    )?
    .iter()
    .map(|row| Ok((row.i64(0)?, row.text(1)?, row.text(2)?, row.bool(3)?)))
    .collect()
}

/// `PRAGMA user_version`.
pub(crate) fn user_version(db: &impl Connection) -> anyhow::Result<i64> {
    Ok(db.query("PRAGMA user_version", &[])?[0].i64(0)?)
}

/// The embedded migrations' versions.
pub(crate) fn all_versions() -> Vec<u32> {
    spinstack_sqlite_schema::embedded()
        .iter()
        .map(spinstack_sqlite_schema::Migration::version)
        .collect()
}

/// The latest embedded version.
pub(crate) fn latest() -> i64 {
    all_versions().last().copied().map_or(0, i64::from)
}
