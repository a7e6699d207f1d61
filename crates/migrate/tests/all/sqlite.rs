//! SQLite files: `--database-url file:…` runs the app's own SQLite migrator natively.

use std::path::{Path, PathBuf};

use crate::support::{assert_sqlite_adopted, rerun_through_env, run_bin as run, stderr, stdout};
use spinstack_migrate::{MigrateError, Outcome, sqlite::migrate_sqlite_file};
use spinstack_sql::Connection as _;
use spinstack_sql::native::SqliteConnection;

/// Better Auth's tables as drizzle-kit 0.31.10 creates them for SQLite (the fixture of
/// `spinstack-sqlite-schema`'s tests).
const DRIZZLE_KIT_0_31: &str =
    include_str!("../../../sqlite-schema/tests/all/fixtures/drizzle_kit_0_31.sql");

/// A user with a credential account, as better-auth writes them.
const ROWS: &str = "
INSERT INTO `user` VALUES ('u1', 'Ada', 'ada@example.com', 1, NULL, 1796655220615, 1796655220615);
INSERT INTO `account` (id, account_id, provider_id, user_id, password, created_at, updated_at)
  VALUES ('a1', 'u1', 'credential', 'u1', 'c0ffee:beef', 1796655220622, 1796655220622);
";

/// `local.db` in `dir`: Better Auth's tables as drizzle-kit 0.31 creates them, a user,
/// then `extra` SQL.
fn drizzle_kit_0_31_file(dir: &Path, extra: &str) -> anyhow::Result<PathBuf> {
    let path = dir.join("local.db");
    SqliteConnection::open(&path)?
        .raw()
        .execute_batch(&format!("{DRIZZLE_KIT_0_31}{ROWS}{extra}"))?;
    Ok(path)
}

/// Everything in the file that a refused run must leave alone.
fn snapshot(path: &Path) -> anyhow::Result<String> {
    let db = SqliteConnection::open(path)?;
    let mut out = format!(
        "{:?}\n{:?}\n",
        db.query(
            "SELECT type, name, sql FROM sqlite_master ORDER BY 1, 2",
            &[]
        )?,
        db.query("PRAGMA user_version", &[])?
    );
    for table in ["user", "account"] {
        out.push_str(&format!(
            "{:?}\n",
            db.query(&format!("SELECT * FROM `{table}` ORDER BY 1"), &[])?
        ));
    }
    Ok(out)
}

#[tokio::test]
async fn binary_migrates_a_sqlite_file_and_reports() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("app.db");

    // A relative path, as Better-T-Stack's .env writes it.
    let first = run("file:app.db", dir.path()).await?;

    assert!(first.status.success(), "{}", stderr(&first));
    let out = stdout(&first);
    assert!(
        out.starts_with("migrating SQLite database \"app.db\" (new file)\n"),
        "{out}"
    );
    for id in [
        "0001_better_auth",
        "0002_rate_limit",
        "0003_todo",
        "0004_settings",
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(id) && l.ends_with("  applied")),
            "{out}"
        );
    }
    let all = spinstack_sqlite_schema::embedded().len();
    assert!(
        out.ends_with(&format!("{all} applied, 0 adopted\n")),
        "{out}"
    );
    assert!(path.exists());

    // Again, through DATABASE_URL and the sqlx-style absolute form: nothing to do.
    let out = rerun_through_env(&format!("sqlite://{}", path.display())).await?;
    assert!(out.contains("(existing file)\n"), "{out}");
    assert!(out.contains("0001_better_auth  already applied\n"), "{out}");
    Ok(())
}

#[tokio::test]
async fn binary_adopts_a_drizzle_kit_0_31_file_without_touching_rows() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = drizzle_kit_0_31_file(dir.path(), "")?;
    let db = SqliteConnection::open(&path)?;
    let rows_before = db.query("SELECT * FROM user", &[])?;

    let output = run(&format!("file://{}", path.display()), dir.path()).await?;

    assert!(output.status.success(), "{}", stderr(&output));
    assert_sqlite_adopted(&stdout(&output));
    assert_eq!(db.query("SELECT * FROM user", &[])?, rows_before);
    let password = db.query("SELECT password FROM account", &[])?;
    assert_eq!(password[0].text(0)?, "c0ffee:beef");
    Ok(())
}

#[tokio::test]
async fn binary_refuses_a_different_shape_and_changes_nothing() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = drizzle_kit_0_31_file(
        dir.path(),
        "ALTER TABLE account DROP COLUMN scope; ALTER TABLE user ADD COLUMN role text;",
    )?;
    let before = snapshot(&path)?;

    let output = run(&format!("file:{}", path.display()), dir.path()).await?;

    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains("refusing to adopt them, nothing was changed:\n"),
        "{err}"
    );
    assert!(
        err.contains("\n  - table \"account\": missing column \"scope\" (TEXT nullable)\n"),
        "{err}"
    );
    assert!(
        err.contains("\n  - table \"user\": unexpected column \"role\" (TEXT nullable)\n"),
        "{err}"
    );
    assert_eq!(snapshot(&path)?, before);
    Ok(())
}

#[tokio::test]
async fn binary_refuses_sqlite_urls_it_cannot_migrate() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    for (url, reason) in [
        ("file::memory:", "in-memory"),
        (
            "libsql://app-org.turso.io?authToken=s3cret",
            "remote libSQL/Turso",
        ),
        ("file:app.db?mode=ro", "query parameters"),
    ] {
        let output = run(url, dir.path()).await?;
        assert_eq!(output.status.code(), Some(1), "{url}");
        let err = stderr(&output);
        assert!(err.contains(reason), "{url}: {err}");
        assert!(!err.contains("s3cret"), "{err}");
    }
    assert_eq!(std::fs::read_dir(dir.path())?.count(), 0, "nothing created");
    Ok(())
}

#[test]
fn library_reports_in_the_postgresql_terms() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("app.db");

    let first = migrate_sqlite_file(&path)?;
    let again = migrate_sqlite_file(&path)?;

    let all: Vec<u32> = spinstack_sqlite_schema::embedded()
        .iter()
        .map(spinstack_sqlite_schema::Migration::version)
        .collect();
    assert_eq!(first.applied(), all);
    assert!(!again.changed());
    assert_eq!(
        again.entries[0].outcome,
        Outcome::AlreadyApplied { adopted: false }
    );
    let missing = migrate_sqlite_file(&dir.path().join("no/such/dir/app.db")).err();
    assert!(
        matches!(missing, Some(MigrateError::SqliteOpen { .. })),
        "{missing:?}"
    );
    Ok(())
}
