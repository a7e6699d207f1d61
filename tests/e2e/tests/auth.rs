//! Better Auth's email/password endpoints through the compiled `auth` and `session`
//! components on a fresh database: statuses, JSON, `Set-Cookie` lines and rows.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use spinstack_e2e::app::{App, WEB_ORIGIN};
use spinstack_e2e::db::{Backend, Dialect, Param, TestDb};
use spinstack_e2e::http::Reply;
use spinstack_e2e::now_ms;

const JSON: (&str, &str) = ("content-type", "application/json");
const ORIGIN: (&str, &str) = ("origin", WEB_ORIGIN);

fn sign_up(app: &App, email: &str, password: &str) -> Result<Reply> {
    app.post_json(
        "/api/auth/sign-up/email",
        None,
        &json!({ "email": email, "password": password, "name": "Ada Lovelace" }),
    )
}

async fn sign_up_creates_user_account_and_session_atomically(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;

    let reply = sign_up(&app, "Ada@Example.com", "password1234")?;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json()?;
    let token = body["token"].as_str().context("token")?.to_owned();
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    let user = &body["user"];
    assert_eq!(user["email"], "ada@example.com", "stored lower-cased");
    assert_eq!(
        (user["name"].as_str(), user["emailVerified"].as_bool()),
        (Some("Ada Lovelace"), Some(false))
    );
    assert_eq!(user["image"], Value::Null);
    let keys: Vec<&str> = user
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "name",
            "email",
            "emailVerified",
            "image",
            "createdAt",
            "updatedAt",
            "id"
        ]
    );
    let set_cookie = reply.all("set-cookie");
    assert_eq!(set_cookie.len(), 1);
    assert!(set_cookie[0].starts_with(&format!("better-auth.session_token={token}.")));
    assert!(set_cookie[0].ends_with("; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=None"));

    let row = db
        .query_one(
            r#"SELECT u.email, a.provider_id, a.account_id = u.id, a.password, s.token, s.user_agent, s.ip_address,
                      s.expires_at, s.created_at
               FROM "user" u JOIN account a ON a.user_id = u.id JOIN session s ON s.user_id = u.id"#,
            &[],
        )
        .await?;
    assert_eq!(row.text(0)?, "ada@example.com");
    assert_eq!(row.text(1)?, "credential");
    assert!(row.bool(2)?);
    assert!(row.text(3)?.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"));
    assert_eq!(row.text(4)?, token);
    assert_eq!(row.text(5)?, "e2e-agent");
    // The peer address Spin reports (no proxy is declared).
    assert_eq!(row.text(6)?, "127.0.0.1");
    assert_eq!(row.millis(7)? - row.millis(8)?, 7 * 86_400_000);

    // The cookie works for get-session.
    let cookie = reply
        .cookie_pair("better-auth.session_token")
        .context("cookie")?;
    let session = app.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(session.json()?["user"]["email"], "ada@example.com");

    // Duplicate (any case) → 422, nothing inserted.
    let duplicate = sign_up(&app, "ADA@example.com", "password1234")?;
    assert_eq!(duplicate.status, 422);
    assert_eq!(
        duplicate.text(),
        r#"{"message":"User already exists. Use another email.","code":"USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"}"#
    );
    assert_eq!(db.count(r#"SELECT count(*) FROM "user""#, &[]).await?, 1);

    // A failing session insert (a trigger the test plants) leaves no user and no account.
    db.batch(match db.dialect() {
        Dialect::Postgres => "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
             CREATE TRIGGER refuse_sessions BEFORE INSERT ON session FOR EACH ROW EXECUTE FUNCTION refuse();",
        Dialect::Sqlite => "CREATE TRIGGER refuse_sessions BEFORE INSERT ON session BEGIN SELECT RAISE(ABORT, 'refused'); END;",
    })
    .await?;
    let failed = sign_up(&app, "grace@example.com", "password1234")?;
    assert_eq!(failed.status, 500);
    assert!(
        !failed.text().contains("refused"),
        "no internals leaked: {}",
        failed.text()
    );
    let partial = db
        .count(
            r#"SELECT (SELECT count(*) FROM "user" WHERE email = 'grace@example.com')
                    + (SELECT count(*) FROM account a JOIN "user" u ON u.id = a.user_id WHERE u.email = 'grace@example.com')"#,
            &[],
        )
        .await?;
    assert_eq!(partial, 0, "no half-written rows");
    Ok(())
}

async fn sign_up_validation_errors_match_better_auth(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let cases = [
        (
            json!({"email":"short@example.com","password":"short","name":"Short"}),
            400,
            r#"{"message":"Password too short","code":"PASSWORD_TOO_SHORT"}"#,
        ),
        (
            json!({"email":"long@example.com","password":"x".repeat(129),"name":"Long"}),
            400,
            r#"{"message":"Password too long","code":"PASSWORD_TOO_LONG"}"#,
        ),
        (
            json!({"email":"not-an-email","password":"password1234","name":"Bad"}),
            400,
            r#"{"message":"[body.email] Invalid email address","code":"VALIDATION_ERROR"}"#,
        ),
        (
            json!({"email":"noname@example.com","password":"password1234"}),
            400,
            r#"{"message":"[body.name] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"}"#,
        ),
    ];
    for (body, status, expected) in cases {
        let reply = app.post_json("/api/auth/sign-up/email", None, &body)?;
        assert_eq!(
            (reply.status, reply.text().as_str()),
            (status, expected),
            "{body}"
        );
    }
    let bad_json = app.request("POST", "/api/auth/sign-up/email", &[ORIGIN, JSON], b"{bad")?;
    assert_eq!(
        (bad_json.status, bad_json.text().as_str()),
        (
            400,
            r#"{"message":"Invalid JSON in request body","code":"BAD_REQUEST"}"#
        )
    );
    let foreign = app.request(
        "POST",
        "/api/auth/sign-up/email",
        &[("origin", "http://evil.example.com"), JSON],
        br#"{"email":"x@example.com","password":"password1234","name":"X"}"#,
    )?;
    assert_eq!(
        (foreign.status, foreign.text().as_str()),
        (
            403,
            r#"{"message":"Invalid origin","code":"INVALID_ORIGIN"}"#
        )
    );
    let users = db.count(r#"SELECT count(*) FROM "user""#, &[]).await?;
    assert_eq!(users, 0);
    Ok(())
}

async fn sign_in_sign_out_and_remember_me(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    assert_eq!(
        sign_up(&app, "alice@example.com", "password1234")?.status,
        200
    );

    let invalid = r#"{"message":"Invalid email or password","code":"INVALID_EMAIL_OR_PASSWORD"}"#;
    for (email, password) in [
        ("alice@example.com", "wrong-password"),
        ("nobody@example.com", "password1234"),
    ] {
        let reply = app.post_json(
            "/api/auth/sign-in/email",
            None,
            &json!({"email": email, "password": password}),
        )?;
        assert_eq!(
            (reply.status, reply.text().as_str()),
            (401, invalid),
            "{email}"
        );
        assert!(reply.all("set-cookie").is_empty());
    }
    let bad_email = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({"email":"nope","password":"x"}),
    )?;
    assert_eq!(
        (bad_email.status, bad_email.text().as_str()),
        (400, r#"{"message":"Invalid email","code":"INVALID_EMAIL"}"#)
    );

    let signed_in = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({"email":"ALICE@example.com","password":"password1234"}),
    )?;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    let body = signed_in.json()?;
    let keys: Vec<&str> = body
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(keys, ["redirect", "token", "user"]);
    assert_eq!(body["redirect"], false);
    let cookie = signed_in
        .cookie_pair("better-auth.session_token")
        .context("cookie")?;

    // Not remembered: a one-day session, a browser-session cookie and dont_remember.
    let forgetful = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({"email":"alice@example.com","password":"password1234","rememberMe":false}),
    )?;
    let lines = forgetful.all("set-cookie");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("better-auth.session_token=") && !lines[0].contains("Max-Age"));
    assert!(
        lines[1].starts_with("better-auth.dont_remember=true.") && !lines[1].contains("Max-Age")
    );
    let token = forgetful.json()?["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let times = db
        .query_one(
            "SELECT expires_at, created_at FROM session WHERE token = $1",
            &[Param::text(&token)],
        )
        .await?;
    assert_eq!(times.millis(0)? - times.millis(1)?, 86_400_000);

    // POST /get-session is refused as upstream does without deferSessionRefresh.
    let post_session = app.post_json("/api/auth/get-session", Some(&cookie), &json!({}))?;
    assert_eq!(post_session.status, 405);
    assert_eq!(
        post_session.json()?["code"],
        "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED"
    );

    // Sign-out from a foreign origin with the cookie: refused (CSRF).
    let csrf = app.request(
        "POST",
        "/api/auth/sign-out",
        &[
            ("origin", "http://evil.example.com"),
            JSON,
            ("cookie", &cookie),
        ],
        b"{}",
    )?;
    assert_eq!(
        (csrf.status, csrf.text().as_str()),
        (
            403,
            r#"{"message":"Invalid origin","code":"INVALID_ORIGIN"}"#
        )
    );

    let out = app.post_json("/api/auth/sign-out", Some(&cookie), &json!({}))?;
    assert_eq!(
        (out.status, out.text().as_str()),
        (200, r#"{"success":true}"#)
    );
    assert_eq!(
        out.all("set-cookie"),
        [
            "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None",
            "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None",
            "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None",
        ]
    );
    let after = app.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(after.text(), "null");
    let sessions = db
        .count(
            "SELECT count(*) FROM session WHERE token = $1",
            &[Param::text(body["token"].as_str().unwrap_or_default())],
        )
        .await?;
    assert_eq!(sessions, 0, "sign-out deleted the row");
    Ok(())
}

/// `salt:key` as Better Auth writes it, computed by Node's own `crypto.scrypt`.
fn node_scrypt_hash(password: &str) -> Result<String> {
    let script = r#"
const crypto = require('node:crypto');
const salt = crypto.randomBytes(16).toString('hex');
const key = crypto.scryptSync(process.argv[1].normalize('NFKC'), salt, 64, { N: 16384, r: 16, p: 1, maxmem: 128 * 16384 * 16 * 2 });
process.stdout.write(`${salt}:${key.toString('hex')}`);
"#;
    let output = std::process::Command::new("node")
        .args(["-e", script, password])
        .output()
        .context("running node (needed to make a Better Auth scrypt hash)")?;
    anyhow::ensure!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8(output.stdout)?)
}

async fn legacy_scrypt_hash_signs_in_and_is_upgraded_to_argon2id(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let password = "ｐａｓｓｗｏｒｄ１２３４"; // NFKC-normalised by both sides
    let legacy = node_scrypt_hash(password)?;
    let now = Param::Millis(now_ms());
    db.execute(
        r#"INSERT INTO "user" (id, name, email, email_verified, created_at, updated_at)
           VALUES ('legacyuser0000000000000000000000', 'Legacy', 'legacy@example.com', $1, $2, $2)"#,
        &[Param::Bool(true), now.clone()],
    )
    .await?;
    db.execute(
        r#"INSERT INTO account (id, account_id, provider_id, user_id, password, created_at, updated_at)
           VALUES ('legacyaccount0000000000000000000', 'legacyuser0000000000000000000000', 'credential',
                   'legacyuser0000000000000000000000', $1, $2, $2)"#,
        &[Param::text(&legacy), now],
    )
    .await?;
    let sign_in = |pw: &str| {
        app.post_json(
            "/api/auth/sign-in/email",
            None,
            &json!({"email":"legacy@example.com","password": pw}),
        )
    };
    assert_eq!(sign_in("wrong-password")?.status, 401);
    let stored = db
        .query_one("SELECT password FROM account", &[])
        .await?
        .text(0)?;
    assert_eq!(stored, legacy, "a failed sign-in does not touch the hash");

    let first = sign_in(password)?;
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.json()?["user"]["emailVerified"], true);
    let upgraded = db
        .query_one("SELECT password FROM account", &[])
        .await?
        .text(0)?;
    assert!(upgraded.starts_with("$argon2id$"), "{upgraded}");
    assert_eq!(
        sign_in("password1234")?.status,
        200,
        "NFKC: the ASCII form is the same password"
    );
    assert_eq!(sign_in(password)?.status, 200);

    // A malformed stored hash is a plain 401, never a 500.
    db.execute("UPDATE account SET password = 'not-a-hash'", &[])
        .await?;
    assert_eq!(sign_in(password)?.status, 401);
    Ok(())
}

async fn concurrent_sign_ups_with_one_email_make_one_user(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = std::sync::Arc::new(App::start(&db)?);
    let racers: Vec<_> = (0..4)
        .map(|_| {
            let app = std::sync::Arc::clone(&app);
            std::thread::spawn(move || {
                sign_up(&app, "race@example.com", "password1234").map(|r| r.status)
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for racer in racers {
        statuses.push(
            racer
                .join()
                .map_err(|_| anyhow::anyhow!("racer panicked"))??,
        );
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 422, 422, 422]);
    let counts = db
        .query_one(
            r#"SELECT (SELECT count(*) FROM "user"), (SELECT count(*) FROM account), (SELECT count(*) FROM session)"#,
            &[],
        )
        .await?;
    assert_eq!((counts.i64(0)?, counts.i64(1)?, counts.i64(2)?), (1, 1, 1));
    Ok(())
}

async fn production_rate_limit_holds_across_instances(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let variables = spinstack_e2e::app::variables_with(&db, &[("node_env", "production")]);
    // Two app processes over one database: the limit is shared through PostgreSQL.
    let first = App::start_with(&db, &variables)?;
    let second = App::start_with(&db, &variables)?;
    let attempt = |app: &App| {
        app.post_json(
            "/api/auth/sign-in/email",
            None,
            &json!({"email":"nobody@example.com","password":"password1234"}),
        )
    };
    assert_eq!(attempt(&first)?.status, 401);
    assert_eq!(attempt(&second)?.status, 401);
    assert_eq!(attempt(&first)?.status, 401);
    let refused = attempt(&second)?;
    let buckets = db
        .query(
            "SELECT key, count, last_request FROM spinstack_rate_limit",
            &[],
        )
        .await?;
    assert_eq!(
        refused.status,
        429,
        "{} buckets: {buckets:?}",
        refused.text()
    );
    assert_eq!(
        refused.text(),
        r#"{"message":"Too many requests. Please try again later."}"#
    );
    assert_eq!(
        refused.header("content-type"),
        Some("text/plain;charset=UTF-8")
    );
    let retry: u64 = refused
        .header("x-retry-after")
        .unwrap_or_default()
        .parse()?;
    assert!((1..=10).contains(&retry), "{retry}");
    // Other paths have their own buckets.
    let session = first.request("GET", "/api/auth/get-session", &[], b"")?;
    assert_eq!(session.status, 200);

    // A session made on one instance resolves on the other, and its sign-out there
    // ends it for both.
    let signed_up = sign_up(&first, "shared@example.com", "password1234")?;
    assert_eq!(signed_up.status, 200, "{}", signed_up.text());
    let cookie = signed_up
        .cookie_pair("__Secure-better-auth.session_token")
        .or_else(|| signed_up.cookie_pair("better-auth.session_token"))
        .context("session cookie")?;
    let elsewhere = second.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(elsewhere.json()?["user"]["email"], "shared@example.com");
    let signed_out = second.post_json("/api/auth/sign-out", Some(&cookie), &json!({}))?;
    assert_eq!(signed_out.status, 200, "{}", signed_out.text());
    let gone = first.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(gone.text(), "null");

    // Development mode does not limit.
    let dev = App::start(&db)?;
    for _ in 0..5 {
        assert_eq!(attempt(&dev)?.status, 401);
    }
    Ok(())
}

spinstack_e2e::on_both_backends!(
    sign_up_creates_user_account_and_session_atomically,
    sign_up_validation_errors_match_better_auth,
    sign_in_sign_out_and_remember_me,
    legacy_scrypt_hash_signs_in_and_is_upgraded_to_argon2id,
    concurrent_sign_ups_with_one_email_make_one_user,
    production_rate_limit_holds_across_instances,
);
