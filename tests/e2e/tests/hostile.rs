//! Hostile clients (issue #13 items 4 and 7): a client cannot pick its own rate-limit
//! bucket with `X-Forwarded-For` (or a forged `spin-client-addr`) when no proxy is
//! declared, while a declared proxy's header does tell clients apart; bodies over
//! 1 MiB are refused with `413` in each protocol's error format before they are parsed,
//! chunked ones included, and a body just under the limit still works; a refused
//! request's log line never carries the token in its path; headers over 32 KiB are
//! refused with `431` in each protocol's format before a cookie is read.

use anyhow::Result;
use serde_json::json;
use spinstack_e2e::app::{App, WEB_ORIGIN, variables_with};
use spinstack_e2e::db::{Backend, Param, TestDb};
use spinstack_e2e::http::{Framing, Reply, send_streaming};

const MIB: usize = 1024 * 1024;

/// The `413` every route answers, in Better Auth's format.
const AUTH_TOO_LARGE: &str = r#"{"message":"Request body too large: the limit is 1 MiB (1048576 bytes)","code":"PAYLOAD_TOO_LARGE"}"#;

fn sign_in_from(app: &App, forwarded_for: &str, extra: &[(&str, &str)]) -> Result<Reply> {
    let mut headers = vec![
        ("origin", WEB_ORIGIN),
        ("content-type", "application/json"),
        ("user-agent", "e2e-agent"),
        ("x-forwarded-for", forwarded_for),
    ];
    headers.extend_from_slice(extra);
    app.request(
        "POST",
        "/api/auth/sign-in/email",
        &headers,
        json!({"email":"nobody@example.com","password":"password1234"})
            .to_string()
            .as_bytes(),
    )
}

/// Signs `email` up with `forwarded_for` and returns the new session's `ip_address`.
async fn session_ip_of_sign_up(
    app: &App,
    db: &TestDb,
    email: &str,
    forwarded_for: &str,
) -> Result<String> {
    let reply = app.request(
        "POST",
        "/api/auth/sign-up/email",
        &[
            ("origin", WEB_ORIGIN),
            ("content-type", "application/json"),
            ("x-forwarded-for", forwarded_for),
        ],
        json!({"email": email, "password": "password1234", "name": "Hostile"})
            .to_string()
            .as_bytes(),
    )?;
    anyhow::ensure!(reply.status == 200, "sign-up: {}", reply.text());
    Ok(db.query_one(
        r#"SELECT s.ip_address FROM session s JOIN "user" u ON u.id = s.user_id WHERE u.email = $1"#,
        &[Param::text(email)],
    )
    .await?
    .text(0)?)
}

async fn without_a_proxy_the_peer_is_the_client(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start_with(&db, &variables_with(&db, &[("node_env", "production")]))?;
    // Four attempts from one peer, each claiming another address: one client.
    let mut statuses = Vec::new();
    for n in 1..=4 {
        statuses.push(sign_in_from(&app, &format!("198.51.100.{n}"), &[])?.status);
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
    // A forged peer header comes before the host's and changes nothing.
    let forged = sign_in_from(
        &app,
        "198.51.100.5",
        &[("spin-client-addr", "203.0.113.5:1")],
    )?;
    assert_eq!(forged.status, 429, "{}", forged.text());
    // The session row records the same peer address.
    let ip = session_ip_of_sign_up(&app, &db, "peer@example.com", "198.51.100.6").await?;
    assert_eq!(ip, "127.0.0.1");
    Ok(())
}

async fn a_declared_proxy_header_tells_clients_apart(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start_with(
        &db,
        &variables_with(
            &db,
            &[
                ("node_env", "production"),
                ("trusted_proxy_header", "x-forwarded-for"),
                ("trusted_proxy_hops", "1"),
            ],
        ),
    )?;
    // The proxy appends the address it sees: each right-most entry is a client.
    for n in 1..=4 {
        let reply = sign_in_from(&app, &format!("10.0.0.{n}, 198.51.100.{n}"), &[])?;
        assert_eq!(reply.status, 401, "client {n}: {}", reply.text());
    }
    // What the client wrote to the left does not make it another client.
    let mut statuses = Vec::new();
    for n in 5..=7 {
        statuses.push(sign_in_from(&app, &format!("10.0.0.{n}, 198.51.100.1"), &[])?.status);
    }
    assert_eq!(statuses, [401, 401, 429]);
    let ip = session_ip_of_sign_up(
        &app,
        &db,
        "proxied@example.com",
        "203.0.113.50, 198.51.100.77",
    )
    .await?;
    assert_eq!(ip, "198.51.100.77");
    Ok(())
}

spinstack_e2e::on_both_backends!(
    without_a_proxy_the_peer_is_the_client,
    a_declared_proxy_header_tells_clients_apart,
);

#[tokio::test]
async fn invalid_proxy_settings_are_configuration_errors_naming_the_variable() -> Result<()> {
    let db = TestDb::create(Backend::Sqlite).await?;
    for (name, value) in [
        ("trusted_proxy_hops", "0"),
        ("trusted_proxy_header", "x forwarded for"),
    ] {
        let app = App::start_with(&db, &variables_with(&db, &[(name, value)]))?;
        let reply = sign_in_from(&app, "198.51.100.1", &[])?;
        assert_eq!(reply.status, 500, "{name}: {}", reply.text());
        assert!(
            reply.text().contains(name) && !reply.text().contains(value),
            "{}",
            reply.text()
        );
        assert!(app.stderr_shows(name), "{}", app.stderr_text());
    }
    Ok(())
}

/// A JSON body of exactly `len` bytes: `{}` padded with whitespace.
fn padded_json(len: usize) -> Vec<u8> {
    let mut body = b"{}".to_vec();
    body.resize(len, b' ');
    body
}

#[tokio::test]
async fn bodies_over_one_mib_are_refused_before_parsing() -> Result<()> {
    let db = TestDb::create(Backend::Sqlite).await?;
    let app = App::start(&db)?;
    let json_headers = [("origin", WEB_ORIGIN), ("content-type", "application/json")];

    // 2 MiB to sign-up, with a Content-Length: Better Auth's JSON error.
    let name = "x".repeat(2 * MIB);
    let sign_up = json!({"email":"big@example.com","password":"password1234","name": name});
    let refused = send_streaming(
        app.addr,
        "POST",
        "/api/auth/sign-up/email",
        &json_headers,
        sign_up.to_string().into_bytes(),
        Framing::ContentLength,
    )?;
    assert_eq!(
        (refused.status, refused.text().as_str()),
        (413, AUTH_TOO_LARGE)
    );
    assert_eq!(refused.header("content-type"), Some("application/json"));
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some(WEB_ORIGIN),
        "the browser may read the refusal"
    );
    assert_eq!(db.count(r#"SELECT count(*) FROM "user""#, &[]).await?, 0);

    // 2 MiB chunked (no Content-Length) to healthCheck: oRPC's RPC error envelope.
    let refused = send_streaming(
        app.addr,
        "POST",
        "/rpc/healthCheck",
        &json_headers,
        padded_json(2 * MIB),
        Framing::Chunked,
    )?;
    assert_eq!(refused.status, 413, "{}", refused.text());
    let envelope = refused.json()?;
    assert_eq!(envelope["json"]["code"], "PAYLOAD_TOO_LARGE");
    assert_eq!(envelope["json"]["status"], 413);
    assert_eq!(envelope["json"]["defined"], false);
    assert_eq!(
        envelope["json"]["message"],
        "Request body too large: the limit is 1 MiB (1048576 bytes)"
    );

    // One byte over the limit, chunked, under /api-reference: the OpenAPI error.
    let refused = send_streaming(
        app.addr,
        "POST",
        "/api-reference/healthCheck",
        &json_headers,
        padded_json(MIB + 1),
        Framing::Chunked,
    )?;
    assert_eq!(refused.status, 413, "{}", refused.text());
    let error = refused.json()?;
    assert_eq!(
        (error["code"].as_str(), error["status"].as_u64()),
        (Some("PAYLOAD_TOO_LARGE"), Some(413)),
        "{error}"
    );

    // Just under the limit still works, with a length or chunked; so does exactly 1 MiB.
    for (len, framing) in [
        (MIB - 1024, Framing::ContentLength),
        (MIB - 1024, Framing::Chunked),
        (MIB, Framing::Chunked),
    ] {
        let ok = send_streaming(
            app.addr,
            "POST",
            "/rpc/healthCheck",
            &json_headers,
            padded_json(len),
            framing,
        )?;
        assert_eq!(
            (ok.status, ok.text().as_str()),
            (200, r#"{"json":"OK"}"#),
            "{len} bytes, {framing:?}"
        );
    }
    assert!(
        app.stderr_shows("body over 1048576 bytes"),
        "{}",
        app.stderr_text()
    );
    Ok(())
}

#[tokio::test]
async fn a_refused_requests_log_line_never_carries_its_token() -> Result<()> {
    let db = TestDb::create(Backend::Sqlite).await?;
    let app = App::start(&db)?;
    let token = "tok3nThatMustNeverBeLogged";
    let reply = app.request(
        "GET",
        &format!("/api/auth/reset-password/{token}?callbackURL=https://evil.example/steal"),
        &[],
        b"",
    )?;
    assert_eq!(reply.status, 403, "{}", reply.text());
    assert!(
        app.stderr_shows("GET /api/auth/reset-password/:token refused"),
        "{}",
        app.stderr_text()
    );
    let log = app.stderr_text();
    assert!(
        !log.contains(token) && !log.contains("evil.example"),
        "{log}"
    );
    Ok(())
}

/// The `431` every route answers for headers over 32 KiB, in Better Auth's format.
const AUTH_HEADERS_TOO_LARGE: &str = r#"{"message":"Request headers too large: the limit is 32 KiB (32768 bytes)","code":"REQUEST_HEADER_FIELDS_TOO_LARGE"}"#;

/// A `Cookie` header of about `len` bytes: `cookie` first, then filler cookies.
fn cookie_header_of(cookie: &str, len: usize) -> String {
    let mut header = cookie.to_owned();
    let mut n = 0;
    while header.len() < len {
        header.push_str(&format!("; filler{n}=fillerValue{}", "f".repeat(200)));
        n += 1;
    }
    header
}

#[tokio::test]
async fn headers_over_32_kib_are_refused_in_each_protocols_format() -> Result<()> {
    let db = TestDb::create(Backend::Sqlite).await?;
    let app = App::start(&db)?;
    let signed_up = app.request(
        "POST",
        "/api/auth/sign-up/email",
        &[("origin", WEB_ORIGIN), ("content-type", "application/json")],
        json!({"email":"headers@example.com","password":"password1234","name":"Headers"})
            .to_string()
            .as_bytes(),
    )?;
    assert_eq!(signed_up.status, 200, "{}", signed_up.text());
    let Some(session) = signed_up.cookie_pair("better-auth.session_token") else {
        anyhow::bail!("no session cookie");
    };

    // 24 KiB of cookies around the session's: under the limit, the session resolves.
    let cookies = cookie_header_of(&session, 24 * 1024);
    let ok = app.request("GET", "/api/auth/get-session", &[("cookie", &cookies)], b"")?;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()?["user"]["email"], "headers@example.com");
    let ok = app.request(
        "POST",
        "/rpc/privateData",
        &[("cookie", &cookies), ("content-type", "application/json")],
        b"{}",
    )?;
    assert_eq!(ok.status, 200, "{}", ok.text());

    // 40 KiB: refused before the cookie is read, in each protocol's format, readable
    // by the browser.
    let cookies = cookie_header_of(&session, 40 * 1024);
    let with_origin = [
        ("origin", WEB_ORIGIN),
        ("cookie", cookies.as_str()),
        ("content-type", "application/json"),
    ];
    let refused = app.request("GET", "/api/auth/get-session", &with_origin, b"")?;
    assert_eq!(
        (refused.status, refused.text().as_str()),
        (431, AUTH_HEADERS_TOO_LARGE)
    );
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some(WEB_ORIGIN)
    );
    let refused = app.request("POST", "/rpc/privateData", &with_origin, b"{}")?;
    assert_eq!(refused.status, 431, "{}", refused.text());
    let envelope = refused.json()?;
    assert_eq!(envelope["json"]["code"], "REQUEST_HEADER_FIELDS_TOO_LARGE");
    assert_eq!(envelope["json"]["status"], 431);
    assert_eq!(envelope["json"]["defined"], false);
    let refused = app.request("POST", "/api-reference/healthCheck", &with_origin, b"{}")?;
    assert_eq!(refused.status, 431, "{}", refused.text());
    let error = refused.json()?;
    assert_eq!(
        (error["code"].as_str(), error["status"].as_u64()),
        (Some("REQUEST_HEADER_FIELDS_TOO_LARGE"), Some(431)),
        "{error}"
    );
    // Many small headers add up the same way.
    let many: Vec<(String, String)> = (0..90)
        .map(|n| (format!("x-padding-{n}"), "p".repeat(400)))
        .collect();
    let many: Vec<(&str, &str)> = many
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let refused = app.request("POST", "/rpc/healthCheck", &many, b"{}")?;
    assert_eq!(refused.status, 431, "{}", refused.text());

    // Past what the HTTP server itself takes (a 1 MiB header; more than 100 headers):
    // Spin's (and the runtime's) hyper refuses it before the app, and the app serves on.
    let huge = "h".repeat(1024 * 1024);
    if let Ok(reply) = app.request("POST", "/rpc/healthCheck", &[("x-huge", &huge)], b"{}") {
        assert_eq!(reply.status, 431, "{}", reply.text());
    }
    let headers: Vec<(String, String)> =
        (0..150).map(|n| (format!("x-h{n}"), "1".into())).collect();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    if let Ok(reply) = app.request("POST", "/rpc/healthCheck", &headers, b"{}") {
        assert_eq!(reply.status, 431, "{}", reply.text());
    }
    let health = app.request("POST", "/rpc/healthCheck", &[], b"{}")?;
    assert_eq!(
        (health.status, health.text().as_str()),
        (200, r#"{"json":"OK"}"#)
    );

    assert!(
        app.stderr_shows("request refused: headers over 32768 bytes"),
        "{}",
        app.stderr_text()
    );
    let log = app.stderr_text();
    assert!(
        !log.contains("fillerValue"),
        "a cookie reached the log: {log}"
    );
    Ok(())
}
