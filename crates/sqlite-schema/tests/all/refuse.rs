//! Refusing what does not match — listing every difference — and changing nothing.

use spinstack_sqlite_schema::{SchemaError, ensure_migrated};

use crate::support::{DRIZZLE_KIT_0_31, DRIZZLE_KIT_1_0, ROWS, TestDb, snapshot};

/// Builds `schema` with rows, applies `change`, and checks that migrating is refused
/// with exactly `expected` and leaves the file exactly as it was.
fn assert_refused(schema: &str, change: &str, expected: &[&str]) -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open_with(&[schema, ROWS, change])?;
    let before = snapshot(&conn)?;

    let err = ensure_migrated(&conn).err();

    let Some(SchemaError::ShapeMismatch {
        differences,
        baseline,
    }) = &err
    else {
        panic!("expected a shape refusal, got {err:?}");
    };
    assert_eq!(baseline, "0001_better_auth");
    assert_eq!(differences, expected);
    let message = err.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(message.contains("nothing was changed"), "{message}");
    for line in expected {
        assert!(message.contains(&format!("\n  - {line}")), "{message}");
    }
    // No ledger, no user_version, no journal-mode switch, no row touched.
    assert_eq!(snapshot(&conn)?, before);
    assert_eq!(snapshot(&db.open()?)?, before);
    Ok(())
}

#[test]
fn refuses_a_missing_column() -> anyhow::Result<()> {
    assert_refused(
        DRIZZLE_KIT_1_0,
        "ALTER TABLE session DROP COLUMN user_agent;",
        &[r#"table "session": missing column "user_agent" (TEXT nullable)"#],
    )
}

#[test]
fn refuses_a_different_type() -> anyhow::Result<()> {
    // SQLite cannot alter a column's type: rebuild the table as someone might have.
    let change = DRIZZLE_KIT_0_31
        .split("--> statement-breakpoint")
        .find(|s| s.contains("CREATE TABLE `verification`"))
        .unwrap_or_default()
        .replace("`verification`", "`verification_new`")
        .replace(
            "`expires_at` integer NOT NULL",
            "`expires_at` text NOT NULL",
        );
    let change = format!(
        "{change}
         DROP TABLE verification;
         ALTER TABLE verification_new RENAME TO verification;
         CREATE INDEX verification_identifier_idx ON verification (identifier);"
    );
    assert_refused(
        DRIZZLE_KIT_0_31,
        &change,
        &[r#"table "verification": column "expires_at" has type TEXT, expected INTEGER"#],
    )
}

#[test]
fn refuses_and_lists_several_differences() -> anyhow::Result<()> {
    assert_refused(
        DRIZZLE_KIT_0_31,
        "DROP INDEX user_email_unique;
         DROP INDEX session_userId_idx;
         ALTER TABLE user ADD COLUMN role text DEFAULT 'user';
         CREATE INDEX account_provider ON account (provider_id, account_id);",
        &[
            r#"table "account": unexpected INDEX (provider_id, account_id)"#,
            r#"table "session": missing INDEX (user_id)"#,
            r#"table "user": unexpected column "role" (TEXT nullable DEFAULT 'user')"#,
            r#"table "user": missing UNIQUE (email)"#,
        ],
    )
}

#[test]
fn refuses_a_partial_schema() -> anyhow::Result<()> {
    assert_refused(
        DRIZZLE_KIT_1_0,
        "DROP TABLE verification;",
        &[r#"table "verification" is missing (found "account", "session", "user")"#],
    )
}

#[test]
fn refuses_other_foreign_key_actions() -> anyhow::Result<()> {
    let schema = DRIZZLE_KIT_0_31.replacen(
        "ON UPDATE no action ON DELETE cascade",
        "ON UPDATE cascade ON DELETE set null",
        1,
    );
    assert_refused(
        &schema,
        "",
        &[
            r#"table "account": foreign key (user_id) REFERENCES "user" (id) has ON DELETE SET NULL, expected ON DELETE CASCADE"#,
            r#"table "account": foreign key (user_id) REFERENCES "user" (id) has ON UPDATE CASCADE, expected ON UPDATE NO ACTION"#,
        ],
    )
}
