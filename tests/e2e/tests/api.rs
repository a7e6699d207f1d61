//! Issue 4's end-to-end checks: the API router through the compiled `rpc` and `openapi`
//! components (composed with `session`) over a fresh database — the golden exchanges
//! of spec §3.11 and the reference transcripts (status, headers, body), `privateData`
//! with a signed-up session and with a session due for its sliding refresh (whose
//! `Set-Cookie` must reach the browser), and every todo procedure, valid and invalid,
//! over both `/rpc` and `/api-reference`.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use spinstack_e2e::app::{App, SECRET, WEB_ORIGIN};
use spinstack_e2e::cookies::signed;
use spinstack_e2e::db::{Backend, Param, TestDb};
use spinstack_e2e::http::Reply;
use spinstack_e2e::now_ms;

const JSON: (&str, &str) = ("content-type", "application/json");
const ORIGIN: (&str, &str) = ("origin", WEB_ORIGIN);
const EVIL: &str = "http://evil.example.com";
const DAY: i64 = 86_400_000;

const UNAUTHORIZED: &str =
    r#"{"defined":false,"code":"UNAUTHORIZED","status":401,"message":"Unauthorized"}"#;
const METHOD_NOT_SUPPORTED: &str = r#"{"json":{"defined":false,"code":"METHOD_NOT_SUPPORTED","status":405,"message":"Method Not Supported"}}"#;
const MALFORMED: &str = r#"{"json":{"defined":false,"code":"BAD_REQUEST","status":400,"message":"Malformed request. Ensure the request body is properly formatted and the 'Content-Type' header is set correctly."}}"#;

/// Status, content type and body of a reply, for one-line comparisons.
fn triple(reply: &Reply) -> (u16, Option<&str>, String) {
    (reply.status, reply.header("content-type"), reply.text())
}

/// The template's CORS headers (spec §1.3); `allowed` says whether the request's
/// Origin is the web origin.
fn assert_cors(reply: &Reply, allowed: bool) {
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("Content-Type, Authorization")
    );
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(reply.header("vary"), Some("Origin"));
    assert_eq!(
        reply.header("access-control-allow-methods"),
        Some("GET, POST, OPTIONS")
    );
    assert_eq!(
        reply.header("access-control-allow-origin"),
        allowed.then_some(WEB_ORIGIN)
    );
    // (Access-Control-Expose-Headers echoes the request's header names, a quirk no
    // client needs; foundation.rs checks it.)
}

fn post(app: &App, path: &str, headers: &[(&str, &str)], body: &str) -> Result<Reply> {
    app.request("POST", path, headers, body.as_bytes())
}

async fn golden_exchanges_of_the_rpc_protocol(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let ok = (200, Some("application/json"), r#"{"json":"OK"}"#.to_owned());

    // POST /rpc/healthCheck (no body), ({} body), as the web app sends it.
    let bare = post(&app, "/rpc/healthCheck", &[], "")?;
    assert_eq!(triple(&bare), ok);
    assert_cors(&bare, false);
    let empty = post(&app, "/rpc/healthCheck", &[JSON], "{}")?;
    assert_eq!(triple(&empty), ok);
    let web = post(&app, "/rpc/healthCheck", &[ORIGIN, JSON], "{}")?;
    assert_eq!(triple(&web), ok);
    assert_cors(&web, true);
    assert!(web.all("set-cookie").is_empty());

    // GET /rpc/healthCheck → 405, even with a valid ?data=; a bad ?data= is a 400 first.
    let get = app.request("GET", "/rpc/healthCheck", &[], b"")?;
    assert_eq!(
        triple(&get),
        (
            405,
            Some("application/json"),
            METHOD_NOT_SUPPORTED.to_owned()
        )
    );
    assert_cors(&get, false);
    let get_data = app.request(
        "GET",
        "/rpc/healthCheck?data=%7B%22json%22%3A1%7D",
        &[],
        b"",
    )?;
    assert_eq!(get_data.status, 405);
    let get_bad = app.request("GET", "/rpc/healthCheck?data=%7Bbad", &[], b"")?;
    assert_eq!(
        triple(&get_bad),
        (400, Some("application/json"), MALFORMED.to_owned())
    );

    // Malformed bodies: bad JSON, a null envelope, a meta path that does not exist.
    for body in ["{bad", "null", r#"{"json":{},"meta":[[1,"d"]]}"#] {
        let reply = post(&app, "/rpc/healthCheck", &[JSON], body)?;
        assert_eq!(
            triple(&reply),
            (400, Some("application/json"), MALFORMED.to_owned()),
            "{body}"
        );
    }
    // Other media types carry no input; other methods reach the procedure.
    let text = post(
        &app,
        "/rpc/healthCheck",
        &[("content-type", "text/plain")],
        "hi",
    )?;
    assert_eq!(triple(&text), ok);
    let put = app.request("PUT", "/rpc/healthCheck", &[JSON], b"{}")?;
    assert_eq!(triple(&put), ok);

    // Unknown procedures and the bare mount: the plain 404.
    for path in [
        "/rpc/nope",
        "/rpc",
        "/rpc/todo",
        "/rpc/todo.getAll",
        "/rpc/%68ealthCheck",
    ] {
        let reply = post(&app, path, &[JSON], "{}")?;
        assert_eq!(
            (reply.status, reply.text().as_str()),
            (404, "Not Found"),
            "{path}"
        );
        assert_cors(&reply, false);
    }

    // privateData without a session.
    let anonymous = post(&app, "/rpc/privateData", &[ORIGIN, JSON], "{}")?;
    assert_eq!(
        triple(&anonymous),
        (
            401,
            Some("application/json"),
            format!(r#"{{"json":{UNAUTHORIZED}}}"#)
        )
    );
    assert_cors(&anonymous, true);
    let garbage = post(
        &app,
        "/rpc/privateData",
        &[JSON, ("cookie", "better-auth.session_token=garbage.value")],
        "{}",
    )?;
    assert_eq!(garbage.status, 401);
    assert!(garbage.all("set-cookie").is_empty());

    // Preflight and a foreign origin (still served, without Allow-Origin).
    let preflight = app.request(
        "OPTIONS",
        "/rpc/healthCheck",
        &[
            ORIGIN,
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        b"",
    )?;
    assert_eq!((preflight.status, preflight.body.len()), (204, 0));
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(WEB_ORIGIN)
    );
    assert_eq!(preflight.header("access-control-max-age"), Some("5"));
    let foreign = post(&app, "/rpc/healthCheck", &[("origin", EVIL), JSON], "{}")?;
    assert_eq!(triple(&foreign), ok);
    assert_cors(&foreign, false);

    // The same procedures over plain REST (spec §4.1–§4.4).
    let rest = post(&app, "/api-reference/healthCheck", &[], "")?;
    assert_eq!(
        triple(&rest),
        (200, Some("application/json"), r#""OK""#.to_owned())
    );
    assert_cors(&rest, false);
    let rest_anonymous = post(&app, "/api-reference/privateData", &[], "")?;
    assert_eq!(
        triple(&rest_anonymous),
        (401, Some("application/json"), UNAUTHORIZED.to_owned())
    );
    let rest_get = app.request("GET", "/api-reference/healthCheck", &[], b"")?;
    assert_eq!(
        (rest_get.status, rest_get.text().as_str()),
        (404, "Not Found")
    );
    let rest_bad = post(&app, "/api-reference/healthCheck", &[JSON], "{bad")?;
    assert_eq!(rest_bad.status, 400);
    assert_eq!(
        rest_bad.json()?["message"],
        json!(
            "Malformed request. Ensure the request body is properly formatted and the 'Content-Type' header is set correctly."
        )
    );
    Ok(())
}

/// Signs a user up through the auth component; returns the session cookie pair and
/// the user JSON.
fn sign_up(app: &App, email: &str) -> Result<(String, Value)> {
    let body = json!({ "email": email, "password": "password1234", "name": "Ada Lovelace" });
    let reply = post(
        app,
        "/api/auth/sign-up/email",
        &[ORIGIN, JSON],
        &body.to_string(),
    )?;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let cookie = reply
        .cookie_pair("better-auth.session_token")
        .context("session cookie")?;
    Ok((cookie, reply.json()?["user"].clone()))
}

async fn private_data_for_a_signed_up_user(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let (cookie, user) = sign_up(&app, "ada@example.com")?;

    let reply = post(
        &app,
        "/rpc/privateData",
        &[ORIGIN, JSON, ("cookie", &cookie)],
        "{}",
    )?;
    // Byte for byte as the reference: Better Auth's user (its key order, image null)
    // and the two Date entries in meta.
    let expected = format!(
        r#"{{"json":{{"message":"This is private","user":{}}},"meta":[[1,"user","createdAt"],[1,"user","updatedAt"]]}}"#,
        serde_json::to_string(&user)?
    );
    assert_eq!(triple(&reply), (200, Some("application/json"), expected));
    assert_cors(&reply, true);
    assert!(
        reply.all("set-cookie").is_empty(),
        "a fresh session is not refreshed"
    );

    let rest = post(
        &app,
        "/api-reference/privateData",
        &[("cookie", &cookie)],
        "",
    )?;
    assert_eq!(
        triple(&rest),
        (
            200,
            Some("application/json"),
            format!(
                r#"{{"message":"This is private","user":{}}}"#,
                serde_json::to_string(&user)?
            )
        )
    );

    // Signed out, the cookie is worthless.
    let out = post(
        &app,
        "/api/auth/sign-out",
        &[ORIGIN, JSON, ("cookie", &cookie)],
        "{}",
    )?;
    assert_eq!(out.status, 200);
    let after = post(&app, "/rpc/privateData", &[JSON, ("cookie", &cookie)], "{}")?;
    assert_eq!(after.status, 401);
    Ok(())
}

/// Inserts a user and a session created at `created` (ms), expiring 7 days later;
/// returns the session cookie pair.
async fn seed_session(db: &TestDb, created: i64) -> Result<String> {
    let user_id = "user0000000000000000000000000001";
    let token = "tokAAAAAAAAAAAAAAAAAAAAAAAAAAAA1";
    db.execute(
        r#"INSERT INTO "user" (id, name, email, email_verified, image, created_at, updated_at)
           VALUES ($1, 'Grace', 'grace@example.com', $2, NULL, $3, $3)"#,
        &[
            Param::text(user_id),
            Param::Bool(false),
            Param::Millis(created),
        ],
    )
    .await?;
    db.execute(
        r#"INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id)
           VALUES ('sess0000000000000000000000000001', $1, $2, $3, $3, '', 'e2e-agent', $4)"#,
        &[
            Param::Millis(created + 7 * DAY),
            Param::text(token),
            Param::Millis(created),
            Param::text(user_id),
        ],
    )
    .await?;
    Ok(format!(
        "better-auth.session_token={}",
        signed(SECRET, token)
    ))
}

async fn expiry(db: &TestDb) -> Result<i64> {
    Ok(db
        .query_one("SELECT expires_at FROM session", &[])
        .await?
        .millis(0)?)
}

async fn a_session_refresh_reaches_the_browser(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let created = now_ms() - 2 * DAY;
    let cookie = seed_session(&db, created).await?;
    let refreshed = format!("{cookie}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=None");

    // A public procedure never looks at the session: nothing slides, nothing is set.
    let health = post(&app, "/rpc/healthCheck", &[JSON, ("cookie", &cookie)], "{}")?;
    assert!(health.all("set-cookie").is_empty());
    assert_eq!(expiry(&db).await?, created + 7 * DAY);

    // privateData resolves it; the refresh moves the row and its cookie is forwarded
    // (better-auth#2115: the original drops it, so the browser cookie still dies).
    let before = now_ms();
    let reply = post(
        &app,
        "/rpc/privateData",
        &[ORIGIN, JSON, ("cookie", &cookie)],
        "{}",
    )?;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.all("set-cookie"), [refreshed.as_str()]);
    assert_cors(&reply, true);
    let moved = expiry(&db).await?;
    assert!(moved >= before + 7 * DAY, "expiry slid to now + 7 days");
    assert_eq!(reply.json()?["json"]["user"]["name"], "Grace");

    // Refreshed, it is not due again.
    let again = post(
        &app,
        "/api-reference/privateData",
        &[("cookie", &cookie)],
        "",
    )?;
    assert_eq!(again.status, 200);
    assert!(again.all("set-cookie").is_empty());

    // Expired: 401, and the clearing cookies go out as get-session sends them.
    db.execute(
        "UPDATE session SET expires_at = $1",
        &[Param::Millis(now_ms() - 60_000)],
    )
    .await?;
    let expired = post(&app, "/rpc/privateData", &[JSON, ("cookie", &cookie)], "{}")?;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.all("set-cookie").len(), 3);
    assert!(expired.all("set-cookie")[0].starts_with("better-auth.session_token=; Max-Age=0"));
    Ok(())
}

async fn rows(db: &TestDb) -> Result<Vec<(i32, String, bool)>> {
    db.query("SELECT id, text, completed FROM todo ORDER BY id", &[])
        .await?
        .iter()
        .map(|r| Ok((r.i32(0)?, r.text(1)?, r.bool(2)?)))
        .collect()
}

fn invalid(issues: &str) -> String {
    format!(
        r#"{{"defined":false,"code":"BAD_REQUEST","status":400,"message":"Input validation failed","data":{{"issues":{issues}}}}}"#
    )
}

async fn todo_procedures_over_rpc_and_rest(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let rpc =
        |path: &str, body: &str| post(&app, &format!("/rpc/todo/{path}"), &[ORIGIN, JSON], body);
    let rest = |path: &str, body: &str| {
        post(
            &app,
            &format!("/api-reference/todo/{path}"),
            &[ORIGIN, JSON],
            body,
        )
    };
    let inserted = r#"{"command":"INSERT","rowCount":1,"oid":0,"rows":[],"fields":[]}"#;

    assert_eq!(rpc("getAll", "{}")?.text(), r#"{"json":[]}"#);
    assert_eq!(rest("getAll", "")?.text(), "[]");

    // create: valid over both mounts, a multipart RPC call and a form-encoded REST call.
    let created = rpc("create", r#"{"json":{"text":"Buy milk"}}"#)?;
    assert_eq!(
        triple(&created),
        (
            200,
            Some("application/json"),
            format!(r#"{{"json":{inserted}}}"#)
        )
    );
    assert_cors(&created, true);
    assert_eq!(rest("create", r#"{"text":"Over REST"}"#)?.text(), inserted);
    let boundary = "----e2eBoundary";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{{\"json\":{{\"text\":\"From a form\"}}}}\r\n--{boundary}--\r\n"
    );
    let multipart = post(
        &app,
        "/rpc/todo/create",
        &[(
            "content-type",
            &format!("multipart/form-data; boundary={boundary}"),
        )],
        &form,
    )?;
    assert_eq!(multipart.text(), format!(r#"{{"json":{inserted}}}"#));
    let urlencoded = post(
        &app,
        "/api-reference/todo/create",
        &[("content-type", "application/x-www-form-urlencoded")],
        "text=Form+encoded",
    )?;
    assert_eq!(urlencoded.text(), inserted);

    // create: validation failures, exactly as oRPC reports zod's issues.
    let empty = rpc("create", r#"{"json":{"text":""}}"#)?;
    assert_eq!(
        triple(&empty),
        (
            400,
            Some("application/json"),
            format!(
                r#"{{"json":{}}}"#,
                invalid(
                    r#"[{"origin":"string","code":"too_small","minimum":1,"inclusive":true,"path":["text"],"message":"Too small: expected string to have >=1 characters"}]"#
                )
            )
        )
    );
    let missing = rpc("create", "{}")?;
    assert_eq!(
        missing.text(),
        format!(
            r#"{{"json":{}}}"#,
            invalid(
                r#"[{"expected":"object","code":"invalid_type","path":[],"message":"Invalid input: expected object, received undefined"}]"#
            )
        )
    );
    let dated = rpc(
        "create",
        r#"{"json":{"text":"2020-01-01T00:00:00.000Z"},"meta":[[1,"text"]]}"#,
    )?;
    assert_eq!(
        dated.json()?["json"]["data"]["issues"][0]["message"],
        "Invalid input: expected string, received Date"
    );
    let rest_empty = rest("create", r#"{"text":""}"#)?;
    assert_eq!(
        triple(&rest_empty),
        (
            400,
            Some("application/json"),
            invalid(
                r#"[{"origin":"string","code":"too_small","minimum":1,"inclusive":true,"path":["text"],"message":"Too small: expected string to have >=1 characters"}]"#
            )
        )
    );
    let get = app.request(
        "GET",
        "/rpc/todo/create?data=%7B%22json%22%3A%7B%22text%22%3A%22x%22%7D%7D",
        &[],
        b"",
    )?;
    assert_eq!(get.text(), METHOD_NOT_SUPPORTED);

    assert_eq!(
        rows(&db).await?,
        [
            (1, "Buy milk".to_owned(), false),
            (2, "Over REST".to_owned(), false),
            (3, "From a form".to_owned(), false),
            (4, "Form encoded".to_owned(), false),
        ]
    );

    // toggle and delete, including ids that match nothing and wrong types.
    assert_eq!(
        rpc("toggle", r#"{"json":{"id":1,"completed":true}}"#)?.text(),
        r#"{"json":{"command":"UPDATE","rowCount":1,"oid":null,"rows":[],"fields":[]}}"#
    );
    assert_eq!(
        rest("toggle", r#"{"id":99,"completed":true}"#)?.text(),
        r#"{"command":"UPDATE","rowCount":0,"oid":null,"rows":[],"fields":[]}"#
    );
    let wrong = rpc("toggle", r#"{"json":{"id":"1","completed":"x"}}"#)?;
    assert_eq!(
        wrong.text(),
        format!(
            r#"{{"json":{}}}"#,
            invalid(
                r#"[{"expected":"number","code":"invalid_type","path":["id"],"message":"Invalid input: expected number, received string"},{"expected":"boolean","code":"invalid_type","path":["completed"],"message":"Invalid input: expected boolean, received string"}]"#
            )
        )
    );
    let nan = rpc(
        "toggle",
        r#"{"json":{"id":null,"completed":true},"meta":[[2,"id"]]}"#,
    )?;
    assert_eq!(
        nan.json()?["json"]["data"]["issues"][0],
        json!({"expected":"number","code":"invalid_type","received":"NaN","path":["id"],"message":"Invalid input: expected number, received NaN"})
    );
    assert_eq!(
        rpc("delete", r#"{"json":{"id":2}}"#)?.text(),
        r#"{"json":{"command":"DELETE","rowCount":1,"oid":null,"rows":[],"fields":[]}}"#
    );
    assert_eq!(
        rest("delete", r#"{"id":2}"#)?.text(),
        r#"{"command":"DELETE","rowCount":0,"oid":null,"rows":[],"fields":[]}"#
    );
    let no_id = rest("delete", "{}")?;
    assert_eq!(
        no_id.text(),
        invalid(
            r#"[{"expected":"number","code":"invalid_type","path":["id"],"message":"Invalid input: expected number, received undefined"}]"#
        )
    );

    assert_eq!(
        rpc("getAll", "{}")?.text(),
        r#"{"json":[{"id":1,"text":"Buy milk","completed":true},{"id":3,"text":"From a form","completed":false},{"id":4,"text":"Form encoded","completed":false}]}"#
    );
    assert_eq!(
        rest("getAll", "")?.text(),
        r#"[{"id":1,"text":"Buy milk","completed":true},{"id":3,"text":"From a form","completed":false},{"id":4,"text":"Form encoded","completed":false}]"#
    );
    Ok(())
}

async fn a_missing_table_is_an_internal_server_error(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    db.batch("DROP TABLE todo").await?;
    let app = App::start(&db)?;
    let reply = post(&app, "/rpc/todo/getAll", &[JSON], "{}")?;
    assert_eq!(
        triple(&reply),
        (
            500,
            Some("application/json"),
            r#"{"json":{"defined":false,"code":"INTERNAL_SERVER_ERROR","status":500,"message":"Internal server error"}}"#.to_owned()
        )
    );
    // The cause is logged, not sent.
    assert!(app.stderr_shows("todo.getAll"), "{}", app.stderr_text());
    assert!(!reply.text().contains("todo\" does not exist"));
    Ok(())
}

spinstack_e2e::on_both_backends!(
    golden_exchanges_of_the_rpc_protocol,
    private_data_for_a_signed_up_user,
    a_session_refresh_reaches_the_browser,
    todo_procedures_over_rpc_and_rest,
    a_missing_table_is_an_internal_server_error,
);
