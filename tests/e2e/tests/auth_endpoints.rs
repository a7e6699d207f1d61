//! The rest of Better Auth's API (spec §10) through the compiled `auth` and `session`
//! components on a fresh database, one test per endpoint family: statuses, JSON,
//! `Set-Cookie` lines and rows, matched to what better-auth 1.7.5 answers in the
//! template's configuration.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use spinstack_e2e::app::{App, SECRET, variables_with};
use spinstack_e2e::cookies::hs256_jwt;
use spinstack_e2e::db::{Backend, Dialect, Param, TestDb};
use spinstack_e2e::http::Reply;
use spinstack_e2e::now_ms;

const SESSION_COOKIE: &str = "better-auth.session_token";
const UNAUTHORIZED: &str = r#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#;
const COOKIE_ATTRIBUTES: &str = "; Path=/; HttpOnly; Secure; SameSite=None";

fn get(app: &App, path: &str, cookie: Option<&str>) -> Result<Reply> {
    let mut headers = vec![("user-agent", "e2e-agent")];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    app.request("GET", path, &headers, b"")
}

/// `name=value` of every Set-Cookie line that sets a value, joined as a Cookie header.
fn cookies_of(reply: &Reply) -> String {
    reply
        .all("set-cookie")
        .into_iter()
        .filter_map(|line| line.split(';').next())
        .filter(|pair| !pair.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Status and body text, for one-line assertions.
fn answer(reply: &Reply) -> (u16, String) {
    (reply.status, reply.text())
}

/// Header names in order.
fn header_names(reply: &Reply) -> Vec<&str> {
    reply
        .headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect()
}

/// A signed-up user: the Cookie header, the session token and the user id.
struct Signed {
    cookie: String,
    token: String,
    id: String,
}

fn sign_up(app: &App, email: &str, extra: &Value) -> Result<Signed> {
    let mut body = json!({ "email": email, "password": "password1234", "name": "Ada" });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let reply = app.post_json("/api/auth/sign-up/email", None, &body)?;
    anyhow::ensure!(reply.status == 200, "sign-up: {}", reply.text());
    let json = reply.json()?;
    Ok(Signed {
        cookie: cookies_of(&reply),
        token: json["token"].as_str().context("token")?.to_owned(),
        id: json["user"]["id"].as_str().context("id")?.to_owned(),
    })
}

async fn session_count(db: &TestDb, user_id: &str) -> Result<i64> {
    db.count(
        "SELECT count(*) FROM session WHERE user_id = $1",
        &[Param::text(user_id)],
    )
    .await
}

async fn make_stale(db: &TestDb, token: &str) -> Result<()> {
    let created = db
        .query_one(
            "SELECT created_at FROM session WHERE token = $1",
            &[Param::text(token)],
        )
        .await?
        .millis(0)?;
    db.execute(
        "UPDATE session SET created_at = $1 WHERE token = $2",
        &[Param::Millis(created - 2 * 86_400_000), Param::text(token)],
    )
    .await
}

/// Inserts an account of another provider for `user_id`.
async fn link_github(db: &TestDb, id: &str, user_id: &str, scope: &str) -> Result<()> {
    db.execute(
        "INSERT INTO account (id, account_id, provider_id, user_id, scope, access_token, created_at, updated_at)
         VALUES ($1, '12345', 'github', $2, $3, 'secret-token', $4, $4)",
        &[
            Param::text(id),
            Param::text(user_id),
            Param::text(scope),
            Param::Millis(now_ms()),
        ],
    )
    .await
}

async fn update_user_and_change_password(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let ada = sign_up(&app, "ada@example.com", &json!({}))?;

    // update-user: the same token's cookie again, then {"status":true}.
    let updated = app.post_json(
        "/api/auth/update-user",
        Some(&ada.cookie),
        &json!({"name": "Ada L", "image": "https://img/a.png"}),
    )?;
    assert_eq!(answer(&updated), (200, r#"{"status":true}"#.to_owned()));
    assert_eq!(
        updated.all("set-cookie"),
        [format!("{}; Max-Age=604800{COOKIE_ATTRIBUTES}", ada.cookie)]
    );
    assert_eq!(header_names(&updated)[..2], ["set-cookie", "content-type"]);
    let row = db
        .query_one(
            r#"SELECT name, image, updated_at, created_at FROM "user" WHERE id = $1"#,
            &[Param::text(&ada.id)],
        )
        .await?;
    assert_eq!(row.text(0)?, "Ada L");
    assert_eq!(row.opt_text(1)?.as_deref(), Some("https://img/a.png"));
    assert!(row.millis(2)? > row.millis(3)?);
    let none = app.post_json(
        "/api/auth/update-user",
        Some(&ada.cookie),
        &json!({"id": "x"}),
    )?;
    assert_eq!(
        answer(&none),
        (400, r#"{"message":"No fields to update"}"#.to_owned())
    );

    // change-password without revoking: token null, the hash replaced, sessions kept.
    let second = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({"email": "ada@example.com", "password": "password1234"}),
    )?;
    assert_eq!(second.status, 200);
    let wrong = app.post_json(
        "/api/auth/change-password",
        Some(&ada.cookie),
        &json!({"newPassword": "password5678", "currentPassword": "wrong-password"}),
    )?;
    assert_eq!(
        answer(&wrong),
        (
            400,
            r#"{"message":"Invalid password","code":"INVALID_PASSWORD"}"#.to_owned()
        )
    );
    let changed = app.post_json(
        "/api/auth/change-password",
        Some(&ada.cookie),
        &json!({"newPassword": "password5678", "currentPassword": "password1234"}),
    )?;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let body = changed.json()?;
    assert_eq!(body["token"], Value::Null);
    assert_eq!(body["user"]["name"], "Ada L");
    assert!(changed.all("set-cookie").is_empty());
    assert_eq!(session_count(&db, &ada.id).await?, 2);

    // With revokeOtherSessions: every session goes, a new 7-day one comes.
    let revoked = app.post_json("/api/auth/change-password",
        Some(&ada.cookie),
        &json!({"newPassword": "password1234", "currentPassword": "password5678", "revokeOtherSessions": true}),
    )?;
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    let token = revoked.json()?["token"]
        .as_str()
        .context("new token")?
        .to_owned();
    assert_ne!(token, ada.token);
    let lines = revoked.all("set-cookie");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with(&format!("{SESSION_COOKIE}={token}.")));
    assert!(lines[0].ends_with(&format!("; Max-Age=604800{COOKIE_ATTRIBUTES}")));
    let rows = db
        .query(
            "SELECT token, expires_at, created_at FROM session WHERE user_id = $1",
            &[Param::text(&ada.id)],
        )
        .await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].text(0)?, rows[0].millis(1)? - rows[0].millis(2)?),
        (token, 7 * 86_400_000)
    );

    // A not-remembered caller: the new session still lasts 7 days (createSession
    // without dontRememberMe), but its cookies are the don't-remember pair.
    let grace = sign_up(&app, "grace@example.com", &json!({"rememberMe": false}))?;
    let forgetful = app.post_json("/api/auth/change-password",
        Some(&grace.cookie),
        &json!({"newPassword": "password5678", "currentPassword": "password1234", "revokeOtherSessions": true}),
    )?;
    assert_eq!(forgetful.status, 200, "{}", forgetful.text());
    let lines = forgetful.all("set-cookie");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(SESSION_COOKIE) && lines[0].ends_with(COOKIE_ATTRIBUTES));
    assert!(!lines[0].contains("Max-Age"));
    assert!(
        lines[1].starts_with("better-auth.dont_remember=true.") && !lines[1].contains("Max-Age")
    );
    let times = db
        .query_one(
            "SELECT expires_at, created_at FROM session WHERE user_id = $1",
            &[Param::text(&grace.id)],
        )
        .await?;
    assert_eq!(times.millis(0)? - times.millis(1)?, 7 * 86_400_000);
    Ok(())
}

async fn list_and_revoke_sessions(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let ada = sign_up(&app, "ada@example.com", &json!({}))?;
    let bob = sign_up(&app, "bob@example.com", &json!({}))?;
    let second = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({"email": "ada@example.com", "password": "password1234"}),
    )?;
    let second_cookie = cookies_of(&second);

    let listed = get(&app, "/api/auth/list-sessions", Some(&ada.cookie))?;
    assert_eq!(listed.status, 200, "{}", listed.text());
    let sessions = listed.json()?;
    let sessions = sessions.as_array().context("array")?;
    assert_eq!(sessions.len(), 2);
    let keys: Vec<&str> = sessions[0]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "expiresAt",
            "token",
            "createdAt",
            "updatedAt",
            "ipAddress",
            "userAgent",
            "userId",
            "id"
        ]
    );
    assert!(sessions.iter().any(|s| s["token"] == ada.token.as_str()));

    // Created a day or more ago: not fresh.
    make_stale(&db, &ada.token).await?;
    let stale = get(&app, "/api/auth/list-sessions", Some(&ada.cookie))?;
    assert_eq!(
        answer(&stale),
        (
            403,
            r#"{"message":"Session is not fresh","code":"SESSION_NOT_FRESH"}"#.to_owned()
        )
    );
    let anonymous = get(&app, "/api/auth/list-sessions", None)?;
    assert_eq!(answer(&anonymous), (401, UNAUTHORIZED.to_owned()));

    // revoke-session: someone else's token is left alone, yet {"status":true}.
    let foreign = app.post_json(
        "/api/auth/revoke-session",
        Some(&ada.cookie),
        &json!({"token": bob.token}),
    )?;
    assert_eq!(answer(&foreign), (200, r#"{"status":true}"#.to_owned()));
    assert_eq!(session_count(&db, &bob.id).await?, 1);

    let others = app.post_json(
        "/api/auth/revoke-other-sessions",
        Some(&ada.cookie),
        &json!({}),
    )?;
    assert_eq!(answer(&others), (200, r#"{"status":true}"#.to_owned()));
    assert_eq!(session_count(&db, &ada.id).await?, 1);
    let gone = get(&app, "/api/auth/get-session", Some(&second_cookie))?;
    assert_eq!(gone.text(), "null");

    let all = app.post_json("/api/auth/revoke-sessions", Some(&ada.cookie), &json!({}))?;
    assert_eq!(answer(&all), (200, r#"{"status":true}"#.to_owned()));
    assert_eq!(session_count(&db, &ada.id).await?, 0);
    // The dead cookie now gets 401 with the clearing sequence.
    let after = app.post_json("/api/auth/revoke-sessions", Some(&ada.cookie), &json!({}))?;
    assert_eq!(answer(&after), (401, UNAUTHORIZED.to_owned()));
    assert_eq!(
        after.all("set-cookie"),
        [
            format!("{SESSION_COOKIE}=; Max-Age=0{COOKIE_ATTRIBUTES}"),
            format!("better-auth.session_data=; Max-Age=0{COOKIE_ATTRIBUTES}"),
            format!("better-auth.dont_remember=; Max-Age=0{COOKIE_ATTRIBUTES}"),
        ]
    );
    Ok(())
}

async fn list_and_unlink_accounts(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let ada = sign_up(&app, "ada@example.com", &json!({}))?;

    let last = app.post_json(
        "/api/auth/unlink-account",
        Some(&ada.cookie),
        &json!({"accountId": "x"}),
    )?;
    assert_eq!(
        answer(&last),
        (
            400,
            r#"{"message":"You can't unlink your last account","code":"FAILED_TO_UNLINK_LAST_ACCOUNT"}"#
                .to_owned()
        )
    );
    link_github(&db, "gh-account-1", &ada.id, "read:user, user:email,,").await?;
    let listed = get(&app, "/api/auth/list-accounts", Some(&ada.cookie))?;
    assert_eq!(listed.status, 200);
    let accounts = listed.json()?;
    let github = accounts
        .as_array()
        .and_then(|all| all.iter().find(|a| a["providerId"] == "github"))
        .context("github account listed")?;
    assert_eq!(github["scopes"], json!(["read:user", "user:email"]));
    assert_eq!(github["id"], "gh-account-1");
    assert!(!listed.text().contains("secret-token"));
    let keys: Vec<&str> = github
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "accountId",
            "providerId",
            "userId",
            "createdAt",
            "updatedAt",
            "id",
            "scopes"
        ]
    );

    let missing = app.post_json(
        "/api/auth/unlink-account",
        Some(&ada.cookie),
        &json!({"accountId": "12345"}),
    )?;
    assert_eq!(
        answer(&missing),
        (
            400,
            r#"{"message":"Account not found","code":"ACCOUNT_NOT_FOUND"}"#.to_owned()
        )
    );
    let without_id = app.post_json(
        "/api/auth/unlink-account",
        Some(&ada.cookie),
        &json!({"providerId": "github"}),
    )?;
    assert_eq!(without_id.status, 400);
    assert_eq!(
        without_id.json()?["message"],
        "[body.accountId] Invalid input: expected string, received undefined"
    );
    let unlinked = app.post_json(
        "/api/auth/unlink-account",
        Some(&ada.cookie),
        &json!({"accountId": "gh-account-1"}),
    )?;
    assert_eq!(answer(&unlinked), (200, r#"{"status":true}"#.to_owned()));
    let left = db
        .count(
            "SELECT count(*) FROM account WHERE user_id = $1",
            &[Param::text(&ada.id)],
        )
        .await?;
    assert_eq!(left, 1);

    make_stale(&db, &ada.token).await?;
    let stale = app.post_json(
        "/api/auth/unlink-account",
        Some(&ada.cookie),
        &json!({"accountId": "x"}),
    )?;
    assert_eq!(stale.status, 403);
    Ok(())
}

async fn provider_token_endpoints_without_providers(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let ada = sign_up(&app, "ada@example.com", &json!({}))?;
    link_github(&db, "gh-account-1", &ada.id, "repo").await?;
    let credential = db
        .query_one(
            "SELECT id FROM account WHERE user_id = $1 AND provider_id = 'credential'",
            &[Param::text(&ada.id)],
        )
        .await?
        .text(0)?;

    for path in ["/api/auth/get-access-token", "/api/auth/refresh-token"] {
        // Signed out: 401 with an empty body (`ctx.error("UNAUTHORIZED")`).
        let anonymous = app.post_json(path, None, &json!({"accountId": "gh-account-1"}))?;
        assert_eq!(answer(&anonymous), (401, String::new()), "{path}");
        assert_eq!(anonymous.header("content-type"), Some("application/json"));
        let unknown = app.post_json(path, Some(&ada.cookie), &json!({"accountId": "nope"}))?;
        assert_eq!(
            answer(&unknown),
            (
                400,
                r#"{"message":"Account not found","code":"ACCOUNT_NOT_FOUND"}"#.to_owned()
            )
        );
        let cookie_selection =
            app.post_json(path, Some(&ada.cookie), &json!({"useAccountCookie": true}))?;
        assert_eq!(cookie_selection.json()?["code"], "ACCOUNT_NOT_FOUND");
        for (account, provider) in [
            ("gh-account-1", "github"),
            (credential.as_str(), "credential"),
        ] {
            let reply = app.post_json(path, Some(&ada.cookie), &json!({"accountId": account}))?;
            assert_eq!(
                answer(&reply),
                (
                    400,
                    format!(
                        r#"{{"message":"Provider {provider} is not supported.","code":"PROVIDER_NOT_SUPPORTED"}}"#
                    )
                ),
                "{path}"
            );
        }
    }
    let info = get(
        &app,
        "/api/auth/account-info?accountId=gh-account-1",
        Some(&ada.cookie),
    )?;
    assert_eq!(
        answer(&info),
        (
            400,
            r#"{"message":"Account is not associated with a configured social provider.","code":"PROVIDER_NOT_CONFIGURED"}"#
                .to_owned()
        )
    );
    let info = get(
        &app,
        "/api/auth/account-info?accountId=nope",
        Some(&ada.cookie),
    )?;
    assert_eq!(info.json()?["code"], "ACCOUNT_NOT_FOUND");
    let info = get(&app, "/api/auth/account-info?accountId=gh-account-1", None)?;
    assert_eq!(answer(&info), (401, String::new()));
    Ok(())
}

/// Inserts a `reset-password:<token>` row for `user_id` expiring `expires_in_ms` from
/// now.
async fn reset_row(db: &TestDb, token: &str, user_id: &str, expires_in_ms: i64) -> Result<()> {
    let now = now_ms();
    db.execute(
        "INSERT INTO verification (id, identifier, value, expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
        &[
            Param::Text(format!("verification-{token}")),
            Param::Text(format!("reset-password:{token}")),
            Param::text(user_id),
            Param::Millis(now + expires_in_ms),
            Param::Millis(now),
        ],
    )
    .await
}

const HOUR_MS: i64 = 3_600_000;

async fn reset_password_with_a_verification_row(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let ada = sign_up(&app, "ada@example.com", &json!({}))?;
    reset_row(&db, "goodtoken0123456789abcd", &ada.id, HOUR_MS).await?;
    reset_row(&db, "oldtoken0123456789abcde", &ada.id, -1000).await?;

    // The emailed link: a redirect to the callback URL with the token...
    let link = get(
        &app,
        "/api/auth/reset-password/goodtoken0123456789abcd?callbackURL=%2Freset%3Fx%3D1",
        None,
    )?;
    assert_eq!(link.status, 302);
    assert_eq!(
        link.header("location"),
        Some("http://localhost:3000/reset?x=1&token=goodtoken0123456789abcd")
    );
    assert_eq!(header_names(&link)[..2], ["location", "content-type"]);
    assert!(link.body.is_empty());
    // ...or with ?error=INVALID_TOKEN (expired, unknown; no callback → the error page).
    for (path, location) in [
        (
            "/api/auth/reset-password/oldtoken0123456789abcde?callbackURL=http%3A%2F%2Flocalhost%3A3001%2Freset",
            "http://localhost:3001/reset?error=INVALID_TOKEN",
        ),
        (
            "/api/auth/reset-password/nope?callbackURL=%2Freset",
            "http://localhost:3000/reset?error=INVALID_TOKEN",
        ),
        (
            "/api/auth/reset-password/goodtoken0123456789abcd?callbackURL=",
            "http://localhost:3000/api/auth/error?error=INVALID_TOKEN",
        ),
    ] {
        let reply = get(&app, path, None)?;
        assert_eq!(
            (reply.status, reply.header("location")),
            (302, Some(location))
        );
    }
    // The lookup purged the expired row.
    let rows = db.count("SELECT count(*) FROM verification", &[]).await?;
    assert_eq!(rows, 1);

    let reset = |body: Value| app.post_json("/api/auth/reset-password", None, &body);
    let invalid = r#"{"message":"Invalid token","code":"INVALID_TOKEN"}"#.to_owned();
    assert_eq!(
        answer(&reset(json!({"newPassword": "password5678"}))?),
        (400, invalid.clone())
    );
    assert_eq!(
        answer(&reset(
            json!({"newPassword": "short", "token": "goodtoken0123456789abcd"})
        )?),
        (
            400,
            r#"{"message":"Password too short","code":"PASSWORD_TOO_SHORT"}"#.to_owned()
        )
    );
    let done = reset(json!({"newPassword": "password5678", "token": "goodtoken0123456789abcd"}))?;
    assert_eq!(answer(&done), (200, r#"{"status":true}"#.to_owned()));
    assert!(done.all("set-cookie").is_empty());
    // Consumed, the new password works, the old does not, and sessions were revoked.
    assert_eq!(
        answer(&reset(
            json!({"newPassword": "password5678", "token": "goodtoken0123456789abcd"})
        )?),
        (400, invalid)
    );
    assert_eq!(session_count(&db, &ada.id).await?, 0);
    let sign_in = |password: &str| {
        app.post_json(
            "/api/auth/sign-in/email",
            None,
            &json!({"email": "ada@example.com", "password": password}),
        )
    };
    assert_eq!(sign_in("password1234")?.status, 401);
    assert_eq!(sign_in("password5678")?.status, 200);

    // Two racing resets with one token: exactly one wins.
    reset_row(&db, "racetoken0123456789abcd", &ada.id, HOUR_MS).await?;
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    app.post_json(
                        "/api/auth/reset-password",
                        None,
                        &json!({"newPassword": "password9012", "token": "racetoken0123456789abcd"}),
                    )
                    .map_or(0, |reply| reply.status)
                })
            })
            .collect();
        racers
            .into_iter()
            .map(|racer| racer.join().unwrap_or(0))
            .collect()
    });
    let mut sorted = statuses.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [200, 400], "{statuses:?}");

    // A row for a user who is gone; a user without a credential account gets one.
    reset_row(&db, "ghosttoken0123456789abc", "no-such-user", HOUR_MS).await?;
    let ghost = app.post_json(
        "/api/auth/reset-password?token=ghosttoken0123456789abc",
        None,
        &json!({"newPassword": "password5678", "token": ""}),
    )?;
    assert_eq!(
        answer(&ghost),
        (
            400,
            r#"{"message":"User not found","code":"USER_NOT_FOUND"}"#.to_owned()
        )
    );
    db.execute(
        r#"INSERT INTO "user" (id, name, email, email_verified, created_at, updated_at)
           VALUES ('social-user', 'S', 's@example.com', $1, $2, $2)"#,
        &[Param::Bool(true), Param::Millis(now_ms())],
    )
    .await?;
    reset_row(&db, "socialtoken0123456789ab", "social-user", HOUR_MS).await?;
    let social = reset(json!({"newPassword": "password5678", "token": "socialtoken0123456789ab"}))?;
    assert_eq!(social.status, 200, "{}", social.text());
    let account = db
        .query_one(
            "SELECT account_id, provider_id, password FROM account WHERE user_id = 'social-user'",
            &[],
        )
        .await?;
    assert_eq!(account.text(0)?, "social-user");
    assert_eq!(account.text(1)?, "credential");
    assert!(account.text(2)?.starts_with("$argon2id$"));
    let social_sign_in = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({"email": "s@example.com", "password": "password5678"}),
    )?;
    assert_eq!(social_sign_in.status, 200);
    Ok(())
}

/// An HS256 JWT signed with `secret`, built independently of the server.
fn jwt(payload: &Value, secret: &str) -> Result<String> {
    hs256_jwt(payload, secret)
}

async fn email_verified(db: &TestDb, user_id: &str) -> Result<bool> {
    Ok(db
        .query_one(
            r#"SELECT email_verified FROM "user" WHERE id = $1"#,
            &[Param::text(user_id)],
        )
        .await?
        .bool(0)?)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

async fn verify_email_with_an_independently_signed_token(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let ada = sign_up(&app, "ada@example.com", &json!({}))?;
    let now = now_secs();
    let verify = |token: &str, callback: &str| {
        get(
            &app,
            &format!("/api/auth/verify-email?token={token}{callback}"),
            None,
        )
    };

    let expired = jwt(
        &json!({"email": "ada@example.com", "iat": now - 7200, "exp": now - 3600}),
        SECRET,
    )?;
    assert_eq!(
        answer(&verify(&expired, "")?),
        (
            401,
            r#"{"message":"Token expired","code":"TOKEN_EXPIRED"}"#.to_owned()
        )
    );
    let forged = jwt(
        &json!({"email": "ada@example.com"}),
        "not-the-secret-not-the-secret-!!",
    )?;
    assert_eq!(
        answer(&verify(&forged, "")?),
        (
            401,
            r#"{"message":"Invalid token","code":"INVALID_TOKEN"}"#.to_owned()
        )
    );
    let with_error = verify(&forged, "&callbackURL=%2Fdone%3Fa%3D1")?;
    assert_eq!(
        (with_error.status, with_error.header("location")),
        (302, Some("/done?a=1&error=INVALID_TOKEN"))
    );
    let stranger = jwt(&json!({"email": "bob@example.com"}), SECRET)?;
    assert_eq!(
        answer(&verify(&stranger, "")?),
        (
            401,
            r#"{"message":"User not found","code":"USER_NOT_FOUND"}"#.to_owned()
        )
    );
    // A validly signed token whose claims break Better Auth's schema: an empty 500.
    let malformed = verify(&jwt(&json!({"email": "nope"}), SECRET)?, "")?;
    assert_eq!(answer(&malformed), (500, String::new()));
    assert!(!email_verified(&db, &ada.id).await?);

    let good = jwt(
        &json!({"email": "ADA@example.com", "iat": now, "exp": now + 3600}),
        SECRET,
    )?;
    let done = verify(&good, "")?;
    assert_eq!(
        answer(&done),
        (200, r#"{"status":true,"user":null}"#.to_owned())
    );
    assert!(email_verified(&db, &ada.id).await?);
    // Already verified: the same answer; with a callback, a redirect to it as given.
    assert_eq!(verify(&good, "")?.text(), r#"{"status":true,"user":null}"#);
    let redirected = verify(
        &good,
        "&callbackURL=http%3A%2F%2Flocalhost%3A3001%2Fverified",
    )?;
    assert_eq!(
        (redirected.status, redirected.header("location")),
        (302, Some("http://localhost:3001/verified"))
    );
    let untrusted = verify(&good, "&callbackURL=https%3A%2F%2Fevil.com")?;
    assert_eq!(untrusted.status, 403);

    // better-auth 1.7.29 binds change-email tokens to the user's id: one without
    // `userId` changes nothing.
    let unbound = jwt(
        &json!({"email": "ada@example.com", "updateTo": "Ada.New@example.com"}),
        SECRET,
    )?;
    assert_eq!(
        answer(&verify(&unbound, "")?),
        (
            401,
            r#"{"message":"Invalid token","code":"INVALID_TOKEN"}"#.to_owned()
        )
    );
    // The legacy change-email token (`updateTo`, no requestType) from a signed-out
    // browser: the address changes (unverified); nobody is signed in.
    let change = jwt(
        &json!({"email": "ada@example.com", "updateTo": "Ada.New@example.com", "userId": ada.id}),
        SECRET,
    )?;
    let changed = verify(&change, "")?;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let body = changed.json()?;
    assert_eq!(body["status"], true);
    assert_eq!(body["user"]["email"], "ada.new@example.com");
    assert_eq!(body["user"]["emailVerified"], false);
    assert!(changed.all("set-cookie").is_empty());
    assert_eq!(session_count(&db, &ada.id).await?, 1);
    // The same token again: the user no longer has its address.
    assert_eq!(verify(&change, "")?.status, 401);
    // The confirmation step only answers (the mail to the new address has no sender).
    let confirm = jwt(
        &json!({"email": "ada.new@example.com", "updateTo": "q@example.com", "requestType": "change-email-confirmation", "userId": ada.id}),
        SECRET,
    )?;
    assert_eq!(
        answer(&verify(&confirm, "")?),
        (200, r#"{"status":true}"#.to_owned())
    );
    // A caller signed in as someone else: INVALID_USER, nothing changes.
    let bob = sign_up(&app, "bob@example.com", &json!({}))?;
    let theirs = jwt(
        &json!({"email": "ada.new@example.com", "updateTo": "z@example.com", "userId": ada.id}),
        SECRET,
    )?;
    let invalid_user = get(
        &app,
        &format!("/api/auth/verify-email?token={theirs}"),
        Some(&bob.cookie),
    )?;
    assert_eq!(
        answer(&invalid_user),
        (
            401,
            r#"{"message":"Invalid user","code":"INVALID_USER"}"#.to_owned()
        )
    );
    let email = db
        .query_one(
            r#"SELECT email FROM "user" WHERE id = $1"#,
            &[Param::text(&ada.id)],
        )
        .await?
        .text(0)?;
    assert_eq!(email, "ada.new@example.com");
    Ok(())
}

async fn oauth_callback_and_error_page(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let location = |reply: &Reply| reply.header("location").map(str::to_owned);

    let no_state = get(&app, "/api/auth/callback/github?code=abc", None)?;
    assert_eq!(no_state.status, 302);
    assert_eq!(
        location(&no_state).as_deref(),
        Some("http://localhost:3000/api/auth/error?error=state_not_found")
    );
    let unknown = get(&app, "/api/auth/callback/github?state=nope&code=abc", None)?;
    assert_eq!(
        location(&unknown).as_deref(),
        Some("http://localhost:3000/api/auth/error?error=state_mismatch")
    );
    // A verification row that is not an OAuth state.
    reset_row(&db, "tok", "some-user-id", HOUR_MS).await?;
    let not_a_state = get(
        &app,
        "/api/auth/callback/github?state=reset-password%3Atok",
        None,
    )?;
    assert_eq!(
        location(&not_a_state).as_deref(),
        Some("http://localhost:3000/api/auth/error?error=internal_server_error")
    );
    // POST (form_post providers) re-directs to the GET form, query over body.
    let reposted = app.request(
        "POST",
        "/api/auth/callback/github?iss=x",
        &[("content-type", "application/x-www-form-urlencoded")],
        b"code=a+b&state=s%26t&extra=1",
    )?;
    assert_eq!(reposted.status, 302);
    assert_eq!(
        location(&reposted).as_deref(),
        Some("http://localhost:3000/api/auth/callback/github?code=a+b&state=s%26t&iss=x")
    );

    let page = get(
        &app,
        "/api/auth/error?error=BAD_THING&error_description=%3Cb%3Eoops",
        None,
    )?;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html"));
    let html = page.text();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("BAD_THING") && html.contains("&lt;b&gt;oops"));
    assert!(!html.contains("<b>oops"));
    let unknown_code = get(&app, "/api/auth/error?error=%3Cscript%3E", None)?;
    assert!(unknown_code.text().contains("errors/UNKNOWN?askai="));

    // In production the page is a redirect home.
    drop(app);
    let production = App::start_with(&db, &{
        let mut variables = variables_with(&db, &[]);
        variables.push(("node_env".to_owned(), "production".to_owned()));
        variables
    })?;
    let redirected = production.request(
        "GET",
        "/api/auth/error?error=it's&error_description=a+b%2Bc",
        &[],
        b"",
    )?;
    assert_eq!(redirected.status, 302);
    assert_eq!(
        redirected.header("location"),
        Some("/?error=it%27s&error_description=a+b%2Bc")
    );
    assert!(redirected.body.is_empty());
    assert_eq!(redirected.header("content-type"), None);
    Ok(())
}

async fn database_failures_answer_500_without_internals(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let ada = sign_up(&app, "ada@example.com", &json!({}))?;
    let internal = r#"{"message":"Internal Server Error","code":"INTERNAL_SERVER_ERROR"}"#;

    db.batch("DROP TABLE verification").await?;
    let reset = app.post_json(
        "/api/auth/reset-password",
        None,
        &json!({"newPassword": "password5678", "token": "sometoken"}),
    )?;
    assert_eq!(answer(&reset), (500, internal.to_owned()));
    assert_eq!(reset.header("content-type"), Some("application/json"));
    // The cause is logged (the runtime's error, escaped), never sent.
    assert!(app.stderr_shows("consuming a verification row"));
    assert!(app.stderr_shows(match db.dialect() {
        Dialect::Postgres => "does not exist",
        Dialect::Sqlite => "no such table",
    }));

    db.batch("DROP TABLE account").await?;
    let accounts = get(&app, "/api/auth/list-accounts", Some(&ada.cookie))?;
    assert_eq!(answer(&accounts), (500, internal.to_owned()));
    let sign_in = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({"email": "ada@example.com", "password": "password1234"}),
    )?;
    assert_eq!(answer(&sign_in), (500, internal.to_owned()));
    assert!(app.stderr_shows("sign-in: looking up the user"));
    drop(app);
    if db.backend() == Backend::Sqlite {
        return Ok(());
    }

    // PostgreSQL unreachable: the session lookup fails as get-session's 500.
    let closed = App::start_with(
        &db,
        &variables_with(
            &db,
            &[
                (
                    "database_url",
                    "postgres://postgres@127.0.0.1:1/nothing?sslmode=disable",
                ),
                ("db_port", "1"),
            ],
        ),
    )?;
    let update = closed.post_json(
        "/api/auth/update-user",
        Some(&ada.cookie),
        &json!({"name": "x"}),
    )?;
    assert_eq!(
        answer(&update),
        (
            500,
            r#"{"message":"Failed to get session","code":"FAILED_TO_GET_SESSION"}"#.to_owned()
        )
    );
    let sign_up = closed.post_json(
        "/api/auth/sign-up/email",
        None,
        &json!({"email": "new@example.com", "password": "password1234", "name": "N"}),
    )?;
    assert_eq!(answer(&sign_up), (500, internal.to_owned()));
    assert!(!sign_up.text().contains("127.0.0.1"));
    Ok(())
}

spinstack_e2e::on_both_backends!(
    update_user_and_change_password,
    list_and_revoke_sessions,
    list_and_unlink_accounts,
    provider_token_endpoints_without_providers,
    reset_password_with_a_verification_row,
    verify_email_with_an_independently_signed_token,
    oauth_callback_and_error_page,
    database_failures_answer_500_without_internals,
);
