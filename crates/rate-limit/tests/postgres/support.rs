//! Throwaway migrated databases, and the statements run as the `auth` component runs
//! them: typed parameters in [`HitParams`] order, one row decoded into a [`HitRow`].

use std::{
    path::Path,
    sync::atomic::{AtomicU32, Ordering},
};

use anyhow::Context as _;
use spinstack_rate_limit::{
    Decision, Error, RateLimitStore, Rule,
    sql::{HIT, HitParams, HitRow, SWEEP},
};
use tokio_postgres::{Client, NoTls};

const PREFIX: &str = "spinstack_rate_limit_t_";
static COUNTER: AtomicU32 = AtomicU32::new(0);
static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// The server's URL, from `DATABASE_URL`.
fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// `url` with its database replaced by `name` (`postgres://host[:port]/db[?query]`).
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
async fn connect(url: &str) -> anyhow::Result<Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    tokio::spawn(connection);
    Ok(client)
}

/// A migrated database of one test's own, dropped (from another connection) when
/// dropped.
pub(crate) struct TestDb {
    name: String,
    url: String,
}

impl TestDb {
    /// Creates a database with a name unique to this process and test, and migrates it.
    pub(crate) async fn new() -> anyhow::Result<Self> {
        SWEPT.get_or_try_init(sweep_leftovers).await?;
        let name = format!(
            "{PREFIX}{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        connect(&server_url())
            .await?
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .with_context(|| format!("creating database {name}"))?;
        let db = Self {
            url: with_dbname(&server_url(), &name)?,
            name,
        };
        spinstack_migrate::migrate(&mut db.connect().await?).await?;
        Ok(db)
    }

    /// A new connection to the database.
    pub(crate) async fn connect(&self) -> anyhow::Result<Client> {
        connect(&self.url).await
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
            connect(&server_url())
                .await?
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
            Ok(())
        })
}

/// Drops databases left by test processes that were killed before their guards ran.
async fn sweep_leftovers() -> anyhow::Result<()> {
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

/// Runs [`HIT`] as the component does. `query_one` fails unless exactly one row comes
/// back, which enforces DESIGN.md's zero-row rule in every test that hits.
pub(crate) async fn hit(
    client: &Client,
    key: &str,
    rule: Rule,
    now_ms: i64,
) -> anyhow::Result<HitRow> {
    let p = HitParams::new(key, rule, now_ms);
    let row = client
        .query_one(HIT, &[&p.key, &p.now_ms, &p.window_ms, &p.max])
        .await
        .context("HIT must return exactly one row")?;
    Ok(HitRow {
        allowed: row.try_get(0)?,
        count: row.try_get(1)?,
        last_request: row.try_get(2)?,
        sweep: row.try_get(3)?,
    })
}

/// Runs [`SWEEP`] with `execute`; the number of entries deleted.
pub(crate) async fn sweep(client: &Client, before_ms: i64) -> anyhow::Result<u64> {
    Ok(client.execute(SWEEP, &[&before_ms]).await?)
}

/// The stored `(count, last_request)` of bucket `key`.
pub(crate) async fn stored(client: &Client, key: &str) -> anyhow::Result<Option<(i32, i64)>> {
    let row = client
        .query_opt(
            "SELECT count, last_request FROM spinstack_rate_limit WHERE key = $1",
            &[&key],
        )
        .await?;
    Ok(row.map(|row| (row.get(0), row.get(1))))
}

/// [`RateLimitStore`] over [`HIT`], blocking on a runtime of its own as Spin's
/// synchronous PostgreSQL calls do; what the `auth` component's store looks like.
pub(crate) struct PgStore {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl PgStore {
    /// Connects to `db` (call from a plain thread, not from inside a runtime).
    pub(crate) fn open(db: &TestDb) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let client = runtime.block_on(db.connect())?;
        Ok(Self { runtime, client })
    }
}

impl RateLimitStore for PgStore {
    fn hit(&self, key: &str, rule: Rule, now_ms: i64) -> Result<Decision, Error> {
        self.runtime.block_on(async {
            let row = hit(&self.client, key, rule, now_ms)
                .await
                .map_err(|e| Error::Store(format!("{e:#}")))?;
            if let Some(before) = row.sweep_before(now_ms) {
                // Housekeeping only: a failure would be logged, never returned.
                if let Err(e) = sweep(&self.client, before).await {
                    eprintln!("rate-limit sweep failed: {e:#}");
                }
            }
            Ok(row.decision(rule, now_ms))
        })
    }
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
    assert_eq!(with_dbname("postgres://h", "x")?, "postgres://h/x");
    Ok(())
}
