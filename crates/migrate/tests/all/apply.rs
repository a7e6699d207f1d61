//! Applying migrations: fresh database, re-runs, failures, edits, concurrency.

use spinstack_migrate::{MigrateError, Migration, Outcome, embedded, migrate, migrate_with};

use crate::support::{TestDb, baseline, has_ledger, ledger};

#[tokio::test]
async fn fresh_database_gets_every_migration() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db.connect().await?;

    let report = migrate(&mut client).await?;

    let all: Vec<u32> = embedded().iter().map(Migration::version).collect();
    assert_eq!(report.applied(), all);
    assert!(report.adopted().is_empty() && report.already_applied().is_empty());
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY 1",
            &[],
        )
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    for table in [
        "account",
        "session",
        "spinstack_migrations",
        "user",
        "verification",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} missing: {tables:?}"
        );
    }
    let recorded = ledger(&client).await?;
    assert_eq!(
        recorded[0],
        (1, "better_auth".to_owned(), baseline().checksum(), false)
    );
    assert_eq!(recorded.len(), all.len());
    Ok(())
}

#[tokio::test]
async fn second_run_is_a_no_op() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db.connect().await?;
    migrate(&mut client).await?;
    let ledger_sql = "SELECT version, applied_at::text FROM spinstack_migrations ORDER BY 1";
    let before: Vec<(i32, String)> = client
        .query(ledger_sql, &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let dump_before = db.schema_dump(&[]).await?;

    let report = migrate(&mut client).await?;

    assert!(!report.changed(), "{report}");
    assert!(report.applied().is_empty());
    assert_eq!(report.already_applied().len(), embedded().len());
    assert_eq!(
        report.entries[0].outcome,
        Outcome::AlreadyApplied { adopted: false }
    );
    let after: Vec<(i32, String)> = client
        .query(ledger_sql, &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(before, after);
    assert_eq!(dump_before, db.schema_dump(&[]).await?);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_runs_apply_each_migration_once() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut runs = Vec::new();
    for _ in 0..4 {
        let mut client = db.connect().await?;
        runs.push(tokio::spawn(async move { migrate(&mut client).await }));
    }
    let mut applied = 0;
    for run in runs {
        let report = run.await??;
        applied += report.applied().len();
        assert_eq!(report.entries.len(), embedded().len(), "{report}");
    }
    assert_eq!(applied, embedded().len());
    let client = db.connect().await?;
    assert_eq!(ledger(&client).await?.len(), embedded().len());
    Ok(())
}

#[tokio::test]
async fn failed_migration_rolls_back_alone() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db.connect().await?;
    let todo = Migration::new(2, "todo", "CREATE TABLE todo (id serial PRIMARY KEY);");
    let broken = Migration::new(
        3,
        "broken",
        "CREATE TABLE half (id integer);\nINSERT INTO half VALUES ('not a number');\n",
    );

    let err = migrate_with(&mut client, &[baseline(), todo, broken])
        .await
        .err()
        .map(|e| e.to_string());

    let err = err.unwrap_or_default();
    assert!(
        err.starts_with("migration 0003_broken failed at line 2, nothing of it was applied: ERROR 22P02: invalid input syntax for type integer"),
        "{err}"
    );
    let versions: Vec<i32> = ledger(&client).await?.iter().map(|r| r.0).collect();
    assert_eq!(versions, [1, 2]);
    let exists = |table: &'static str| {
        let client = &client;
        async move {
            client
                .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
                .await
                .map(|row| row.get::<_, bool>(0))
        }
    };
    assert!(exists("todo").await?);
    assert!(!exists("half").await?, "the failed migration left a table");

    // Without the broken one, the list is complete again.
    let report = migrate_with(&mut client, &[baseline(), todo]).await?;
    assert_eq!(report.already_applied(), [1, 2]);
    Ok(())
}

#[tokio::test]
async fn edited_migration_is_refused() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db.connect().await?;
    migrate(&mut client).await?;
    let before = ledger(&client).await?;
    let edited = Migration::new(1, "better_auth", "CREATE TABLE sneaky (id integer);");
    // The later migrations stay as they are, so only the edit can be refused.
    let list: Vec<Migration> = std::iter::once(edited)
        .chain(embedded().iter().skip(1).copied())
        .collect();

    let err = migrate_with(&mut client, &list).await.err();

    let Some(MigrateError::ChecksumMismatch {
        id,
        recorded,
        current,
    }) = &err
    else {
        panic!("expected a checksum refusal, got {err:?}");
    };
    assert_eq!(id, "0001_better_auth");
    assert_eq!(recorded, &baseline().checksum());
    assert_eq!(current, &edited.checksum());
    let message = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.starts_with("migration 0001_better_auth was edited after it was applied"),
        "{message}"
    );
    assert_eq!(ledger(&client).await?, before);
    let sneaky = client
        .query_one("SELECT to_regclass('sneaky') IS NULL", &[])
        .await?;
    assert!(sneaky.get::<_, bool>(0));
    Ok(())
}

#[tokio::test]
async fn database_from_a_newer_build_is_refused() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db.connect().await?;
    let newer = Migration::new(9000, "from_the_future", "SELECT 1;");
    migrate_with(&mut client, &[baseline(), newer]).await?;

    let err = migrate_with(&mut client, &[baseline()]).await.err();

    assert!(
        matches!(&err, Some(MigrateError::UnknownApplied { versions }) if versions == &[9000]),
        "{err:?}"
    );
    assert!(has_ledger(&client).await?);
    Ok(())
}
