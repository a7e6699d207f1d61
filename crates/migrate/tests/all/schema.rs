//! `migrations/0001_better_auth.sql` against the schema today's generator pushes.

use spinstack_migrate::migrate_with;

use crate::support::{DRIZZLE_KIT_0_31, REFERENCE_PG_DUMP, TestDb, baseline, normalize_dump};

#[tokio::test]
async fn baseline_dumps_exactly_like_the_reference() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db.connect().await?;
    migrate_with(&mut client, &[baseline()]).await?;

    let ours = db.schema_dump(&[]).await?;

    assert_eq!(
        ours,
        normalize_dump(REFERENCE_PG_DUMP),
        "pg_dump of 0001 differs from the reference dump"
    );
    Ok(())
}

#[tokio::test]
async fn drizzle_kit_0_31_fixture_differs_from_the_reference_only_in_names() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    db.connect_with(&[DRIZZLE_KIT_0_31]).await?;

    let renamed = db
        .schema_dump(&[])
        .await?
        .replace("_unique ", "_key ")
        .replace("_fk ", "_fkey ");

    assert_eq!(renamed, normalize_dump(REFERENCE_PG_DUMP));
    Ok(())
}
