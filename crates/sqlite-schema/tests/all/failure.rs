//! A failing migration leaves nothing; an edited one is refused.

use spinstack_sql::Connection as _;
use spinstack_sqlite_schema::{
    Migration, SchemaError, Status, embedded, ensure_migrated_with, migrate_with,
};

use crate::support::{DRIZZLE_KIT_1_0, ROWS, TestDb, ledger, snapshot, tables, user_version};

const GOOD: Migration = Migration::new(
    2,
    "good",
    "CREATE TABLE `good` (`x` integer);\n--> statement-breakpoint\nINSERT INTO `good` VALUES (1);",
);
/// Its first statement works, its second does not.
const BROKEN: Migration = Migration::new(
    3,
    "broken",
    "-- a comment line\nCREATE TABLE `half` (`x` integer);\n--> statement-breakpoint\n\
     INSERT INTO `nowhere` VALUES (1);",
);

#[test]
fn a_failing_migration_leaves_nothing() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open()?;
    let before = snapshot(&conn)?;

    let err = ensure_migrated_with(&conn, &[embedded()[0], GOOD, BROKEN]).err();

    let Some(SchemaError::MigrationFailed {
        id,
        statement,
        line,
        cause,
    }) = &err
    else {
        panic!("expected a failed migration, got {err:?}");
    };
    assert_eq!((id.as_str(), *statement, *line), ("0003_broken", 2, 4));
    assert!(
        cause.to_string().contains("no such table: nowhere"),
        "{cause}"
    );
    let message = err.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(
        message.starts_with(
            "migration 0003_broken failed at statement 2 (line 4), nothing was changed: "
        ),
        "{message}"
    );
    // Not 0001, not 0002, not the half of 0003, no ledger, no user_version.
    assert!(tables(&conn)?.is_empty(), "{:?}", tables(&conn)?);
    assert_eq!(snapshot(&conn)?, before);

    // Fixed, it runs.
    let status = ensure_migrated_with(&conn, &[embedded()[0], GOOD])?;
    assert!(matches!(status, Status::Migrated(ref r) if r.applied() == [1, 2]));
    Ok(())
}

#[test]
fn a_failing_migration_after_adoption_leaves_the_users_database_as_it_was() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open_with(&[DRIZZLE_KIT_1_0, ROWS])?;
    let before = snapshot(&conn)?;

    let err = ensure_migrated_with(&conn, &[embedded()[0], GOOD, BROKEN]).err();

    assert!(
        matches!(err, Some(SchemaError::MigrationFailed { .. })),
        "{err:?}"
    );
    assert_eq!(snapshot(&conn)?, before);
    Ok(())
}

#[test]
fn an_edited_migration_is_refused() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open()?;
    migrate_with(&conn, &[embedded()[0], GOOD])?;
    let edited = Migration::new(2, "good", "CREATE TABLE `good` (`x` text);");
    let third = Migration::new(3, "third", "CREATE TABLE `third` (`x` integer);");

    // The migrator checks every checksum...
    let err = migrate_with(&conn, &[embedded()[0], edited]).err();
    assert!(
        matches!(&err, Some(SchemaError::ChecksumMismatch { id, .. }) if id == "0002_good"),
        "{err:?}"
    );
    // ...and so does the per-request path whenever it has something to apply.
    let before = snapshot(&conn)?;
    let err = ensure_migrated_with(&conn, &[embedded()[0], edited, third]).err();
    assert!(
        matches!(&err, Some(SchemaError::ChecksumMismatch { id, .. }) if id == "0002_good"),
        "{err:?}"
    );
    assert!(
        err.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("was edited after it was applied")
    );
    assert_eq!(snapshot(&conn)?, before);
    assert_eq!(ledger(&conn)?.len(), 2);
    Ok(())
}

#[test]
fn user_version_rolls_back_with_the_transaction() -> anyhow::Result<()> {
    // The fact the one-query check relies on: PRAGMA user_version lives in the database
    // header and is part of the transaction.
    let db = TestDb::new()?;
    let conn = db.open()?;
    conn.execute("BEGIN IMMEDIATE", &[])?;
    conn.execute("PRAGMA user_version = 7", &[])?;
    conn.execute("ROLLBACK", &[])?;
    assert_eq!(user_version(&conn)?, 0);
    Ok(())
}

#[test]
fn migration_lists_out_of_order_are_refused() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open()?;
    let err = ensure_migrated_with(&conn, &[GOOD, embedded()[0]]).err();
    assert!(
        matches!(err, Some(SchemaError::InvalidMigrations(_))),
        "{err:?}"
    );
    Ok(())
}
