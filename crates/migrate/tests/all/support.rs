//! Throwaway databases, fixtures, snapshots and runs of the binary shared by the tests.

use std::path::Path;
use std::process::Output;

use anyhow::{Context as _, bail};
use spinstack_throwaway_db::ThrowawayDb;
use tokio::process::Command;
use tokio_postgres::Client;

/// The `spinstack-migrate` binary, as a user runs it.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_spinstack-migrate");

/// Better Auth's tables as drizzle-kit 0.31 creates them (`*_unique`, `*_fk` names).
pub(crate) const DRIZZLE_KIT_0_31: &str = include_str!("fixtures/drizzle_kit_0_31.sql");
/// `pg_dump --schema-only` of a database pushed by today's generator (drizzle-kit 1.0 rc).
pub(crate) const REFERENCE_PG_DUMP: &str = include_str!("fixtures/reference_pg_dump.sql");
/// The reference system's rows plus a `todo` table of the user's.
pub(crate) const ROWS: &str = include_str!("fixtures/rows.sql");

/// Every table the fixtures fill.
pub(crate) const TABLES: [&str; 5] = ["user", "session", "account", "verification", "todo"];

/// A database of one test's own (empty until a test migrates it), dropped when dropped.
pub(crate) struct TestDb(ThrowawayDb);

impl TestDb {
    /// Creates an empty database with a name unique to this process and test.
    pub(crate) async fn new() -> anyhow::Result<Self> {
        Ok(Self(ThrowawayDb::create("spinstack_migrate_t_").await?))
    }

    /// The database's URL.
    pub(crate) fn url(&self) -> &str {
        self.0.url().as_str()
    }

    /// A new connection to the database.
    pub(crate) async fn connect(&self) -> anyhow::Result<Client> {
        self.0.connect().await
    }

    /// A new connection, after running `sql` on it.
    pub(crate) async fn connect_with(&self, sql: &[&str]) -> anyhow::Result<Client> {
        let client = self.connect().await?;
        for part in sql {
            client
                .batch_execute(part)
                .await
                .context("running fixture SQL")?;
        }
        Ok(client)
    }

    /// `pg_dump --schema-only` without the ledger, normalized (see [`normalize_dump`]).
    pub(crate) async fn schema_dump(&self, exclude: &[&str]) -> anyhow::Result<String> {
        let pg_dump = std::env::var("PG_DUMP").unwrap_or_else(|_| "pg_dump".to_owned());
        let mut command = tokio::process::Command::new(&pg_dump);
        command.args(["--schema-only", "--no-owner", "--no-privileges"]);
        for table in [spinstack_migrate::LEDGER_TABLE].iter().chain(exclude) {
            command.arg(format!("--exclude-table={table}"));
        }
        let output = command
            .arg("--dbname")
            .arg(self.url())
            .output()
            .await
            .with_context(|| format!("running {pg_dump}"))?;
        if !output.status.success() {
            bail!(
                "{pg_dump} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(normalize_dump(&String::from_utf8(output.stdout)?))
    }
}

/// Keeps only the SQL of a `pg_dump` output: no comments, `SET`s, `set_config` calls,
/// `\restrict` guards (pg_dump ≥ 15.14) or blank lines.
pub(crate) fn normalize_dump(dump: &str) -> String {
    dump.lines()
        .filter(|line| {
            !(line.is_empty()
                || line.starts_with("--")
                || line.starts_with("SET ")
                || line.starts_with("SELECT pg_catalog.set_config")
                || line.starts_with("\\restrict")
                || line.starts_with("\\unrestrict"))
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Every row of the fixture tables, as JSON, in a stable order.
pub(crate) async fn rows(client: &Client) -> anyhow::Result<Vec<String>> {
    let mut all = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT row_to_json(t)::text FROM \"{table}\" t ORDER BY 1");
        for row in client.query(&sql, &[]).await? {
            all.push(format!("{table}: {}", row.get::<_, String>(0)));
        }
    }
    Ok(all)
}

/// Whether the ledger table exists.
pub(crate) async fn has_ledger(client: &Client) -> anyhow::Result<bool> {
    let row = client
        .query_one(
            "SELECT to_regclass($1) IS NOT NULL",
            &[&spinstack_migrate::LEDGER_TABLE],
        )
        .await?;
    Ok(row.get(0))
}

/// The ledger: (version, name, checksum, adopted) by version.
pub(crate) async fn ledger(client: &Client) -> anyhow::Result<Vec<(i32, String, String, bool)>> {
    let sql = format!(
        "SELECT version, name, checksum, adopted FROM {} ORDER BY version",
        spinstack_migrate::LEDGER_TABLE
    );
    Ok(client
        .query(&sql, &[])
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
        .collect())
}

/// The baseline migration, `0001_better_auth`.
pub(crate) fn baseline() -> spinstack_migrate::Migration {
    spinstack_migrate::embedded()[0]
}

/// Runs the binary with `--database-url url`, `DATABASE_URL` unset, in directory `dir`.
pub(crate) async fn run_bin(url: &str, dir: &Path) -> anyhow::Result<Output> {
    Ok(Command::new(BIN)
        .args(["--database-url", url])
        .env_remove("DATABASE_URL")
        .current_dir(dir)
        .output()
        .await?)
}

/// Runs the binary again, with the URL in `DATABASE_URL` rather than `--database-url`,
/// asserts that it found nothing to do, and returns what it printed.
pub(crate) async fn rerun_through_env(url: &str) -> anyhow::Result<String> {
    let output = Command::new(BIN).env("DATABASE_URL", url).output().await?;
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains(" already applied\n"), "{out}");
    assert!(out.ends_with("up to date\n"), "{out}");
    Ok(out)
}

/// What a run printed on stdout.
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What a run printed on stderr.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that the report `out` of a run on a Better-T-Stack SQLite file says that
/// `0001` was adopted and every later SQLite migration applied.
pub(crate) fn assert_sqlite_adopted(out: &str) {
    assert!(
        out.contains("0001_better_auth  adopted (existing tables match; no row touched)\n"),
        "{out}"
    );
    let later = spinstack_sqlite_schema::embedded().len() - 1;
    assert!(
        out.ends_with(&format!("{later} applied, 1 adopted\n")),
        "{out}"
    );
}
