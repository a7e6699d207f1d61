//! Throwaway migrated databases, and the statements run as the `auth` component runs
//! them: typed parameters in [`HitParams`] order, one row decoded into a [`HitRow`].

use anyhow::Context as _;
use spinstack_rate_limit::{
    Decision, Error, RateLimitStore, Rule,
    sql::{HIT, HitParams, HitRow, SWEEP},
};
use spinstack_throwaway_db::ThrowawayDb;
use tokio_postgres::Client;

/// A migrated database of one test's own, dropped (from another connection) when
/// dropped.
pub(crate) struct TestDb(ThrowawayDb);

impl TestDb {
    /// Creates a database with a name unique to this process and test, and migrates it.
    pub(crate) async fn new() -> anyhow::Result<Self> {
        let db = Self(ThrowawayDb::create("spinstack_rate_limit_t_").await?);
        spinstack_migrate::migrate(&mut db.connect().await?).await?;
        Ok(db)
    }

    /// A new connection to the database.
    pub(crate) async fn connect(&self) -> anyhow::Result<Client> {
        self.0.connect().await
    }
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
