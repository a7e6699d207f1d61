//! Issue #16 item 4: `GET /api/health` for probes, on both backends — `200
//! {"status":"ok"}` when the configuration is valid and the database answers, `503` with
//! the failed check (never a value) otherwise; `GET /` stays `OK`.

use anyhow::Result;
use spinstack_e2e::app::{App, variables_with};
use spinstack_e2e::db::{Backend, TestDb};
use spinstack_e2e::http::Reply;

fn health(app: &App) -> Result<Reply> {
    app.request("GET", "/api/health", &[], b"")
}

fn answer(reply: &Reply) -> (u16, String) {
    (reply.status, reply.text())
}

/// The request lines (docs/logs.md) the health component wrote.
fn health_lines(app: &App) -> Vec<serde_json::Value> {
    app.stderr_text()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["component"] == "health")
        .collect()
}

const UNAVAILABLE_CONFIGURATION: &str = r#"{"status":"unavailable","failed":"configuration"}"#;

async fn health_reports_configuration_and_database(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let ok = health(&app)?;
    assert_eq!(answer(&ok), (200, r#"{"status":"ok"}"#.to_owned()));
    assert_eq!(ok.header("content-type"), Some("application/json"));
    assert_eq!(ok.header("cache-control"), Some("no-store"));
    assert_eq!(app.request("HEAD", "/api/health", &[], b"")?.status, 200);
    let post = app.request("POST", "/api/health", &[], b"")?;
    assert_eq!(
        (post.status, post.header("allow")),
        (405, Some("GET, HEAD"))
    );
    // The original server's answers around it are unchanged.
    assert_eq!(
        answer(&app.request("GET", "/", &[], b"")?),
        (200, "OK".into())
    );
    assert_eq!(app.request("GET", "/api/healthz", &[], b"")?.status, 404);
    let lines = health_lines(&app);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        (&lines[0]["route"], &lines[0]["status"], &lines[0]["method"]),
        (&"/api/health".into(), &200.into(), &"GET".into())
    );
    drop(app);

    // Invalid variables, read by the HTTP components or by the session library: 503
    // naming the check; the log names the variable, never its value.
    for (name, value) in [
        ("better_auth_secret", "too-short-secret-value"),
        ("cors_origin", "not an origin at all"),
        (
            "better_auth_secrets",
            "2:first-secret-that-is-long-enough-0123,oops-no-version",
        ),
        ("session_cookie_cache_strategy", "jwe-ish-strategy"),
    ] {
        let broken = App::start_with(&db, &variables_with(&db, &[(name, value)]))?;
        let reply = health(&broken)?;
        assert_eq!(
            answer(&reply),
            (503, UNAVAILABLE_CONFIGURATION.to_owned()),
            "{name}"
        );
        assert!(
            broken.stderr_shows(name),
            "{name}: {}",
            broken.stderr_text()
        );
        assert!(!broken.stderr_text().contains(value), "{name}");
        assert!(!reply.text().contains(value));
    }
    Ok(())
}

/// A PostgreSQL server that does not answer: the database check fails.
#[tokio::test]
async fn an_unreachable_database_is_reported() -> Result<()> {
    let db = TestDb::create(Backend::Postgres).await?;
    let url = db.url().replace(&format!(":{}/", db.port()), ":1/");
    let app = App::start_with(
        &db,
        &variables_with(&db, &[("database_url", &url), ("db_port", "1")]),
    )?;
    let reply = health(&app)?;
    assert_eq!(
        answer(&reply),
        (
            503,
            r#"{"status":"unavailable","failed":"database"}"#.to_owned()
        )
    );
    assert!(app.stderr_shows("health: database check failed"));
    let lines = health_lines(&app);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["error"], "database");
    Ok(())
}

spinstack_e2e::on_both_backends!(health_reports_configuration_and_database,);
