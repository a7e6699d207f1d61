//! The zero-setup first run on Spin's SQLite (issue #12): the app started with no
//! variables at all on an empty state directory creates its schema, generates and keeps
//! a development secret, survives a restart, takes concurrent sign-ups without a
//! `database is locked` 500, lets two runtimes race the first migration, and refuses
//! to run in production without a secret.

use anyhow::{Context, Result, ensure};
use serde_json::json;
use spinstack_e2e::app::{App, WEB_ORIGIN};
use spinstack_e2e::db::TestDb;
use spinstack_e2e::http::Reply;

fn sign_up(app: &App, email: &str) -> Result<Reply> {
    app.post_json(
        "/api/auth/sign-up/email",
        None,
        &json!({ "email": email, "password": "password1234", "name": "First Run" }),
    )
}

fn sign_in(app: &App, email: &str) -> Result<Reply> {
    app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({ "email": email, "password": "password1234" }),
    )
}

fn private_data(app: &App, cookie: &str) -> Result<Reply> {
    app.request(
        "POST",
        "/rpc/privateData",
        &[
            ("origin", WEB_ORIGIN),
            ("content-type", "application/json"),
            ("cookie", cookie),
        ],
        b"{}",
    )
}

#[tokio::test]
async fn nothing_configured_serves_the_app_and_survives_a_restart() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let app = App::launch(Some(dir.path()), &[])?;
    assert!(
        app.stdout_text().contains("Storing default SQLite data to")
            && app.stdout_text().contains("sqlite_db.db"),
        "Spin's start-up line names the database file: {}",
        app.stdout_text()
    );

    let health = app.request(
        "POST",
        "/rpc/healthCheck",
        &[("content-type", "application/json")],
        b"{}",
    )?;
    assert_eq!(
        (health.status, health.text().as_str()),
        (200, r#"{"json":"OK"}"#)
    );
    let created = sign_up(&app, "first@example.com")?;
    assert_eq!(created.status, 200, "{}", created.text());
    let cookie = created
        .cookie_pair("better-auth.session_token")
        .context("session cookie")?;
    assert!(
        app.stderr_shows("better_auth_secret is not set"),
        "the generated secret is announced: {}",
        app.stderr_text()
    );
    let private = private_data(&app, &cookie)?;
    assert_eq!(private.status, 200, "{}", private.text());
    assert_eq!(
        private.json()?["json"]["user"]["email"],
        "first@example.com"
    );
    drop(app);

    // The data and the generated secret live in the state directory.
    let db = TestDb::unmigrated_sqlite_in(dir);
    let stored = db
        .query_one(
            "SELECT value FROM spinstack_settings WHERE name = 'better_auth_secret'",
            &[],
        )
        .await?
        .text(0)?;
    ensure!(
        stored.len() >= 32,
        "a generated secret of {} characters",
        stored.len()
    );
    let app = App::launch(db.state_dir(), &[])?;
    assert!(
        !app.stderr_text().contains(&stored),
        "the secret never reaches the log"
    );
    let session = app.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(
        session.json()?["user"]["email"],
        "first@example.com",
        "the cookie signed before the restart still resolves: {}",
        session.text()
    );
    let again = sign_in(&app, "first@example.com")?;
    assert_eq!(again.status, 200, "{}", again.text());
    Ok(())
}

#[tokio::test]
async fn fifty_concurrent_sign_ups_on_sqlite() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let app = std::sync::Arc::new(App::launch(Some(dir.path()), &[])?);
    let racers: Vec<_> = (0..50)
        .map(|i| {
            let app = std::sync::Arc::clone(&app);
            // Ten of them sign up the same address.
            let email = if i % 5 == 0 {
                "same@example.com".to_owned()
            } else {
                format!("user{i}@example.com")
            };
            std::thread::spawn(move || sign_up(&app, &email).map(|r| (email, r.status, r.text())))
        })
        .collect();
    let mut distinct_ok = 0;
    let mut same = Vec::new();
    for racer in racers {
        let (email, status, text) = racer
            .join()
            .map_err(|_| anyhow::anyhow!("racer panicked"))??;
        ensure!(status < 500, "{email}: {status} {text}");
        if email == "same@example.com" {
            same.push(status);
        } else {
            ensure!(status == 200, "{email}: {status} {text}");
            distinct_ok += 1;
        }
    }
    same.sort_unstable();
    assert_eq!(distinct_ok, 40);
    assert_eq!(same, [200, 422, 422, 422, 422, 422, 422, 422, 422, 422]);
    drop(app);
    let db = TestDb::unmigrated_sqlite_in(dir);
    let counts = db
        .query_one(
            r#"SELECT (SELECT count(*) FROM "user"), (SELECT count(*) FROM account), (SELECT count(*) FROM session),
                      (SELECT count(*) FROM "user" WHERE email = 'same@example.com')"#,
            &[],
        )
        .await?;
    assert_eq!(
        (
            counts.i64(0)?,
            counts.i64(1)?,
            counts.i64(2)?,
            counts.i64(3)?
        ),
        (41, 41, 41, 1)
    );
    Ok(())
}

#[tokio::test]
async fn two_runtimes_race_the_first_migration() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let first = std::sync::Arc::new(App::launch(Some(dir.path()), &[])?);
    let second = std::sync::Arc::new(App::launch(Some(dir.path()), &[])?);
    let racers: Vec<_> = (0..8)
        .map(|i| {
            let app = std::sync::Arc::clone(if i % 2 == 0 { &first } else { &second });
            std::thread::spawn(move || {
                sign_up(&app, &format!("racer{i}@example.com")).map(|r| (r.status, r.text()))
            })
        })
        .collect();
    for racer in racers {
        let (status, text) = racer
            .join()
            .map_err(|_| anyhow::anyhow!("racer panicked"))??;
        assert_eq!(status, 200, "{text}");
    }
    drop((first, second));
    let db = TestDb::unmigrated_sqlite_in(dir);
    let ledger = db
        .query(
            "SELECT version, count(*) FROM spinstack_migrations GROUP BY version ORDER BY version",
            &[],
        )
        .await?;
    ensure!(!ledger.is_empty(), "migrated");
    for row in &ledger {
        assert_eq!(row.i64(1)?, 1, "migration {} recorded once", row.i64(0)?);
    }
    assert_eq!(db.count(r#"SELECT count(*) FROM "user""#, &[]).await?, 8);
    // One secret for both runtimes: a cookie from one resolves on the other.
    let secrets = db
        .count("SELECT count(*) FROM spinstack_settings", &[])
        .await?;
    assert_eq!(secrets, 1);
    Ok(())
}

#[tokio::test]
async fn production_without_a_secret_is_a_configuration_error() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let app = App::launch(
        Some(dir.path()),
        &[("node_env".to_owned(), "production".to_owned())],
    )?;
    // Every route, each in its protocol's error format, names the variable.
    let sign_up = sign_up(&app, "prod@example.com")?;
    let health = app.request(
        "POST",
        "/rpc/healthCheck",
        &[("content-type", "application/json")],
        b"{}",
    )?;
    let document = app.request("GET", "/api-reference/spec.json", &[], b"")?;
    for (route, reply) in [
        ("sign-up", &sign_up),
        ("healthCheck", &health),
        ("spec.json", &document),
    ] {
        assert_eq!(reply.status, 500, "{route}: {}", reply.text());
        assert!(
            reply.text().contains("better_auth_secret"),
            "{route}: {}",
            reply.text()
        );
    }
    assert!(
        sign_up.json()?["code"].is_string(),
        "Better Auth's error JSON"
    );
    assert_eq!(health.json()?["json"]["code"], "INTERNAL_SERVER_ERROR");
    assert!(
        app.stderr_shows("better_auth_secret"),
        "{}",
        app.stderr_text()
    );
    drop(app);
    let db = TestDb::unmigrated_sqlite_in(dir);
    if db.sqlite_file().is_some_and(|file| file.exists()) {
        let users = db
            .count(r#"SELECT count(*) FROM "user""#, &[])
            .await
            .unwrap_or(0);
        assert_eq!(users, 0, "nothing was written");
    }
    Ok(())
}

#[tokio::test]
async fn an_in_memory_database_is_refused_rather_than_losing_data() -> Result<()> {
    // `spin up --state-dir ""` (or a registry app without a state dir): Spin's `default`
    // database is a fresh one per connection, so no session could outlive its request.
    let app = App::launch(Some(std::path::Path::new("")), &[])?;
    let reply = sign_up(&app, "lost@example.com")?;
    assert_eq!(reply.status, 500, "{}", reply.text());
    assert!(
        app.stderr_shows("in memory"),
        "the log says why and what to do: {}",
        app.stderr_text()
    );
    let health = app.request(
        "POST",
        "/rpc/healthCheck",
        &[("content-type", "application/json")],
        b"{}",
    )?;
    assert_eq!(
        health.status, 200,
        "routes without the database keep working"
    );
    Ok(())
}

#[tokio::test]
async fn a_database_url_of_another_kind_is_a_configuration_error_naming_it() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let url = "mysql://root:hunter2@db.example.com/app";
    let app = App::launch(
        Some(dir.path()),
        &[("database_url".to_owned(), url.to_owned())],
    )?;
    let reply = sign_up(&app, "mysql@example.com")?;
    assert_eq!(reply.status, 500, "{}", reply.text());
    assert!(app.stderr_shows("database_url"), "{}", app.stderr_text());
    assert!(!app.stderr_text().contains("hunter2") && !reply.text().contains("hunter2"));
    Ok(())
}

#[tokio::test]
async fn a_session_lookup_can_be_the_first_request_of_a_fresh_database() -> Result<()> {
    // The session component checks the schema only when a statement fails: a lookup on
    // an empty file must still migrate it and answer as usual.
    let dir = tempfile::tempdir()?;
    let secret = (
        "better_auth_secret".to_owned(),
        spinstack_e2e::app::SECRET.to_owned(),
    );
    let app = App::launch(Some(dir.path()), &[secret])?;
    let cookie = format!(
        "better-auth.session_token={}",
        spinstack_e2e::cookies::signed(
            spinstack_e2e::app::SECRET,
            "tokenOfNobody0000000000000000000"
        )
    );
    let session = app.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!((session.status, session.text().as_str()), (200, "null"));
    let private = private_data(&app, &cookie)?;
    assert_eq!(private.status, 401, "{}", private.text());
    drop(app);
    let db = TestDb::unmigrated_sqlite_in(dir);
    assert!(
        db.count("SELECT count(*) FROM spinstack_migrations", &[])
            .await?
            > 0,
        "the lookup migrated the database"
    );
    Ok(())
}

#[tokio::test]
async fn the_harness_finds_a_remembered_value_in_the_log() -> Result<()> {
    // Every App scans its log for the secrets it saw when it is dropped; prove the scan
    // sees what is there: the state directory's path is in the start-up line.
    let dir = tempfile::tempdir()?;
    let app = App::launch(Some(dir.path()), &[])?;
    let path = dir.path().to_string_lossy().into_owned();
    assert!(app.leaked_secrets().is_empty());
    app.remember_secret("a planted value", &path);
    assert_eq!(app.leaked_secrets(), ["a planted value"]);
    app.forget_secrets();
    Ok(())
}
