//! Issue #14 items 1–3 and 5 through the compiled components, on both backends: the
//! session cookie cache (`session_cookie_cache_max_age`, `session_cookie_cache_strategy`)
//! answering get-session and `privateData` with no database call (the runtime's own
//! counts prove it per request), its fallbacks, chunks and clearing; the revocation
//! bound; rotation of `better_auth_secrets` keeping users signed in.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use spinstack_e2e::app::{App, SECRET, variables_with};
use spinstack_e2e::cookies::{Jar, hs256_jwt, signed};
use spinstack_e2e::db::{Backend, TestDb};
use spinstack_e2e::http::Reply;

const TOKEN: &str = "better-auth.session_token";
const DATA: &str = "better-auth.session_data";
const JSON: (&str, &str) = ("content-type", "application/json");
const ROTATED: &str = "rotated-secret-0123456789abcdefghijklmnopqrstuvwxyzABCD";

fn cached_app(db: &TestDb, max_age: &str, strategy: &str) -> Result<App> {
    App::start_counting(
        db,
        &variables_with(
            db,
            &[
                ("session_cookie_cache_max_age", max_age),
                ("session_cookie_cache_strategy", strategy),
            ],
        ),
    )
}

fn sign_up(app: &App, email: &str, extra: &Value) -> Result<(Reply, Jar)> {
    let mut body = json!({ "email": email, "password": "password1234", "name": "Ada" });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let reply = app.post_json("/api/auth/sign-up/email", None, &body)?;
    ensure!(reply.status == 200, "sign-up: {}", reply.text());
    let mut jar = Jar::default();
    jar.apply(&reply);
    Ok((reply, jar))
}

fn get_session(app: &App, jar: &Jar, query: &str) -> Result<Reply> {
    app.request(
        "GET",
        &format!("/api/auth/get-session{query}"),
        &[("cookie", &jar.header())],
        b"",
    )
}

fn private_data(app: &App, jar: &Jar) -> Result<Reply> {
    app.request(
        "POST",
        "/rpc/privateData",
        &[JSON, ("cookie", &jar.header())],
        b"{}",
    )
}

/// The `Set-Cookie` lines of `reply` that set or expire the cache (`session_data`,
/// `session_data.<k>`).
fn cache_lines(reply: &Reply) -> Vec<&str> {
    reply
        .all("set-cookie")
        .into_iter()
        .filter(|line| line.starts_with(DATA))
        .collect()
}

/// How many dots a value of each strategy has.
fn dots(strategy: &str) -> usize {
    match strategy {
        "jwt" => 2,
        "jwe" => 4,
        _ => 0,
    }
}

async fn the_cache_answers_without_the_database(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    for strategy in ["compact", "jwt", "jwe"] {
        let app = cached_app(&db, "300", strategy)?;
        let email = format!("{strategy}@example.com");
        let (signed_up, mut jar) = sign_up(&app, &email, &json!({}))?;
        // Sign-up writes the cache after the session cookie, as Better Auth does.
        let lines = signed_up.all("set-cookie");
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with(&format!("{TOKEN}=")));
        let value = jar.get(DATA).context("session_data")?.to_owned();
        assert!(lines[1].starts_with(&format!("{DATA}={value}; Max-Age=300; Path=/; HttpOnly")));
        assert_eq!(value.matches('.').count(), dots(strategy), "{strategy}");

        // A valid cache answers get-session and privateData with no database call.
        let before = app.db_calls()?;
        let session = get_session(&app, &jar, "")?;
        assert_eq!(session.status, 200, "{}", session.text());
        assert!(session.all("set-cookie").is_empty(), "a hit sets nothing");
        assert_eq!(session.json()?["user"]["email"], email.as_str());
        assert_eq!(session.header("cache-control"), Some("no-store"));
        let private = private_data(&app, &jar)?;
        assert_eq!(private.status, 200, "{}", private.text());
        assert_eq!(private.json()?["json"]["user"]["email"], email.as_str());
        let calls = app.db_calls()?.since(before);
        assert!(calls.none(), "{strategy}: {calls:?}");

        // disableCookieCache confirms the session in the database and rewrites the
        // cache from it.
        let before = app.db_calls()?;
        let confirmed = get_session(&app, &jar, "?disableCookieCache=true")?;
        assert_eq!(confirmed.json()?["user"]["email"], email.as_str());
        assert!(!app.db_calls()?.since(before).none());
        let rewritten = cache_lines(&confirmed);
        assert_eq!(rewritten.len(), 1, "{rewritten:?}");
        assert!(rewritten[0].contains("; Max-Age=300;"));

        // A tampered cache is expired, then rebuilt from the database.
        let mut tampered = jar.clone();
        let middle = value.len() / 2;
        let flipped = if value.as_bytes()[middle] == b'A' {
            "B"
        } else {
            "A"
        };
        let bad = format!("{}{flipped}{}", &value[..middle], &value[middle + 1..]);
        tampered.set(DATA, &bad);
        let before = app.db_calls()?;
        let fallback = get_session(&app, &tampered, "")?;
        assert_eq!(fallback.json()?["user"]["email"], email.as_str());
        assert!(!app.db_calls()?.since(before).none());
        let lines = cache_lines(&fallback);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with(&format!("{DATA}=; Max-Age=0")));
        assert!(!lines[1].starts_with(&format!("{DATA}=;")));

        // A don't-remember sign-in gets a browser-session cache cookie.
        let signed_in = app.post_json(
            "/api/auth/sign-in/email",
            None,
            &json!({ "email": email, "password": "password1234", "rememberMe": false }),
        )?;
        let data = cache_lines(&signed_in);
        assert_eq!(data.len(), 1, "{data:?}");
        assert!(!data[0].contains("Max-Age"), "{}", data[0]);

        // Sign-out clears the cache with the session.
        let signed_out = app.post_json("/api/auth/sign-out", Some(&jar.header()), &json!({}))?;
        assert_eq!(signed_out.status, 200);
        jar.apply(&signed_out);
        assert_eq!(jar.get(DATA), None);
        assert_eq!(jar.get(TOKEN), None);
    }
    Ok(())
}

async fn chunked_caches_are_read_and_cleared(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = cached_app(&db, "300", "jwe")?;
    let image = format!("https://example.com/{}", "a".repeat(6000));
    let (signed_up, mut jar) = sign_up(&app, "chunky@example.com", &json!({ "image": image }))?;
    let chunks = cache_lines(&signed_up);
    assert!(chunks.len() >= 2, "{chunks:?}");
    assert!(chunks[0].starts_with(&format!("{DATA}.0=")));
    assert!(chunks[1].starts_with(&format!("{DATA}.1=")));
    assert!(chunks.iter().all(|line| line.len() <= 4050), "{chunks:?}");
    assert_eq!(jar.get(DATA), None);

    let before = app.db_calls()?;
    let session = get_session(&app, &jar, "")?;
    assert_eq!(session.json()?["user"]["image"], image.as_str());
    assert!(app.db_calls()?.since(before).none());

    let signed_out = app.post_json("/api/auth/sign-out", Some(&jar.header()), &json!({}))?;
    jar.apply(&signed_out);
    assert!(
        jar.names().iter().all(|name| !name.starts_with(DATA)),
        "{:?}",
        jar.names()
    );
    Ok(())
}

async fn without_the_cache_cache_cookies_are_cleaned(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    let cookie = format!("{DATA}=stale; {DATA}.0=stale-chunk");
    let reply = app.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(reply.text(), "null");
    let lines = reply.all("set-cookie");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(&format!("{DATA}=; Max-Age=0")));
    assert!(lines[1].starts_with(&format!("{DATA}.0=; Max-Age=0")));
    Ok(())
}

async fn a_revoked_session_lasts_no_longer_than_one_max_age(backend: Backend) -> Result<()> {
    const MAX_AGE: Duration = Duration::from_secs(2);
    let db = TestDb::create(backend).await?;
    let app = cached_app(&db, "2", "compact")?;
    let (_, first) = sign_up(&app, "revoked@example.com", &json!({}))?;
    let written = Instant::now();
    let second = app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({ "email": "revoked@example.com", "password": "password1234" }),
    )?;
    let mut other = Jar::default();
    other.apply(&second);
    let revoked = app.post_json(
        "/api/auth/revoke-other-sessions",
        Some(&other.header()),
        &json!({}),
    )?;
    assert_eq!(revoked.status, 200, "{}", revoked.text());

    // Within the window the cache still answers, as in Better Auth (checked only
    // when the machine got here well inside it).
    if written.elapsed() < MAX_AGE / 2 {
        let cached = get_session(&app, &first, "")?;
        assert_eq!(cached.json()?["user"]["email"], "revoked@example.com");
    }
    // Writes confirm the session in the database: update-user cannot renew the
    // revoked session's cache (Better Auth's quirk, spec §8, is not reproduced). The
    // client keeps its cookies, as an attacker holding them would.
    let renewed = app.post_json(
        "/api/auth/update-user",
        Some(&first.header()),
        &json!({ "name": "Still here?" }),
    )?;
    assert_eq!(renewed.status, 401, "{}", renewed.text());
    assert!(
        cache_lines(&renewed)
            .iter()
            .all(|line| line.starts_with(&format!("{DATA}=;"))),
        "{:?}",
        renewed.all("set-cookie")
    );

    // Once one max age has passed, the session is gone and the cookies are cleared.
    let elapsed = written.elapsed();
    if elapsed < MAX_AGE {
        std::thread::sleep(MAX_AGE - elapsed);
    }
    std::thread::sleep(Duration::from_millis(200));
    let after = get_session(&app, &first, "")?;
    assert_eq!(after.text(), "null");
    let lines = after.all("set-cookie");
    assert!(
        lines
            .first()
            .is_some_and(|l| l.starts_with(&format!("{TOKEN}=; Max-Age=0"))),
        "{lines:?}"
    );
    let private = private_data(&app, &first)?;
    assert_eq!(private.status, 401);
    Ok(())
}

/// An HS256 JWT signed with `secret`, built independently of the server.
fn jwt(payload: &Value, secret: &str) -> Result<String> {
    hs256_jwt(payload, secret)
}

fn now_secs() -> i64 {
    spinstack_e2e::now_ms().div_euclid(1000)
}

async fn rotation_keeps_users_signed_in_until_the_old_secret_goes(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let cache = [
        ("session_cookie_cache_max_age", "300"),
        ("session_cookie_cache_strategy", "compact"),
    ];
    // Before the rotation: better_auth_secret alone.
    let before = App::start_counting(&db, &variables_with(&db, &cache))?;
    let (signed_up, old_jar) = sign_up(&before, "rotate@example.com", &json!({}))?;
    let token = signed_up.json()?["token"]
        .as_str()
        .context("token")?
        .to_owned();
    assert_eq!(old_jar.get(TOKEN), Some(signed(SECRET, &token).as_str()));
    drop(before);
    let claims = json!({
        "email": "rotate@example.com", "iat": now_secs(), "exp": now_secs() + 3600
    });
    let old_link = jwt(&claims, SECRET)?;

    // The rotation: a new current secret, the old one listed behind it.
    let list = format!("2:{ROTATED},1:{SECRET}");
    let mut rotated_variables = variables_with(&db, &cache);
    rotated_variables.retain(|(name, _)| name != "better_auth_secret");
    rotated_variables.push(("better_auth_secrets".into(), list));
    let rotated = App::start_counting(&db, &rotated_variables)?;
    let session = get_session(&rotated, &old_jar, "")?;
    assert_eq!(session.json()?["user"]["email"], "rotate@example.com");
    // Re-signed with the current secret by this very response.
    let resigned = signed(ROTATED, &token);
    assert_eq!(
        session.cookie_pair(TOKEN),
        Some(format!("{TOKEN}={resigned}")),
        "{:?}",
        session.all("set-cookie")
    );
    let mut new_jar = old_jar.clone();
    new_jar.apply(&session);
    let private = private_data(&rotated, &new_jar)?;
    assert_eq!(private.status, 200, "{}", private.text());
    // A verification link signed with the listed older secret still verifies.
    let verified = rotated.request(
        "GET",
        &format!("/api/auth/verify-email?token={old_link}"),
        &[],
        b"",
    )?;
    assert_eq!(verified.status, 200, "{}", verified.text());
    drop(rotated);

    // The old secret removed from the list: only the re-signed cookie still works.
    let mut current_only = variables_with(&db, &cache);
    current_only.retain(|(name, _)| name != "better_auth_secret");
    current_only.push(("better_auth_secrets".into(), format!("2:{ROTATED}")));
    let after = App::start_counting(&db, &current_only)?;
    let session = get_session(&after, &new_jar, "?disableCookieCache=1")?;
    assert_eq!(session.json()?["user"]["email"], "rotate@example.com");
    let mut old_token_only = Jar::default();
    old_token_only.set(TOKEN, old_jar.get(TOKEN).context("old token")?);
    assert_eq!(get_session(&after, &old_token_only, "")?.text(), "null");
    let stale = after.request(
        "GET",
        &format!("/api/auth/verify-email?token={old_link}"),
        &[],
        b"",
    )?;
    assert_eq!(stale.status, 401, "{}", stale.text());
    drop(after);

    // A malformed list is a configuration error naming the variable, never an entry.
    let mut malformed = variables_with(&db, &cache);
    malformed.push((
        "better_auth_secrets".into(),
        format!("2:{ROTATED},no-version-here-secret"),
    ));
    let broken = App::start_with(&db, &malformed)?;
    let reply = get_session(&broken, &new_jar, "")?;
    assert_eq!(reply.status, 500, "{}", reply.text());
    assert!(
        broken.stderr_shows("better_auth_secrets"),
        "{}",
        broken.stderr_text()
    );
    assert!(!broken.stderr_text().contains("no-version-here-secret"));
    Ok(())
}

async fn invalid_cache_variables_name_themselves(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    for (name, value) in [
        ("session_cookie_cache_max_age", "5 minutes"),
        ("session_cookie_cache_strategy", "JWE-please"),
    ] {
        let variables = variables_with(
            &db,
            &[("session_cookie_cache_max_age", "300"), (name, value)],
        );
        let app = App::start_with(&db, &variables)?;
        let mut jar = Jar::default();
        jar.set(TOKEN, &signed(SECRET, "abcdefghijklmnopqrstuvwxyzABCDEF"));
        let reply = get_session(&app, &jar, "")?;
        assert_eq!(reply.status, 500, "{name}: {}", reply.text());
        assert!(app.stderr_shows(name), "{}", app.stderr_text());
        assert!(!app.stderr_text().contains(value));
    }
    Ok(())
}

spinstack_e2e::on_both_backends!(
    the_cache_answers_without_the_database,
    chunked_caches_are_read_and_cleared,
    without_the_cache_cache_cookies_are_cleaned,
    a_revoked_session_lasts_no_longer_than_one_max_age,
    rotation_keeps_users_signed_in_until_the_old_secret_goes,
    invalid_cache_variables_name_themselves,
);
