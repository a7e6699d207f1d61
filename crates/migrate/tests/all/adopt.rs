//! Adopting databases that Better-T-Stack created before spinstack-migrate existed.

use spinstack_migrate::{Migration, migrate, migrate_with};

use crate::support::{DRIZZLE_KIT_0_31, REFERENCE_PG_DUMP, ROWS, TestDb, baseline, ledger, rows};

/// A later migration, to show that it runs normally after adoption.
const LATER: Migration = Migration::new(9000, "later", "CREATE TABLE later (id integer);");

#[tokio::test]
async fn adopts_drizzle_kit_0_31_schema_without_touching_rows() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db.connect_with(&[DRIZZLE_KIT_0_31, ROWS]).await?;
    let rows_before = rows(&client).await?;
    assert_eq!(rows_before.len(), 5, "{rows_before:?}");
    let dump_before = db.schema_dump(&[]).await?;

    let report = migrate_with(&mut client, &[baseline(), LATER]).await?;

    assert_eq!(report.adopted(), [1], "{report}");
    assert_eq!(report.applied(), [9000], "{report}");
    assert_eq!(rows(&client).await?, rows_before);
    // Constraint names and everything else of the user's stay as they were.
    assert_eq!(db.schema_dump(&["later"]).await?, dump_before);
    assert!(dump_before.contains("user_email_unique"));
    assert_eq!(
        ledger(&client).await?,
        [
            (1, "better_auth".to_owned(), baseline().checksum(), true),
            (9000, "later".to_owned(), LATER.checksum(), false),
        ]
    );

    let again = migrate_with(&mut client, &[baseline(), LATER]).await?;
    assert!(!again.changed(), "{again}");
    assert_eq!(again.already_applied(), [1, 9000]);
    Ok(())
}

#[tokio::test]
async fn adopts_schema_pushed_by_todays_generator() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db.connect_with(&[REFERENCE_PG_DUMP, ROWS]).await?;
    let rows_before = rows(&client).await?;
    let dump_before = db.schema_dump(&[]).await?;

    let report = migrate(&mut client).await?;

    assert_eq!(report.adopted(), [1], "{report}");
    assert_eq!(rows(&client).await?, rows_before);
    if report.applied().is_empty() {
        assert_eq!(db.schema_dump(&[]).await?, dump_before);
    }
    assert!(migrate(&mut client).await?.already_applied().contains(&1));
    Ok(())
}
