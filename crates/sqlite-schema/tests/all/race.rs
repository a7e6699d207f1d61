//! Racing instances: two connections to one file calling `ensure_migrated` at the same
//! moment both succeed, and the migrations are applied once.

use std::sync::{Arc, Barrier};
use std::thread;

use spinstack_sqlite_schema::{Status, ensure_migrated};

use crate::support::{
    DRIZZLE_KIT_1_0, ROWS, TestDb, all_versions, latest, ledger, rows, user_version,
};

/// Runs `ensure_migrated` on two fresh connections released together; returns their
/// reports' (applied, adopted) versions.
fn race(db: &TestDb) -> anyhow::Result<Vec<(Vec<u32>, Vec<u32>)>> {
    let start = Arc::new(Barrier::new(2));
    let path = db.path();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let start = Arc::clone(&start);
            let path = path.clone();
            thread::spawn(move || -> anyhow::Result<(Vec<u32>, Vec<u32>)> {
                let conn = spinstack_sql::native::SqliteConnection::open(&path)?;
                start.wait();
                Ok(match ensure_migrated(&conn)? {
                    Status::UpToDate => (Vec::new(), Vec::new()),
                    Status::Migrated(report) => (report.applied(), report.adopted()),
                })
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().map_err(|_| anyhow::anyhow!("thread panicked"))?)
        .collect()
}

#[test]
fn racing_instances_migrate_once() -> anyhow::Result<()> {
    // Several rounds, so that the threads really meet at the lock.
    for _ in 0..5 {
        let db = TestDb::new()?;
        let results = race(&db)?;

        let applied: Vec<u32> = results.iter().flat_map(|(a, _)| a.clone()).collect();
        assert_eq!(applied, all_versions(), "{results:?}");
        let conn = db.open()?;
        assert_eq!(ledger(&conn)?.len(), all_versions().len());
        assert_eq!(user_version(&conn)?, latest());
    }
    Ok(())
}

#[test]
fn racing_instances_adopt_once() -> anyhow::Result<()> {
    for _ in 0..3 {
        let db = TestDb::new()?;
        let rows_before = rows(&db.open_with(&[DRIZZLE_KIT_1_0, ROWS])?)?;

        let results = race(&db)?;

        let adopted: Vec<u32> = results.iter().flat_map(|(_, a)| a.clone()).collect();
        assert_eq!(adopted, [1], "{results:?}");
        let conn = db.open()?;
        assert_eq!(ledger(&conn)?.len(), all_versions().len());
        assert_eq!(rows(&conn)?, rows_before);
    }
    Ok(())
}
