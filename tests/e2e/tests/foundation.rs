//! Issue 2's end-to-end checks: the real compiled components on spin-test-runtime,
//! composed with the `session` component, over a fresh PostgreSQL database.

use anyhow::Result;
use serde_json::json;
use spinstack_e2e::app::{App, OTHER_WEB_ORIGIN, SECRET, WEB_ORIGIN, variables_with};
use spinstack_e2e::cookies::signed;
use spinstack_e2e::db::{Backend, Param, TestDb};
use spinstack_e2e::http::Reply;
use spinstack_e2e::now_ms;

const JSON: (&str, &str) = ("content-type", "application/json");
const EVIL: &str = "http://evil.example.com";

fn body(reply: &Reply) -> String {
    reply.text()
}

async fn site_routes_health_check_and_unknown_paths(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;

    let root = app.request("GET", "/", &[], b"")?;
    assert_eq!((root.status, body(&root).as_str()), (200, "OK"));
    assert_eq!(
        root.header("content-type"),
        Some("text/plain;charset=utf-8")
    );

    let nope = app.request("GET", "/nope", &[], b"")?;
    assert_eq!((nope.status, body(&nope).as_str()), (404, "NOT_FOUND"));

    for (headers, payload) in [(vec![], &b""[..]), (vec![JSON], &b"{}"[..])] {
        let health = app.request("POST", "/rpc/healthCheck", &headers, payload)?;
        assert_eq!(
            (health.status, body(&health).as_str()),
            (200, r#"{"json":"OK"}"#)
        );
        assert_eq!(health.header("content-type"), Some("application/json"));
    }

    let get = app.request("GET", "/rpc/healthCheck", &[], b"")?;
    assert_eq!(get.status, 405);
    assert_eq!(
        body(&get),
        r#"{"json":{"defined":false,"code":"METHOD_NOT_SUPPORTED","status":405,"message":"Method Not Supported"}}"#
    );

    let malformed = app.request("POST", "/rpc/healthCheck", &[JSON], b"{bad")?;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.json()?["json"]["code"], "BAD_REQUEST");

    let unknown = app.request("POST", "/rpc/nope", &[], b"")?;
    assert_eq!(
        (unknown.status, body(&unknown).as_str()),
        (404, "Not Found")
    );

    let rest = app.request("POST", "/api-reference/healthCheck", &[], b"")?;
    assert_eq!((rest.status, body(&rest).as_str()), (200, r#""OK""#));

    let auth_unknown = app.request("GET", "/api/auth/nope", &[], b"")?;
    assert_eq!((auth_unknown.status, auth_unknown.body.len()), (404, 0));
    assert_eq!(auth_unknown.header("content-type"), None);

    let auth_put = app.request("PUT", "/api/auth/get-session", &[], b"")?;
    assert_eq!(
        (auth_put.status, body(&auth_put).as_str()),
        (405, "Method Not Allowed")
    );

    let ok = app.request("GET", "/api/auth/ok", &[], b"")?;
    assert_eq!((ok.status, body(&ok).as_str()), (200, r#"{"ok":true}"#));
    Ok(())
}

fn assert_cors_base(reply: &Reply) {
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("Content-Type, Authorization")
    );
    assert_eq!(reply.header("vary"), Some("Origin"));
}

async fn cors_preflights_and_actual_responses(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    // One path per component: rpc, auth, openapi, and the catch-all.
    for path in [
        "/rpc/privateData",
        "/api/auth/sign-in/email",
        "/api-reference/healthCheck",
        "/",
    ] {
        for origin in [WEB_ORIGIN, OTHER_WEB_ORIGIN] {
            let preflight = app.request(
                "OPTIONS",
                path,
                &[
                    ("origin", origin),
                    ("access-control-request-method", "POST"),
                    ("access-control-request-headers", "content-type"),
                ],
                b"",
            )?;
            assert_eq!(preflight.status, 204, "{path}");
            assert!(preflight.body.is_empty());
            assert_cors_base(&preflight);
            assert_eq!(
                preflight.header("access-control-allow-origin"),
                Some(origin),
                "{path}"
            );
            assert_eq!(
                preflight.header("access-control-allow-methods"),
                Some("GET, POST, OPTIONS")
            );
            assert_eq!(preflight.header("access-control-max-age"), Some("5"));
            // The template's quirk: the request's own header names, ","-joined on
            // preflights; the host's spin-* headers are not the client's.
            let exposed = preflight
                .header("access-control-expose-headers")
                .unwrap_or_default();
            assert!(
                exposed.contains(
                    "origin,access-control-request-method,access-control-request-headers"
                ),
                "{exposed}"
            );
            assert!(!exposed.contains("spin-"), "{exposed}");
        }
        let foreign = app.request(
            "OPTIONS",
            path,
            &[("origin", EVIL), ("access-control-request-method", "POST")],
            b"",
        )?;
        assert_eq!(foreign.status, 204);
        assert_cors_base(&foreign);
        assert_eq!(
            foreign.header("access-control-allow-origin"),
            None,
            "{path}"
        );
    }

    let allowed = app.request(
        "POST",
        "/rpc/healthCheck",
        &[("origin", WEB_ORIGIN), JSON],
        b"{}",
    )?;
    assert_eq!(allowed.status, 200);
    assert_cors_base(&allowed);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some(WEB_ORIGIN)
    );
    assert_eq!(
        allowed.header("access-control-allow-methods"),
        Some("GET, POST, OPTIONS")
    );

    let foreign = app.request("POST", "/rpc/healthCheck", &[("origin", EVIL), JSON], b"{}")?;
    assert_eq!(
        (foreign.status, body(&foreign).as_str()),
        (200, r#"{"json":"OK"}"#)
    );
    assert_cors_base(&foreign);
    assert_eq!(foreign.header("access-control-allow-origin"), None);

    let session = app.request(
        "GET",
        "/api/auth/get-session",
        &[("origin", WEB_ORIGIN)],
        b"",
    )?;
    assert_eq!(
        session.header("access-control-allow-origin"),
        Some(WEB_ORIGIN)
    );
    let not_found = app.request("GET", "/nope", &[("origin", WEB_ORIGIN)], b"")?;
    assert_eq!(
        not_found.header("access-control-allow-origin"),
        Some(WEB_ORIGIN)
    );
    Ok(())
}

/// Milliseconds since the epoch, truncated as Better Auth stores them.
const DAY: i64 = 86_400_000;

/// Inserts a user and a session with the given times (ms since epoch); returns the token.
async fn seed(db: &TestDb, suffix: &str, created: i64, expires: i64) -> Result<String> {
    let user_id = format!("user{suffix:0>28}");
    let token = format!("tok{suffix:A>29}");
    db.execute(
        r#"INSERT INTO "user" (id, name, email, email_verified, image, created_at, updated_at)
           VALUES ($1, $2, $3, $4, NULL, $5, $5)"#,
        &[
            Param::text(&user_id),
            Param::Text(format!("Alice {suffix}")),
            Param::Text(format!("alice{suffix}@example.com")),
            Param::Bool(false),
            Param::Millis(created),
        ],
    )
    .await?;
    db.execute(
        r#"INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id)
           VALUES ($1, $2, $3, $4, $4, '', 'e2e-agent', $5)"#,
        &[
            Param::Text(format!("sess{suffix:0>28}")),
            Param::Millis(expires),
            Param::text(&token),
            Param::Millis(created),
            Param::text(&user_id),
        ],
    )
    .await?;
    Ok(token)
}

fn iso(ms: i64) -> String {
    // Independent of the code under test: civil-from-days (H. Hinnant).
    let (days, rem) = (ms.div_euclid(DAY), ms.rem_euclid(DAY));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

async fn session_expiry(db: &TestDb, token: &str) -> Result<Option<i64>> {
    let rows = db
        .query(
            "SELECT expires_at FROM session WHERE token = $1",
            &[Param::text(token)],
        )
        .await?;
    Ok(rows.first().map(|r| r.millis(0)).transpose()?)
}

fn cookie(token: &str) -> String {
    format!("better-auth.session_token={}", signed(SECRET, token))
}

const CLEARED: [&str; 3] = [
    "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None",
    "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None",
    "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None",
];

async fn get_session_through_the_composed_session_component(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let now = now_ms();

    // No cookie: null, never cached, nothing set.
    let anonymous = app.request("GET", "/api/auth/get-session", &[], b"")?;
    assert_eq!((anonymous.status, body(&anonymous).as_str()), (200, "null"));
    assert_eq!(anonymous.header("cache-control"), Some("no-store"));
    assert_eq!(anonymous.header("pragma"), Some("no-cache"));
    assert!(anonymous.all("set-cookie").is_empty());

    // A validly signed cookie for a live session: the session and its user.
    let created = now - 3_600_000;
    let token = seed(&db, "1", created, created + 7 * DAY).await?;
    let live = app.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &cookie(&token))],
        b"",
    )?;
    assert_eq!(live.status, 200, "{}", body(&live));
    assert_eq!(
        live.json()?,
        json!({
            "session": {
                "expiresAt": iso(created + 7 * DAY), "token": token, "createdAt": iso(created),
                "updatedAt": iso(created), "ipAddress": "", "userAgent": "e2e-agent",
                "userId": format!("user{:0>28}", "1"), "id": format!("sess{:0>28}", "1"),
            },
            "user": {
                "name": "Alice 1", "email": "alice1@example.com", "emailVerified": false,
                "image": null, "createdAt": iso(created), "updatedAt": iso(created),
                "id": format!("user{:0>28}", "1"),
            }
        })
    );
    assert!(live.all("set-cookie").is_empty(), "no refresh within a day");
    assert_eq!(live.header("cache-control"), Some("no-store"));
    assert_eq!(live.header("content-type"), Some("application/json"));

    // The same cookie tampered with, or signed with another secret: null, nothing cleared.
    let good = cookie(&token);
    let tampered = good
        .replacen("%3D", "%3d", 1)
        .replacen(&token[..4], "XXXX", 1);
    let foreign_secret = format!(
        "better-auth.session_token={}",
        signed("another-secret-0123456789abcdefghijkl", &token)
    );
    for bad in [
        tampered,
        foreign_secret,
        format!("better-auth.session_token={token}"),
    ] {
        let reply = app.request("GET", "/api/auth/get-session", &[("cookie", &bad)], b"")?;
        assert_eq!(
            (reply.status, body(&reply).as_str()),
            (200, "null"),
            "{bad}"
        );
        assert!(reply.all("set-cookie").is_empty());
    }
    assert!(
        session_expiry(&db, &token).await?.is_some(),
        "row untouched"
    );
    Ok(())
}

async fn expired_session_clears_cookies_and_deletes_the_row(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let now = now_ms();
    let token = seed(&db, "2", now - 8 * DAY, now - 60_000).await?;
    let reply = app.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &cookie(&token))],
        b"",
    )?;
    assert_eq!((reply.status, body(&reply).as_str()), (200, "null"));
    assert_eq!(reply.all("set-cookie"), CLEARED);
    assert_eq!(
        session_expiry(&db, &token).await?,
        None,
        "expired row deleted"
    );

    // A well-signed cookie for a token that never existed clears cookies too.
    let ghost = app.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &cookie("ghost-token"))],
        b"",
    )?;
    assert_eq!(ghost.all("set-cookie"), CLEARED);
    Ok(())
}

async fn day_old_session_slides_unless_refresh_is_disabled(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let now = now_ms();
    let created = now - 2 * DAY;
    let token = seed(&db, "3", created, created + 7 * DAY).await?;

    let held = app.request(
        "GET",
        "/api/auth/get-session?disableRefresh=true",
        &[("cookie", &cookie(&token))],
        b"",
    )?;
    assert_eq!(held.status, 200);
    assert!(held.all("set-cookie").is_empty());
    assert_eq!(session_expiry(&db, &token).await?, Some(created + 7 * DAY));

    let before = now_ms();
    let slid = app.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &cookie(&token))],
        b"",
    )?;
    let after = now_ms();
    assert_eq!(slid.status, 200);
    assert_eq!(
        slid.all("set-cookie"),
        [format!(
            "{}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=None",
            cookie(&token)
        )]
    );
    let expiry = session_expiry(&db, &token).await?.unwrap_or_default();
    assert!(
        (before + 7 * DAY..=after + 7 * DAY).contains(&expiry),
        "expiry moved to now + 7 days"
    );
    assert_eq!(slid.json()?["session"]["expiresAt"], iso(expiry));
    assert_eq!(slid.json()?["session"]["createdAt"], iso(created));
    Ok(())
}

async fn https_base_url_uses_secure_prefixed_cookie_names(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start_with(
        &db,
        &variables_with(&db, &[("better_auth_url", "https://api.example.com")]),
    )?;
    let now = now_ms();
    let token = seed(&db, "4", now, now + 7 * DAY).await?;
    let secure = format!("__Secure-{}", cookie(&token));
    let reply = app.request("GET", "/api/auth/get-session", &[("cookie", &secure)], b"")?;
    assert_eq!(reply.json()?["session"]["token"], token.as_str());
    let plain = app.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &cookie(&token))],
        b"",
    )?;
    assert_eq!(body(&plain), "null", "the unprefixed name is ignored");
    Ok(())
}

#[tokio::test]
async fn database_and_configuration_failures_are_clean_errors() -> Result<()> {
    let db = TestDb::postgres().await?;
    let now = now_ms();
    let token = seed(&db, "5", now, now + 7 * DAY).await?;
    let failed = r#"{"message":"Failed to get session","code":"FAILED_TO_GET_SESSION"}"#;

    // A database nobody listens on (port 1), allowed by the manifest.
    let url = db.url().replace(&format!(":{}/", db.port()), ":1/");
    let app = App::start_with(
        &db,
        &variables_with(&db, &[("database_url", &url), ("db_port", "1")]),
    )?;
    let reply = app.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &cookie(&token))],
        b"",
    )?;
    assert_eq!((reply.status, body(&reply).as_str()), (500, failed));
    let anonymous = app.request("GET", "/api/auth/get-session", &[], b"")?;
    assert_eq!(body(&anonymous), "null", "no cookie, no database needed");
    drop(app);

    // A database host the manifest does not allow (loopback hosts always are): the log
    // says which variables to set.
    let app = App::start_with(
        &db,
        &variables_with(
            &db,
            &[(
                "database_url",
                "postgres://postgres@db.example.invalid:5432/app",
            )],
        ),
    )?;
    let reply = app.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &cookie(&token))],
        b"",
    )?;
    assert_eq!((reply.status, body(&reply).as_str()), (500, failed));
    assert!(app.stderr_shows("`db_host`"), "{}", app.stderr_text());
    drop(app);

    // A loopback database is reachable whatever name the URL uses, without db_host,
    // and with the URL spinstack-migrate takes (no sslmode: the app connects to
    // loopback without TLS, where Spin's client would reject a self-signed certificate).
    for name in ["localhost", "127.0.0.1"] {
        let url = db
            .url()
            .replacen(&db.host(), name, 1)
            .replace("?sslmode=disable", "");
        let mut variables = variables_with(&db, &[("database_url", &url)]);
        variables.retain(|(key, _)| key != "db_host" && key != "db_port");
        let app = App::start_with(&db, &variables)?;
        let reply = app.request(
            "GET",
            "/api/auth/get-session",
            &[("cookie", &cookie(&token))],
            b"",
        )?;
        assert_eq!(reply.status, 200, "{name}: {}", body(&reply));
        assert_eq!(reply.json()?["session"]["token"], token.as_str());
    }

    // A short secret: the session lookup fails cleanly and the log names the variable.
    let short_secret = variables_with(&db, &[("better_auth_secret", "short-secret-value")]);
    let app = App::start_with(&db, &short_secret)?;
    let reply = app.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &cookie(&token))],
        b"",
    )?;
    assert_eq!((reply.status, body(&reply).as_str()), (500, failed));
    assert!(
        app.stderr_shows("better_auth_secret"),
        "{}",
        app.stderr_text()
    );
    assert!(!app.stderr_text().contains("short-secret-value"));
    drop(app);

    // An invalid cors_origin: a clear error naming it, never its value.
    let app = App::start_with(
        &db,
        &variables_with(&db, &[("cors_origin", "not an origin")]),
    )?;
    let reply = app.request("POST", "/rpc/healthCheck", &[], b"")?;
    assert_eq!(reply.status, 500);
    let text = body(&reply);
    assert!(
        text.contains("cors_origin") && !text.contains("not an origin"),
        "{text}"
    );
    Ok(())
}

spinstack_e2e::on_both_backends!(
    site_routes_health_check_and_unknown_paths,
    cors_preflights_and_actual_responses,
    get_session_through_the_composed_session_component,
    expired_session_clears_cookies_and_deletes_the_row,
    day_old_session_slides_unless_refresh_is_disabled,
    https_base_url_uses_secure_prefixed_cookie_names,
);
