//! Issue #16 item 5: the request log. Every request to an HTTP component ends with
//! exactly one JSON line on stderr — `time`, `component`, `method`, `route` (the
//! router's template, never the path as sent), `status`, `duration_ms`, and `error`
//! (with `variable` for a configuration error) when the status is 400 or more — and no
//! line carries a password, an email, a session token, a cookie value, the signing
//! secret, a query string or a value from a concrete path (docs/logs.md).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use spinstack_e2e::app::{App, WEB_ORIGIN, variables_with};
use spinstack_e2e::db::{Backend, TestDb};
use spinstack_e2e::http::Reply;

const JSON: (&str, &str) = ("content-type", "application/json");
const ORIGIN: (&str, &str) = ("origin", WEB_ORIGIN);
const EMAIL: &str = "log-reader.e2e@example.com";
const PASSWORD: &str = "correct-horse-battery-log";
/// Values sent only in a path or a query string: none may reach the log.
const PATH_TOKEN: &str = "e2e-reset-token-in-the-path-4711";
const QUERY_VALUE: &str = "e2e-query-value-never-logged";
const TODO_TEXT: &str = "e2e todo text never logged";

/// The fields a line may have.
const FIELDS: [&str; 8] = [
    "time",
    "component",
    "method",
    "route",
    "status",
    "duration_ms",
    "error",
    "variable",
];

/// What one request's line must say: component, method, route, status.
type Expected = (String, String, String, u16);

/// The requests a test sent and their lines' expected fields.
#[derive(Default)]
struct Sent(Vec<Expected>);

impl Sent {
    fn expect(&mut self, reply: &Reply, component: &str, method: &str, route: &str) {
        self.0.push((
            component.to_owned(),
            method.to_owned(),
            route.to_owned(),
            reply.status,
        ));
    }
}

/// The request lines in the app's stderr (JSON objects with a `component`), once at
/// least `count` have arrived (stderr is read by another thread; a missing line fails
/// the count check after the wait).
fn request_lines(app: &App, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let lines: Vec<Value> = app
            .stderr_text()
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line.trim()).ok())
            .filter(|line| line.get("component").is_some())
            .collect();
        if lines.len() >= count || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Checks the shape of every line; returns (component, method, route, status) of each.
fn check_shapes(lines: &[Value]) -> Result<Vec<Expected>> {
    let mut seen = Vec::new();
    for line in lines {
        let object = line.as_object().context("a line is a JSON object")?;
        for key in object.keys() {
            ensure!(
                FIELDS.contains(&key.as_str()),
                "unexpected field {key}: {line}"
            );
        }
        let time = line["time"].as_str().context("time")?;
        ensure!(
            time.len() == 24
                && time.ends_with('Z')
                && time.as_bytes().get(10) == Some(&b'T')
                && time.as_bytes().get(19) == Some(&b'.'),
            "time is ISO 8601 UTC with milliseconds: {line}"
        );
        let duration = line["duration_ms"].as_f64().context("duration_ms")?;
        ensure!(duration >= 0.0, "{line}");
        let status = line["status"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .context("status")?;
        let error = line.get("error").and_then(Value::as_str);
        ensure!(
            error.is_some() == (status >= 400),
            "an error kind exactly when the status is 400 or more: {line}"
        );
        ensure!(
            line.get("variable").is_none() || error == Some("configuration"),
            "{line}"
        );
        let route = line["route"].as_str().context("route")?;
        ensure!(
            route == "unmatched" || route.starts_with('/'),
            "route is a template: {line}"
        );
        seen.push((
            line["component"].as_str().context("component")?.to_owned(),
            line["method"].as_str().context("method")?.to_owned(),
            route.to_owned(),
            status,
        ));
    }
    Ok(seen)
}

/// Counts of each expected tuple (lines of concurrent instances may come in any order).
fn tally(items: &[Expected]) -> BTreeMap<&Expected, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_insert(0) += 1;
    }
    counts
}

/// The line of the request to `route` with `status` (exactly one).
fn line_for<'a>(lines: &'a [Value], route: &str, status: u16) -> Result<&'a Value> {
    let mut found = lines
        .iter()
        .filter(|line| line["route"] == route && line["status"] == status);
    let line = found
        .next()
        .with_context(|| format!("no line for {route} {status}"))?;
    ensure!(found.next().is_none(), "two lines for {route} {status}");
    Ok(line)
}

/// No line holds one of `values` (the app's own guard scans the whole log too).
fn assert_clean(lines: &[Value], values: &[&str]) -> Result<()> {
    for line in lines {
        let text = line.to_string();
        for value in values {
            ensure!(
                !text.contains(value),
                "a request line holds a value: {text}"
            );
        }
        ensure!(!text.contains('?'), "a query string in {text}");
    }
    Ok(())
}

async fn one_line_per_request_without_values(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    app.remember_secret("an email", EMAIL);
    app.remember_secret("a value of a path", PATH_TOKEN);
    app.remember_secret("a value of a query", QUERY_VALUE);
    app.remember_secret("a todo's text", TODO_TEXT);
    let mut sent = Sent::default();
    let post = |path: &str, headers: &[(&str, &str)], body: &Value| {
        app.request("POST", path, headers, body.to_string().as_bytes())
    };

    // Better Auth: sign-up, a wrong then a right password, get-session with the cookie.
    let credentials = json!({ "email": EMAIL, "password": PASSWORD, "name": "Log Reader" });
    let signed_up = post("/api/auth/sign-up/email", &[ORIGIN, JSON], &credentials)?;
    ensure!(signed_up.status == 200, "{}", signed_up.text());
    sent.expect(&signed_up, "auth", "POST", "/api/auth/sign-up/email");
    let wrong = json!({ "email": EMAIL, "password": "not-the-password-123" });
    let refused = post("/api/auth/sign-in/email", &[ORIGIN, JSON], &wrong)?;
    ensure!(refused.status == 401, "{}", refused.text());
    sent.expect(&refused, "auth", "POST", "/api/auth/sign-in/email");
    let signed_in = post(
        "/api/auth/sign-in/email",
        &[ORIGIN, JSON],
        &json!({ "email": EMAIL, "password": PASSWORD }),
    )?;
    ensure!(signed_in.status == 200, "{}", signed_in.text());
    sent.expect(&signed_in, "auth", "POST", "/api/auth/sign-in/email");
    let cookie = signed_in
        .cookie_pair("better-auth.session_token")
        .context("session cookie")?;
    let session = app.request(
        "GET",
        &format!("/api/auth/get-session?x={QUERY_VALUE}"),
        &[("cookie", &cookie)],
        b"",
    )?;
    ensure!(session.status == 200, "{}", session.text());
    sent.expect(&session, "auth", "GET", "/api/auth/get-session");
    // A token in the path: the route's template, never the token.
    let reset = app.request(
        "GET",
        &format!("/api/auth/reset-password/{PATH_TOKEN}?callbackURL=/reset"),
        &[],
        b"",
    )?;
    sent.expect(&reset, "auth", "GET", "/api/auth/reset-password/:token");
    let unknown = app.request("GET", &format!("/api/auth/{PATH_TOKEN}"), &[], b"")?;
    ensure!(unknown.status == 404);
    sent.expect(&unknown, "auth", "GET", "/api/auth/*");

    // oRPC: privateData with and without the cookie, a todo created and toggled.
    let private = post("/rpc/privateData", &[JSON, ("cookie", &cookie)], &json!({}))?;
    ensure!(private.status == 200, "{}", private.text());
    sent.expect(&private, "rpc", "POST", "/rpc/privateData");
    let anonymous = post("/rpc/privateData", &[JSON], &json!({}))?;
    ensure!(anonymous.status == 401);
    sent.expect(&anonymous, "rpc", "POST", "/rpc/privateData");
    let created = post(
        "/rpc/todo/create",
        &[JSON],
        &json!({ "json": { "text": TODO_TEXT } }),
    )?;
    ensure!(created.status == 200, "{}", created.text());
    sent.expect(&created, "rpc", "POST", "/rpc/todo/create");
    let all = post("/rpc/todo/getAll", &[JSON], &json!({}))?;
    ensure!(all.status == 200, "{}", all.text());
    sent.expect(&all, "rpc", "POST", "/rpc/todo/getAll");
    let id = all.json()?["json"][0]["id"]
        .as_i64()
        .context("the todo's id")?;
    let toggled = post(
        "/rpc/todo/toggle",
        &[JSON],
        &json!({ "json": { "id": id, "completed": true } }),
    )?;
    ensure!(toggled.status == 200, "{}", toggled.text());
    sent.expect(&toggled, "rpc", "POST", "/rpc/todo/toggle");
    let get = app.request(
        "GET",
        &format!("/rpc/todo/getAll?token={QUERY_VALUE}"),
        &[],
        b"",
    )?;
    ensure!(get.status == 405, "{}", get.text());
    sent.expect(&get, "rpc", "GET", "/rpc/todo/getAll");
    let preflight = app.request(
        "OPTIONS",
        "/rpc/todo/toggle",
        &[
            ORIGIN,
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        b"",
    )?;
    ensure!(preflight.status == 204);
    sent.expect(&preflight, "rpc", "OPTIONS", "/rpc/todo/toggle");
    let missing = app.request("GET", &format!("/todo/{id}/{PATH_TOKEN}"), &[], b"")?;
    ensure!(missing.status == 404);
    sent.expect(&missing, "rpc", "GET", "unmatched");
    let root = app.request("GET", "/", &[], b"")?;
    sent.expect(&root, "rpc", "GET", "/");

    // REST: the same toggle with its id, a path with the id in it, the document.
    let rest = post(
        "/api-reference/todo/toggle",
        &[JSON],
        &json!({ "id": id, "completed": false }),
    )?;
    ensure!(rest.status == 200, "{}", rest.text());
    sent.expect(&rest, "openapi", "POST", "/api-reference/todo/toggle");
    let by_id = post(
        &format!("/api-reference/todo/{id}-{PATH_TOKEN}"),
        &[JSON],
        &json!({}),
    )?;
    ensure!(by_id.status == 404);
    sent.expect(&by_id, "openapi", "POST", "/api-reference/*");
    let spec = app.request("GET", "/api-reference/spec.json", &[], b"")?;
    ensure!(spec.status == 200);
    sent.expect(&spec, "openapi", "GET", "/api-reference/spec.json");

    let lines = request_lines(&app, sent.0.len());
    let seen = check_shapes(&lines)?;
    ensure!(
        tally(&seen) == tally(&sent.0),
        "one line per request:\nexpected {:#?}\nlogged {:#?}",
        sent.0,
        seen
    );
    let error = |route: &str, status: u16| -> Result<Value> {
        Ok(line_for(&lines, route, status)?["error"].clone())
    };
    ensure!(error("/api/auth/sign-in/email", 401)? == "INVALID_EMAIL_OR_PASSWORD");
    ensure!(error("/rpc/privateData", 401)? == "UNAUTHORIZED");
    ensure!(error("/rpc/todo/getAll", 405)? == "METHOD_NOT_SUPPORTED");
    ensure!(error("unmatched", 404)? == "NOT_FOUND");
    let cookie_value = cookie.split_once('=').map_or("", |(_, value)| value);
    assert_clean(
        &lines,
        &[
            EMAIL,
            PASSWORD,
            cookie_value,
            PATH_TOKEN,
            QUERY_VALUE,
            TODO_TEXT,
            spinstack_e2e::app::SECRET,
            &format!("/todo/{id}"),
        ],
    )?;
    // Dropping the app scans its whole log for every secret it saw.
    drop(app);

    // A configuration error: one line per request naming the variable, never its value.
    let short = "short-secret-in-logs";
    let broken = App::start_with(&db, &variables_with(&db, &[("better_auth_secret", short)]))?;
    let session = broken.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    ensure!(session.status == 500, "{}", session.text());
    let bad_origin = "not an origin";
    let no_cors = App::start_with(&db, &variables_with(&db, &[("cors_origin", bad_origin)]))?;
    let rpc = no_cors.request("POST", "/rpc/todo/getAll", &[JSON], b"{}")?;
    let auth = no_cors.request("GET", "/api/auth/get-session", &[], b"")?;
    let preflight = no_cors.request(
        "OPTIONS",
        "/api-reference/todo/toggle",
        &[ORIGIN, ("access-control-request-method", "POST")],
        b"",
    )?;
    for reply in [&rpc, &auth, &preflight] {
        ensure!(reply.status == 500, "{}", reply.text());
    }
    for (app, count, variable, value) in [
        (&broken, 1, "better_auth_secret", short),
        (&no_cors, 3, "cors_origin", bad_origin),
    ] {
        let lines = request_lines(app, count);
        check_shapes(&lines)?;
        ensure!(lines.len() == count, "{lines:#?}");
        for line in &lines {
            ensure!(line["error"] == "configuration", "{line}");
            ensure!(line["variable"] == variable, "{line}");
        }
        assert_clean(&lines, &[value])?;
        ensure!(!app.stderr_text().contains(value), "{}", app.stderr_text());
    }
    let refused_preflight = request_lines(&no_cors, 3)
        .iter()
        .any(|line| line["method"] == "OPTIONS" && line["route"] == "/api-reference/todo/toggle");
    ensure!(refused_preflight, "{}", no_cors.stderr_text());
    Ok(())
}

spinstack_e2e::on_both_backends!(one_line_per_request_without_values);
