//! SQLite databases made by the real Better-T-Stack toolchain: `tests/drizzle`'s
//! `make-bts-db.mjs` pushes the template's auth schema with npm drizzle-kit 1.0.0-rc.4
//! (as the generator's `db:push`) and signs a user up through npm better-auth 1.7.5
//! (scrypt password hash); `spinstack-migrate --database-url file:…` must adopt it
//! without touching a row. And the other way round: what our `0001` creates is what
//! drizzle-kit pushes, so drizzle-kit finds nothing to change in it.
//!
//! Needs Node.js and the packages of `tests/drizzle`, installed with
//! `npm ci --prefix tests/drizzle --no-audit --no-fund` from the workspace root.

use std::path::{Path, PathBuf};
use std::process::Output;

use anyhow::{Context as _, bail};
use serde_json::Value;
use spinstack_sql::native::SqliteConnection;
use spinstack_sql::{Connection as _, Row};
use spinstack_sqlite_schema::{Status, ensure_migrated};
use tokio::process::Command;

use crate::support::{assert_sqlite_adopted, run_bin};

const INSTALL: &str = "npm ci --prefix tests/drizzle --no-audit --no-fund";

/// `tests/drizzle`, after checking that its packages are installed.
fn drizzle_dir() -> anyhow::Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/drizzle");
    if !dir.join("node_modules/drizzle-kit/package.json").is_file()
        || !dir.join("node_modules/better-auth/package.json").is_file()
    {
        bail!(
            "tests/drizzle/node_modules is missing: install the pinned npm packages with \
             `{INSTALL}` (from the workspace root), then run the tests again"
        );
    }
    Ok(dir)
}

fn node() -> String {
    std::env::var("NODE").unwrap_or_else(|_| "node".to_owned())
}

fn text(output: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs `make-bts-db.mjs` and returns what it prints (the database and its user).
async fn make_bts_db(out: &Path, todo: bool) -> anyhow::Result<Value> {
    let dir = drizzle_dir()?;
    let mut command = Command::new(node());
    command.current_dir(&dir).arg("make-bts-db.mjs").arg(out);
    if todo {
        command.arg("--todo");
    }
    let output = command.output().await.context("running node")?;
    if !output.status.success() {
        bail!("make-bts-db.mjs failed:\n{}", text(&output));
    }
    serde_json::from_slice(&output.stdout)
        .with_context(|| format!("make-bts-db.mjs printed no JSON:\n{}", text(&output)))
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> anyhow::Result<&'a str> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .with_context(|| format!("{pointer} missing in {value}"))
}

/// Every row of Better Auth's tables and the todo table.
fn rows(db: &SqliteConnection) -> anyhow::Result<Vec<(String, Row)>> {
    let mut out = Vec::new();
    for table in ["user", "account", "session", "verification", "todo"] {
        for row in db.query(&format!("SELECT * FROM `{table}` ORDER BY 1"), &[])? {
            out.push((table.to_owned(), row));
        }
    }
    Ok(out)
}

/// better-auth's scrypt hash: 16 bytes of salt and a 64-byte key, hex, `salt:key`.
fn is_better_auth_scrypt(hash: &str) -> bool {
    let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    hash.split_once(':')
        .is_some_and(|(salt, key)| hex(salt, 32) && hex(key, 128))
}

#[tokio::test]
async fn adopts_a_database_pushed_by_drizzle_kit_with_a_better_auth_user() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("local.db");
    let made = make_bts_db(&path, true).await?;
    assert_eq!(str_at(&made, "/versions/drizzleKit")?, "1.0.0-rc.4");
    assert_eq!(str_at(&made, "/versions/betterAuth")?, "1.7.5");
    let hash = str_at(&made, "/user/passwordHash")?;
    assert!(is_better_auth_scrypt(hash), "{hash}");
    let db = SqliteConnection::open(&path)?;
    db.execute(
        "INSERT INTO todo (text, completed) VALUES ('keep me', 1)",
        &[],
    )?;
    let before = rows(&db)?;
    assert_eq!(
        before.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["user", "account", "session", "todo"]
    );

    let url = format!("file:{}", path.display());
    let output = run_bin(&url, tmp.path()).await?;

    assert!(output.status.success(), "{}", text(&output));
    assert_sqlite_adopted(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(rows(&db)?, before, "rows changed");
    // The user can still be found, and better-auth's hash is intact.
    let user = db.query(
        "SELECT u.id, u.email, a.password FROM user u \
         JOIN account a ON a.user_id = u.id AND a.provider_id = 'credential'",
        &[],
    )?;
    assert_eq!(user.len(), 1);
    assert_eq!(user[0].text(0)?, str_at(&made, "/user/id")?);
    assert_eq!(user[0].text(1)?, str_at(&made, "/user/email")?);
    assert_eq!(user[0].text(2)?, hash);
    let ledger = db.query(
        "SELECT version, adopted FROM spinstack_migrations ORDER BY version",
        &[],
    )?;
    assert_eq!((ledger[0].i64(0)?, ledger[0].bool(1)?), (1, true));

    // What the app does on its next request: one query, nothing to do.
    assert_eq!(
        ensure_migrated(&SqliteConnection::open(&path)?)?,
        Status::UpToDate
    );
    let again = run_bin(&url, tmp.path()).await?;
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stdout).ends_with("up to date\n"),
        "{}",
        text(&again)
    );
    Ok(())
}

#[tokio::test]
async fn our_schema_is_what_drizzle_kit_pushes() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let theirs = tmp.path().join("bts.db");
    make_bts_db(&theirs, true).await?;
    let ours = tmp.path().join("ours.db");
    spinstack_migrate::sqlite::migrate_sqlite_file(&ours)?;

    // SQLite keeps each CREATE statement's text: the same text, object for object.
    let objects = "SELECT type, name, tbl_name, sql FROM sqlite_master \
                   WHERE tbl_name NOT LIKE 'spinstack%' ORDER BY type, name";
    let theirs_objects = SqliteConnection::open(&theirs)?.query(objects, &[])?;
    let ours_objects = SqliteConnection::open(&ours)?.query(objects, &[])?;
    assert_eq!(ours_objects, theirs_objects);

    // drizzle-kit, asked to push the template's schema onto our database, has nothing
    // to do — as long as it is told to leave spinstack's own tables alone, which a
    // Better-T-Stack project must do too (`tablesFilter: ["!spinstack_*"]`).
    let output = Command::new(node())
        .current_dir(drizzle_dir()?)
        .args([
            "node_modules/drizzle-kit/bin.cjs",
            "push",
            "--dialect",
            "turso",
            "--schema",
            "./schema",
            "--explain",
            "--output",
            "json",
            "--tablesFilter",
            "!spinstack_*",
            "--url",
        ])
        .arg(format!("file:{}", ours.display()))
        .output()
        .await?;
    assert!(output.status.success(), "{}", text(&output));
    let plan: Value = serde_json::from_slice(&output.stdout)
        .with_context(|| format!("drizzle-kit printed no JSON:\n{}", text(&output)))?;
    assert_eq!(plan["status"], "no_changes", "{plan}");
    Ok(())
}
