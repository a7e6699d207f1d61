//! Refusing to adopt what does not match, and changing nothing when refusing.

use spinstack_migrate::{MigrateError, migrate};

use crate::support::{DRIZZLE_KIT_0_31, ROWS, TestDb, has_ledger, rows};

/// Builds the drizzle-kit 0.31 schema with rows, applies `change`, and checks that
/// migrating is refused with exactly `expected` and leaves everything as it was.
async fn assert_refused(change: &str, expected: &[&str]) -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db.connect_with(&[DRIZZLE_KIT_0_31, ROWS, change]).await?;
    let rows_before = rows(&client).await?;
    let dump_before = db.schema_dump(&[]).await?;

    let err = migrate(&mut client).await.err();

    let Some(MigrateError::ShapeMismatch { differences, .. }) = &err else {
        panic!("expected a shape refusal, got {err:?}");
    };
    assert_eq!(differences, expected);
    let message = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("nothing was changed"), "{message}");
    for line in expected {
        assert!(message.contains(&format!("\n  - {line}")), "{message}");
    }
    assert!(!has_ledger(&client).await?);
    assert_eq!(rows(&client).await?, rows_before);
    assert_eq!(db.schema_dump(&[]).await?, dump_before);
    Ok(())
}

#[tokio::test]
async fn refuses_missing_column() -> anyhow::Result<()> {
    assert_refused(
        "ALTER TABLE session DROP COLUMN user_agent",
        &[r#"table "session": missing column "user_agent" (text nullable)"#],
    )
    .await
}

#[tokio::test]
async fn refuses_nullability_change() -> anyhow::Result<()> {
    assert_refused(
        "ALTER TABLE session ALTER COLUMN token DROP NOT NULL",
        &[r#"table "session": column "token" is nullable, expected NOT NULL"#],
    )
    .await
}

#[tokio::test]
async fn refuses_foreign_key_action_change() -> anyhow::Result<()> {
    assert_refused(
        r#"ALTER TABLE account DROP CONSTRAINT account_user_id_user_id_fk;
           ALTER TABLE account ADD CONSTRAINT account_user_id_user_id_fk
               FOREIGN KEY (user_id) REFERENCES "user" (id) ON DELETE SET NULL;
           ALTER TABLE session DROP CONSTRAINT session_user_id_user_id_fk;
           ALTER TABLE session ADD CONSTRAINT session_user_id_user_id_fk
               FOREIGN KEY (user_id) REFERENCES "user" (id) ON DELETE CASCADE ON UPDATE CASCADE;"#,
        &[
            r#"table "account": foreign key (user_id) REFERENCES "user" (id) has ON DELETE SET NULL, expected ON DELETE CASCADE"#,
            r#"table "session": foreign key (user_id) REFERENCES "user" (id) has ON UPDATE CASCADE, expected ON UPDATE NO ACTION"#,
        ],
    )
    .await
}

#[tokio::test]
async fn refuses_missing_unique() -> anyhow::Result<()> {
    assert_refused(
        r#"ALTER TABLE "user" DROP CONSTRAINT user_email_unique"#,
        &[r#"table "user": missing UNIQUE (email)"#],
    )
    .await
}

#[tokio::test]
async fn refuses_and_lists_several_differences() -> anyhow::Result<()> {
    assert_refused(
        r#"ALTER TABLE verification ALTER COLUMN expires_at TYPE timestamp with time zone;
           ALTER TABLE session ALTER COLUMN updated_at SET DEFAULT now();
           DROP INDEX "account_userId_idx";
           ALTER TABLE "user" ADD COLUMN role text;"#,
        &[
            r#"table "account": missing index USING btree (user_id)"#,
            r#"table "session": column "updated_at" has DEFAULT now(), expected no default"#,
            r#"table "user": unexpected column "role" (text nullable)"#,
            r#"table "verification": column "expires_at" has type timestamp with time zone, expected timestamp without time zone"#,
        ],
    )
    .await
}

#[tokio::test]
async fn refuses_partial_schema() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let mut client = db
        .connect_with(&[
            DRIZZLE_KIT_0_31,
            ROWS,
            "DROP TABLE account; DROP TABLE verification;",
        ])
        .await?;
    let dump_before = db.schema_dump(&[]).await?;

    let err = migrate(&mut client).await.err();

    let Some(MigrateError::PartialSchema {
        present, missing, ..
    }) = &err
    else {
        panic!("expected a partial-schema refusal, got {err:?}");
    };
    assert_eq!(present, &["session", "user"]);
    assert_eq!(missing, &["account", "verification"]);
    assert_eq!(
        err.map(|e| e.to_string()).unwrap_or_default(),
        r#"found table(s) "session", "user" of 0001_better_auth but not "account", "verification"; refusing to adopt a partial schema, nothing was changed"#
    );
    assert!(!has_ledger(&client).await?);
    assert_eq!(db.schema_dump(&[]).await?, dump_before);
    Ok(())
}
