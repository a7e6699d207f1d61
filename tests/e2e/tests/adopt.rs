//! An existing Better-T-Stack SQLite database, made by the real toolchain
//! (`tests/drizzle/make-bts-db.mjs`: drizzle-kit's `db:push` of the template's schema,
//! then a user signed up through better-auth with a scrypt hash), served by the app as
//! Spin's `default` database: adopted without touching a row, and the user signs in
//! with their password. A database of another shape is refused with the differences
//! in the log, and nothing is changed.

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use spinstack_e2e::app::{App, SECRET};
use spinstack_e2e::db::TestDb;
use spinstack_e2e::repo_root;

/// Runs `make-bts-db.mjs` into `<dir>/sqlite_db.db`; returns what it printed.
fn make_bts_db(dir: &std::path::Path, todo: bool) -> Result<Value> {
    let drizzle = repo_root().join("tests/drizzle");
    ensure!(
        drizzle.join("node_modules").exists(),
        "tests/drizzle/node_modules is missing: run `npm ci --prefix tests/drizzle --no-audit --no-fund` (scripts/test does)"
    );
    let mut command = std::process::Command::new("node");
    command
        .arg("make-bts-db.mjs")
        .arg(dir.join("sqlite_db.db"))
        .current_dir(&drizzle);
    if todo {
        command.arg("--todo");
    }
    let output = command.output().context("running node")?;
    ensure!(
        output.status.success(),
        "make-bts-db.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(serde_json::from_slice(&output.stdout)?)
}

fn variables() -> Vec<(String, String)> {
    vec![("better_auth_secret".to_owned(), SECRET.to_owned())]
}

#[tokio::test]
async fn a_better_t_stack_database_is_adopted_and_its_users_sign_in() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let made = make_bts_db(dir.path(), true)?;
    let email = made["user"]["email"].as_str().context("email")?.to_owned();
    let password = made["user"]["password"]
        .as_str()
        .context("password")?
        .to_owned();
    let hash = made["user"]["passwordHash"]
        .as_str()
        .context("hash")?
        .to_owned();
    ensure!(
        !hash.starts_with("$argon2"),
        "better-auth wrote its scrypt hash: {hash}"
    );

    let db = TestDb::unmigrated_sqlite_in(dir);
    let before = db
        .query_one(r#"SELECT id, name, email, created_at FROM "user""#, &[])
        .await?;
    let app = App::launch(db.state_dir(), &variables())?;
    let wrong = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({ "email": email, "password": "not-the-password" }),
    )?;
    assert_eq!(wrong.status, 401, "{}", wrong.text());
    // Adopted, untouched: the same row, the same hash.
    let ledger = db
        .query(
            "SELECT version, adopted FROM spinstack_migrations ORDER BY version",
            &[],
        )
        .await?;
    assert_eq!(ledger.first().map(|r| r.i64(0)).transpose()?, Some(1));
    assert!(ledger[0].bool(1)?, "0001 recorded as adopted");
    assert_eq!(
        db.query_one(r#"SELECT id, name, email, created_at FROM "user""#, &[])
            .await?,
        before
    );
    let stored = db
        .query_one("SELECT password FROM account", &[])
        .await?
        .text(0)?;
    assert_eq!(stored, hash, "a failed sign-in changes nothing");

    let signed_in = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({ "email": email, "password": password }),
    )?;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    assert_eq!(signed_in.json()?["user"]["id"], made["user"]["id"]);
    let cookie = signed_in
        .cookie_pair("better-auth.session_token")
        .context("cookie")?;
    let session = app.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(session.json()?["user"]["email"], email.as_str());
    let upgraded = db
        .query_one("SELECT password FROM account", &[])
        .await?
        .text(0)?;
    assert!(
        upgraded.starts_with("$argon2id$"),
        "rehashed at sign-in: {upgraded}"
    );
    // The template's todo table, pushed by drizzle-kit, is the app's too.
    let todos = app.request(
        "POST",
        "/rpc/todo/getAll",
        &[("content-type", "application/json")],
        b"{}",
    )?;
    assert_eq!(todos.status, 200, "{}", todos.text());
    Ok(())
}

#[tokio::test]
async fn a_database_of_another_shape_is_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    make_bts_db(dir.path(), false)?;
    let db = TestDb::unmigrated_sqlite_in(dir);
    db.batch(r#"ALTER TABLE "user" ADD COLUMN nickname text"#)
        .await?;
    let users_before = db.count(r#"SELECT count(*) FROM "user""#, &[]).await?;
    let app = App::launch(db.state_dir(), &variables())?;
    let reply = app.post_json(
        "/api/auth/sign-up/email",
        None,
        &json!({ "email": "new@example.com", "password": "password1234", "name": "New" }),
    )?;
    assert_eq!(reply.status, 500, "{}", reply.text());
    assert!(
        !reply.text().contains("nickname"),
        "the reason is logged, not sent"
    );
    assert!(
        app.stderr_shows("nickname"),
        "the log lists the difference: {}",
        app.stderr_text()
    );
    drop(app);
    assert_eq!(
        db.count(r#"SELECT count(*) FROM "user""#, &[]).await?,
        users_before
    );
    let ledger = db
        .count(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'spinstack_migrations'",
            &[],
        )
        .await?;
    assert_eq!(ledger, 0, "nothing was created");
    Ok(())
}
