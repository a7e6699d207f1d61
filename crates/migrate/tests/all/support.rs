//! Throwaway databases, fixtures and snapshots shared by the tests.

use std::{
    path::Path,
    sync::atomic::{AtomicU32, Ordering},
};

use anyhow::{Context as _, bail};
use tokio_postgres::{Client, NoTls};

/// Better Auth's tables as drizzle-kit 0.31 creates them (`*_unique`, `*_fk` names).
pub(crate) const DRIZZLE_KIT_0_31: &str = include_str!("fixtures/drizzle_kit_0_31.sql");
/// `pg_dump --schema-only` of a database pushed by today's generator (drizzle-kit 1.0 rc).
pub(crate) const REFERENCE_PG_DUMP: &str = include_str!("fixtures/reference_pg_dump.sql");
/// The reference system's rows plus a `todo` table of the user's.
pub(crate) const ROWS: &str = include_str!("fixtures/rows.sql");

/// Every table the fixtures fill.
pub(crate) const TABLES: [&str; 5] = ["user", "session", "account", "verification", "todo"];

const PREFIX: &str = "spinstack_migrate_t_";
static COUNTER: AtomicU32 = AtomicU32::new(0);
static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// The server's URL, from `DATABASE_URL`.
pub(crate) fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// `url` with its database replaced by `name`.
fn with_dbname(url: &str, name: &str) -> anyhow::Result<String> {
    let scheme_end = url
        .find("://")
        .context("DATABASE_URL must be a postgres:// URL for these tests")?
        + 3;
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let query = rest[authority_end..]
        .find('?')
        .map_or("", |q| &rest[authority_end + q..]);
    Ok(format!(
        "{}/{name}{query}",
        &url[..scheme_end + authority_end]
    ))
}

/// Connects, running the connection on the current runtime.
pub(crate) async fn connect(url: &str) -> anyhow::Result<Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    tokio::spawn(connection);
    Ok(client)
}

/// A database of one test's own, dropped (from another connection) when dropped.
pub(crate) struct TestDb {
    name: String,
    url: String,
}

impl TestDb {
    /// Creates an empty database with a name unique to this process and test.
    pub(crate) async fn new() -> anyhow::Result<Self> {
        SWEPT.get_or_try_init(sweep).await?;
        let name = format!(
            "{PREFIX}{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let admin = connect(&server_url()).await?;
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .with_context(|| format!("creating database {name}"))?;
        let url = with_dbname(&server_url(), &name)?;
        Ok(Self { name, url })
    }

    /// The database's URL.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// A new connection to the database.
    pub(crate) async fn connect(&self) -> anyhow::Result<Client> {
        connect(&self.url).await
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
            .arg(&self.url)
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

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which must not be blocked on; a thread
        // with a runtime of its own can.
        let dropped = std::thread::spawn(move || drop_database(&name)).join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}: {dropped:?}", self.name);
        }
    }
}

fn drop_database(name: &str) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let admin = connect(&server_url()).await?;
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
            Ok(())
        })
}

/// Drops databases left by test processes that were killed before their guards ran.
async fn sweep() -> anyhow::Result<()> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let admin = connect(&server_url()).await?;
    let rows = admin
        .query(
            "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)",
            &[&PREFIX],
        )
        .await?;
    for row in rows {
        let name: String = row.get(0);
        let pid = name[PREFIX.len()..].split('_').next().unwrap_or_default();
        if !pid.is_empty() && !Path::new("/proc").join(pid).exists() {
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
        }
    }
    Ok(())
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

#[test]
fn database_urls() -> anyhow::Result<()> {
    assert_eq!(
        with_dbname("postgres://postgres@127.0.0.1:5432/postgres", "x")?,
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_dbname("postgresql://u:p@h/db?sslmode=disable", "x")?,
        "postgresql://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_dbname("postgres://h?a=b", "x")?, "postgres://h/x?a=b");
    assert_eq!(with_dbname("postgres://h", "x")?, "postgres://h/x");
    Ok(())
}
