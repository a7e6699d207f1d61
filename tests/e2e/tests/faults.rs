//! Database faults (issue #13 item 1): the app on PostgreSQL behind a
//! [`FaultProxy`] that refuses, stalls or cuts connections, and on a SQLite file it
//! cannot write. Database routes answer clean errors without internals, the routes that
//! need no database keep working, the app recovers without a restart, and a cut in the
//! middle of sign-ups never leaves a user without its account.
//!
//! Cuts at chosen statements ([`FaultProxy::cut_at`]) make the outcome of a sign-up
//! deterministic: a sign-up whose statement never reached the server answers 500 and
//! leaves nothing, and one whose statement committed but whose reply was lost still
//! answers 200 with a working session (the store finds the session it tried to create
//! on a fresh connection).

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use serde_json::json;
use spinstack_e2e::app::{App, SECRET, WEB_ORIGIN, variables_with};
use spinstack_e2e::db::{Param, TestDb};
use spinstack_e2e::fault_proxy::{CutPoint, FaultProxy, Mode};
use spinstack_e2e::http::Reply;

const PASSWORD: &str = "password1234";

/// The real PostgreSQL server behind `db`.
fn server_addr(db: &TestDb) -> Result<SocketAddr> {
    (db.host().as_str(), db.port())
        .to_socket_addrs()?
        .find(SocketAddr::is_ipv4)
        .context("no IPv4 address for the PostgreSQL server")
}

/// The app's variables with the database reached through `proxy` on 127.0.0.1.
fn through(db: &TestDb, proxy: &FaultProxy) -> Result<Vec<(String, String)>> {
    let mut url = url::Url::parse(&db.url())?;
    url.set_host(Some("127.0.0.1"))?;
    url.set_port(Some(proxy.port()))
        .map_err(|()| anyhow::anyhow!("cannot set the port"))?;
    let port = proxy.port().to_string();
    Ok(variables_with(
        db,
        &[
            ("database_url", url.as_str()),
            ("db_host", "127.0.0.1"),
            ("db_port", &port),
        ],
    ))
}

fn sign_up(app: &App, email: &str) -> Result<Reply> {
    app.post_json(
        "/api/auth/sign-up/email",
        None,
        &json!({ "email": email, "password": PASSWORD, "name": "Fault" }),
    )
}

fn sign_in(app: &App, email: &str) -> Result<Reply> {
    app.post_json(
        "/api/auth/sign-in/email",
        None,
        &json!({ "email": email, "password": PASSWORD }),
    )
}

fn sign_out(app: &App, cookie: &str) -> Result<Reply> {
    app.post_json("/api/auth/sign-out", Some(cookie), &json!({}))
}

fn get_session(app: &App, cookie: &str) -> Result<Reply> {
    app.request("GET", "/api/auth/get-session", &[("cookie", cookie)], b"")
}

fn rpc(app: &App, path: &str, cookie: Option<&str>) -> Result<Reply> {
    let mut headers = vec![("origin", WEB_ORIGIN), ("content-type", "application/json")];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    app.request("POST", path, &headers, b"{}")
}

/// The session cookie a sign-up or sign-in set.
fn session_cookie(reply: &Reply) -> Result<String> {
    reply
        .cookie_pair("better-auth.session_token")
        .with_context(|| format!("no session cookie: {reply:?}"))
}

/// A body that gives nothing away: no stack trace, SQL, connection string or secret.
fn assert_no_internals(what: &str, reply: &Reply, db: &TestDb) {
    let text = reply.text();
    let password = url::Url::parse(&db.url())
        .ok()
        .and_then(|u| u.password().map(str::to_owned));
    for needle in [
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "postgres://",
        "postgresql://",
        SECRET,
        "panicked",
        "backtrace",
        "stack",
        "    at ",
        ".rs:",
        "wasm",
        "tokio",
        "deadpool",
        "connection refused",
    ] {
        assert!(
            !text
                .to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase()),
            "{what}: the body shows {needle:?}: {text}"
        );
    }
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        assert!(
            !text.contains(&password),
            "{what}: the body shows the password"
        );
    }
}

/// Better Auth's JSON error: `{"message":…, "code":…}` with a 500.
fn assert_auth_error(what: &str, reply: &Reply, db: &TestDb) -> Result<()> {
    assert_eq!(reply.status, 500, "{what}: {}", reply.text());
    let body = reply.json()?;
    ensure!(
        body["message"].is_string() && body["code"].is_string(),
        "{what}: not Better Auth's error shape: {body}"
    );
    assert_no_internals(what, reply, db);
    Ok(())
}

/// oRPC's `INTERNAL_SERVER_ERROR` envelope with a 500.
fn assert_rpc_error(what: &str, reply: &Reply, db: &TestDb) -> Result<()> {
    assert_eq!(reply.status, 500, "{what}: {}", reply.text());
    let body = reply.json()?;
    assert_eq!(
        body,
        json!({"json":{"defined":false,"code":"INTERNAL_SERVER_ERROR","status":500,"message":"Internal server error"}}),
        "{what}"
    );
    assert_no_internals(what, reply, db);
    Ok(())
}

/// The routes that need no database answer normally.
fn assert_database_free_routes_work(app: &App) -> Result<()> {
    let health = rpc(app, "/rpc/healthCheck", None)?;
    assert_eq!(
        (health.status, health.text().as_str()),
        (200, r#"{"json":"OK"}"#)
    );
    let root = app.request("GET", "/", &[], b"")?;
    assert_eq!((root.status, root.text().as_str()), (200, "OK"));
    let preflight = app.request(
        "OPTIONS",
        "/rpc/privateData",
        &[
            ("origin", WEB_ORIGIN),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        b"",
    )?;
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(WEB_ORIGIN)
    );
    let spec = app.request("GET", "/api-reference/spec.json", &[], b"")?;
    assert_eq!(spec.status, 200, "{}", spec.text());
    ensure!(spec.json()?["openapi"].is_string(), "{}", spec.text());
    Ok(())
}

/// Retries `check` for up to ten seconds (the pool may need a request to notice its
/// connections are gone).
fn eventually(what: &str, mut check: impl FnMut() -> Result<()>) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match check() {
            Ok(()) => return Ok(()),
            Err(e) if Instant::now() > deadline => return Err(e.context(what.to_owned())),
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// Inserts a user with a week-long session; returns its signed cookie.
async fn seed_session(db: &TestDb) -> Result<String> {
    let now = spinstack_e2e::now_ms();
    let (user, token) = (
        "seededuser0000000000000000000001",
        "seededtoken000000000000000000001",
    );
    db.execute(
        r#"INSERT INTO "user" (id, name, email, email_verified, image, created_at, updated_at)
           VALUES ($1, 'Seeded', 'seeded@example.com', $2, NULL, $3, $3)"#,
        &[Param::text(user), Param::Bool(false), Param::Millis(now)],
    )
    .await?;
    db.execute(
        r#"INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id)
           VALUES ('seededsession0000000000000000001', $1, $2, $3, $3, '', 'e2e-agent', $4)"#,
        &[
            Param::Millis(now + 7 * 86_400_000),
            Param::text(token),
            Param::Millis(now),
            Param::text(user),
        ],
    )
    .await?;
    Ok(format!(
        "better-auth.session_token={}",
        spinstack_e2e::cookies::signed(SECRET, token)
    ))
}

#[tokio::test]
async fn a_refused_database_gives_clean_errors_and_the_app_recovers() -> Result<()> {
    let db = TestDb::postgres().await?;
    let proxy = FaultProxy::start(server_addr(&db)?)?;
    let app = App::start_with(&db, &through(&db, &proxy)?)?;
    let email = "refused@example.com";
    let up = sign_up(&app, email)?;
    assert_eq!(up.status, 200, "{}", up.text());
    let cookie = session_cookie(&up)?;
    let seeded = seed_session(&db).await?;

    // Connections cut while idle in the pool: the next request gets a fresh one.
    proxy.set_mode(Mode::Cut);
    let after_cut = get_session(&app, &cookie)?;
    assert_eq!(after_cut.status, 200, "{}", after_cut.text());
    assert_eq!(after_cut.json()?["user"]["email"], email);

    proxy.set_mode(Mode::Refuse);
    let session = get_session(&app, &cookie)?;
    eprintln!("get-session: {} {}", session.status, session.text());
    assert_auth_error("get-session", &session, &db)?;
    let seeded_session = get_session(&app, &seeded)?;
    assert_auth_error("get-session (seeded)", &seeded_session, &db)?;
    let signup = sign_up(&app, "refused-new@example.com")?;
    assert_auth_error("sign-up", &signup, &db)?;
    let signin = sign_in(&app, email)?;
    eprintln!("sign-in: {} {}", signin.status, signin.text());
    assert_auth_error("sign-in", &signin, &db)?;
    let private = rpc(&app, "/rpc/privateData", Some(&cookie))?;
    eprintln!("privateData: {} {}", private.status, private.text());
    assert_rpc_error("privateData", &private, &db)?;
    let todos = rpc(&app, "/rpc/todo/getAll", None)?;
    eprintln!("todo/getAll: {} {}", todos.status, todos.text());
    assert_rpc_error("todo/getAll", &todos, &db)?;
    // A sign-out that cannot delete the session must not claim it did (found by the
    // soak benchmark: it answered 200 and the session lived on).
    let signout = sign_out(&app, &cookie)?;
    assert_auth_error("sign-out", &signout, &db)?;
    ensure!(
        signout.all("set-cookie").is_empty(),
        "a failed sign-out cleared the cookies: {:?}",
        signout.all("set-cookie")
    );
    assert_database_free_routes_work(&app)?;

    proxy.set_mode(Mode::Pass);
    eventually("get-session after recovery", || {
        let session = get_session(&app, &cookie)?;
        ensure!(session.status == 200, "{}", session.text());
        ensure!(
            session.json()?["user"]["email"] == email,
            "{}",
            session.text()
        );
        Ok(())
    })?;
    let seeded_session = get_session(&app, &seeded)?;
    assert_eq!(seeded_session.status, 200, "{}", seeded_session.text());
    assert_eq!(
        seeded_session.json()?["user"]["email"],
        "seeded@example.com"
    );
    let signin = sign_in(&app, email)?;
    assert_eq!(signin.status, 200, "{}", signin.text());
    let private = rpc(&app, "/rpc/privateData", Some(&cookie))?;
    assert_eq!(private.status, 200, "{}", private.text());
    let todos = rpc(&app, "/rpc/todo/getAll", None)?;
    assert_eq!(todos.status, 200, "{}", todos.text());
    // The session the failed sign-out kept ends with the next one.
    let signout = sign_out(&app, &cookie)?;
    assert_eq!(signout.status, 200, "{}", signout.text());
    let ended = get_session(&app, &cookie)?;
    assert_eq!(
        (ended.status, ended.text().as_str()),
        (200, "null"),
        "the session outlived its sign-out"
    );
    assert!(!app.stderr_text().contains(SECRET));
    Ok(())
}

/// A stalled database holds only the requests that need it: the others answer, and the
/// held one completes once the database resumes. (The runtime has no query or pool
/// timeout, so how long a request waits on a stalled database is unbounded; see the
/// issue.)
#[tokio::test]
async fn a_stalled_database_holds_only_the_requests_that_need_it() -> Result<()> {
    let db = TestDb::postgres().await?;
    let proxy = FaultProxy::start(server_addr(&db)?)?;
    let app = Arc::new(App::start_with(&db, &through(&db, &proxy)?)?);
    let email = "stall@example.com";
    let up = sign_up(&app, email)?;
    assert_eq!(up.status, 200, "{}", up.text());
    let cookie = session_cookie(&up)?;

    proxy.set_mode(Mode::Stall);
    let (tx, rx) = std::sync::mpsc::channel();
    let held = {
        let app = Arc::clone(&app);
        std::thread::spawn(move || {
            let _ = tx.send(get_session(&app, &cookie));
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    assert_database_free_routes_work(&app)?;
    assert!(rx.try_recv().is_err(), "answered while the database stalls");

    proxy.set_mode(Mode::Pass);
    let session = rx
        .recv_timeout(Duration::from_secs(30))
        .context("the held request did not complete after the stall")??;
    let _ = held.join();
    assert_eq!(session.status, 200, "{}", session.text());
    assert_eq!(session.json()?["user"]["email"], email);
    Ok(())
}

/// Cuts at random points of 20 concurrent sign-ups: every sign-up answered 200 left its
/// user, account and a working session, and none left half a user.
///
/// That a 500 left no user is asserted deterministically per statement by
/// [`sign_ups_cut_at_each_statement_answer_all_or_nothing`], not here: with cuts at
/// random times the store's check can itself be cut, and a statement the server had
/// already received when its connection was cut can still commit after the check ran
/// (the server finishes it without a client). Such sign-ups are counted, not failed.
#[tokio::test]
async fn cuts_in_the_middle_of_sign_ups_never_leave_half_a_user() -> Result<()> {
    let db = TestDb::postgres().await?;
    let proxy = Arc::new(FaultProxy::start(server_addr(&db)?)?);
    let app = Arc::new(App::start_with(&db, &through(&db, &proxy)?)?);
    let warm = sign_up(&app, "warm@example.com")?;
    assert_eq!(warm.status, 200, "{}", warm.text());

    let cutter = {
        let proxy = Arc::clone(&proxy);
        std::thread::spawn(move || {
            for _ in 0..8 {
                std::thread::sleep(Duration::from_millis(90));
                proxy.set_mode(Mode::Cut);
            }
        })
    };
    let racers: Vec<_> = (0..20u64)
        .map(|i| {
            let app = Arc::clone(&app);
            let email = format!("cut{i}@example.com");
            std::thread::spawn(move || {
                // Staggered, so the cuts land at different points of different sign-ups.
                std::thread::sleep(Duration::from_millis(25 * i));
                sign_up(&app, &email).map(|r| (email, r))
            })
        })
        .collect();
    let mut answers = Vec::new();
    for racer in racers {
        answers.push(
            racer
                .join()
                .map_err(|_| anyhow::anyhow!("racer panicked"))??,
        );
    }
    let _ = cutter.join();
    proxy.set_mode(Mode::Pass);
    eventually("a sign-up after the cuts", || {
        let after = sign_up(&app, "after@example.com")?;
        ensure!(after.status == 200, "{} {}", after.status, after.text());
        Ok(())
    })?;

    let (mut failed, mut unresolved) = (0, 0);
    for (email, reply) in &answers {
        eprintln!("{email}: {} {}", reply.status, reply.text());
        if reply.status == 200 {
            assert_signed_up(&app, &db, email, reply).await?;
            continue;
        }
        failed += 1;
        let (users, accounts, sessions) = footprint(&db, email).await?;
        eprintln!("{email}: left user/account/session {users}/{accounts}/{sessions}");
        assert!(
            reply.status >= 500,
            "{email}: {} {}",
            reply.status,
            reply.text()
        );
        assert_no_internals(email, reply, &db);
        assert!(
            (users, accounts) == (0, 0) || (users, accounts) == (1, 1),
            "{email} answered {} {} but left user/account/session {users}/{accounts}/{sessions}",
            reply.status,
            reply.text()
        );
        assert!(sessions <= 1);
        if users == 1 {
            unresolved += 1;
        }
    }
    eprintln!("{unresolved} sign-ups answered 500 but left their user (see the doc comment)");
    eprintln!("{failed} of {} sign-ups failed", answers.len());
    let lonely_sessions = db
        .count(
            r#"SELECT count(*) FROM session s WHERE NOT EXISTS (SELECT 1 FROM "user" u WHERE u.id = s.user_id)"#,
            &[],
        )
        .await?;
    assert_eq!(lonely_sessions, 0, "sessions without a user");
    let orphans = db
        .count(
            r#"SELECT count(*) FROM "user" u WHERE (SELECT count(*) FROM account a WHERE a.user_id = u.id) <> 1"#,
            &[],
        )
        .await?;
    assert_eq!(orphans, 0, "users without exactly one account");
    Ok(())
}

/// The sign-up statement on PostgreSQL (`INSERT_USER_WITH_SESSION`): the only one
/// whose SQL inserts into "user".
const SIGN_UP_STATEMENT: &[u8] = br#"INSERT INTO "user""#;
/// The email check that precedes it (`EMAIL_TAKEN`, in the `auth` component).
const EMAIL_CHECK: &[u8] = br#"SELECT EXISTS (SELECT 1 FROM "user" WHERE email"#;

/// Rows of `user`, credential `account` and `session` of the user with `email`.
async fn footprint(db: &TestDb, email: &str) -> Result<(i64, i64, i64)> {
    let email = [Param::text(email)];
    Ok((
        db.count(r#"SELECT count(*) FROM "user" WHERE email = $1"#, &email)
            .await?,
        db.count(
            r#"SELECT count(*) FROM account a JOIN "user" u ON u.id = a.user_id
               WHERE u.email = $1 AND a.provider_id = 'credential'"#,
            &email,
        )
        .await?,
        db.count(
            r#"SELECT count(*) FROM session s JOIN "user" u ON u.id = s.user_id WHERE u.email = $1"#,
            &email,
        )
        .await?,
    ))
}

/// A sign-up answered 200 left the user, its credential account and the session its
/// cookie names, and get-session with that cookie answers the user.
async fn assert_signed_up(app: &App, db: &TestDb, email: &str, reply: &Reply) -> Result<()> {
    assert_eq!(reply.status, 200, "{email}: {}", reply.text());
    assert_eq!(footprint(db, email).await?, (1, 1, 1), "{email}");
    let token = reply.json()?["token"]
        .as_str()
        .map(str::to_owned)
        .context("no token in the sign-up reply")?;
    let sessions = db
        .count(
            r#"SELECT count(*) FROM session s JOIN "user" u ON u.id = s.user_id
               WHERE u.email = $1 AND s.token = $2"#,
            &[Param::text(email), Param::text(&token)],
        )
        .await?;
    assert_eq!(
        sessions, 1,
        "{email}: the answered token is the stored session's"
    );
    let cookie = session_cookie(reply)?;
    let session = get_session(app, &cookie)?;
    assert_eq!(session.status, 200, "{email}: {}", session.text());
    assert_eq!(session.json()?["user"]["email"], email);
    assert_eq!(session.json()?["session"]["token"], token.as_str());
    Ok(())
}

/// Issue #13: the sign-up statement commits at the server, then the connection is cut
/// before its reply reaches the app. The store resolves the ambiguity on a fresh
/// connection (it finds the session only this request could have created), so the
/// client gets its session instead of a 500 and a 422 on every retry.
#[tokio::test]
async fn a_sign_up_whose_reply_is_lost_after_the_commit_still_signs_up() -> Result<()> {
    let db = TestDb::postgres().await?;
    let proxy = FaultProxy::start(server_addr(&db)?)?;
    let app = App::start_with(&db, &through(&db, &proxy)?)?;
    let email = "lost-reply@example.com";

    proxy.cut_at(SIGN_UP_STATEMENT, CutPoint::EXECUTE_REPLY);
    let up = sign_up(&app, email)?;
    eprintln!("sign-up with its reply lost: {} {}", up.status, up.text());
    assert!(proxy.trap_sprung(), "the sign-up statement was not cut");
    assert_signed_up(&app, &db, email, &up).await?;

    // A second sign-up with the email is refused as taken, and the app carries on.
    let again = sign_up(&app, email)?;
    assert_eq!(again.status, 422, "{}", again.text());
    assert_eq!(footprint(&db, email).await?, (1, 1, 1));
    let other = sign_up(&app, "after-lost-reply@example.com")?;
    assert_signed_up(&app, &db, "after-lost-reply@example.com", &other).await?;
    Ok(())
}

/// Every statement of a sign-up, cut before the server sees it or after it ran with
/// its reply lost: the answer always matches the database — 200 with the user, its
/// account and a working session, or a clean 500 with no user at all.
#[tokio::test]
async fn sign_ups_cut_at_each_statement_answer_all_or_nothing() -> Result<()> {
    let db = TestDb::postgres().await?;
    let proxy = FaultProxy::start(server_addr(&db)?)?;
    let app = App::start_with(&db, &through(&db, &proxy)?)?;
    let cases: [(&str, &[u8], CutPoint, u16); 4] = [
        ("email-check-request", EMAIL_CHECK, CutPoint::Request, 500),
        (
            "email-check-reply",
            EMAIL_CHECK,
            CutPoint::EXECUTE_REPLY,
            500,
        ),
        ("insert-request", SIGN_UP_STATEMENT, CutPoint::Request, 500),
        (
            "insert-reply",
            SIGN_UP_STATEMENT,
            CutPoint::EXECUTE_REPLY,
            200,
        ),
    ];
    for (name, pattern, point, expected) in cases {
        let email = format!("{name}@example.com");
        proxy.cut_at(pattern, point);
        let up = sign_up(&app, &email)?;
        eprintln!("{name}: {} {}", up.status, up.text());
        assert!(proxy.trap_sprung(), "{name}: the trap did not cut");
        if up.status == 200 {
            assert_signed_up(&app, &db, &email, &up).await?;
        } else {
            assert_auth_error(&email, &up, &db)?;
            assert_eq!(
                footprint(&db, &email).await?,
                (0, 0, 0),
                "{name}: answered {} but left rows",
                up.status
            );
        }
        assert_eq!(up.status, expected, "{name}: {}", up.text());
    }
    Ok(())
}

/// Makes a file immutable (`chattr +i`: root ignores file modes) until dropped.
struct Immutable(std::path::PathBuf);

impl Immutable {
    fn set(path: &std::path::Path) -> Option<Self> {
        let done = std::process::Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        done.then(|| Self(path.to_owned()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[tokio::test]
async fn a_read_only_sqlite_file_fails_sign_up_cleanly() -> Result<()> {
    let db = TestDb::create(spinstack_e2e::db::Backend::Sqlite).await?;
    let file = db.sqlite_file().context("SQLite file")?;
    let Some(_frozen) = Immutable::set(&file) else {
        eprintln!("skipped: `chattr +i` is not available here");
        return Ok(());
    };
    if std::fs::OpenOptions::new().append(true).open(&file).is_ok() {
        eprintln!("skipped: the immutable file is still writable");
        return Ok(());
    }
    let app = App::start(&db)?;
    let up = sign_up(&app, "readonly@example.com")?;
    eprintln!("read-only sign-up: {} {}", up.status, up.text());
    assert_auth_error("sign-up on a read-only database", &up, &db)?;
    let health = rpc(&app, "/rpc/healthCheck", None)?;
    assert_eq!(
        (health.status, health.text().as_str()),
        (200, r#"{"json":"OK"}"#)
    );
    let todos = rpc(&app, "/rpc/todo/getAll", None)?;
    eprintln!("read-only todo/getAll: {} {}", todos.status, todos.text());
    assert_eq!(todos.status, 200, "reading still works: {}", todos.text());
    drop(app);
    Ok(())
}
