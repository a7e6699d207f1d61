//! `sql::SWEEP`: deletes expired entries only, skips entries a hit holds, never waits.

use spinstack_rate_limit::{Rule, sql::sweep_cutoff};

use crate::support::{TestDb, hit, stored, sweep};

const T0: i64 = 1_800_000_000_000;

#[tokio::test]
async fn sweeps_expired_entries_only() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let client = db.connect().await?;
    hit(&client, "old", Rule::MAIL, T0).await?;
    hit(&client, "edge", Rule::MAIL, T0 + 1).await?;
    hit(&client, "new", Rule::MAIL, T0 + 200_000).await?;

    let deleted = sweep(&client, T0 + 1).await?;

    assert_eq!(deleted, 1);
    assert_eq!(stored(&client, "old").await?, None);
    assert!(stored(&client, "edge").await?.is_some());
    assert!(stored(&client, "new").await?.is_some());
    // A swept bucket starts afresh, as an expired one would.
    assert!(hit(&client, "old", Rule::MAIL, T0 + 400_000).await?.allowed);
    // The cutoff keeps every entry of the last five minutes.
    assert_eq!(sweep(&client, sweep_cutoff(T0 + 300_002)).await?, 1);
    assert_eq!(stored(&client, "edge").await?, None);
    Ok(())
}

#[tokio::test]
async fn sweep_skips_locked_entries_without_waiting() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut holder = db.connect().await?;
    let sweeper = db.connect().await?;
    for key in ["held", "free"] {
        hit(&sweeper, key, Rule::DEFAULT, T0).await?;
    }
    // A hit in progress elsewhere holds its bucket's row.
    let tx = holder.transaction().await?;
    tx.query_one(
        "SELECT count FROM spinstack_rate_limit WHERE key = 'held' FOR UPDATE",
        &[],
    )
    .await?;
    sweeper
        .batch_execute("SET statement_timeout = '5s'")
        .await?;

    let deleted = sweep(&sweeper, T0 + 1).await?;

    assert_eq!(deleted, 1);
    assert_eq!(stored(&sweeper, "free").await?, None);
    tx.rollback().await?;
    assert!(stored(&sweeper, "held").await?.is_some());
    assert_eq!(sweep(&sweeper, T0 + 1).await?, 1);
    Ok(())
}
