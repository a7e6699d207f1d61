//! The web example (`examples/web`) in headless Chromium against the compiled app: the
//! site is built with the app's URL, served on a second loopback origin (the app's
//! `cors_origin`), and driven through sign-up, dashboard, todos, reload, sign-out, a wrong
//! password and sign-in by `examples/web/e2e/browser.mjs` (playwright-core driving
//! Debian's `/usr/bin/chromium`). `scripts/test` installs the npm packages (`npm ci`).
//!
//! Both origins are `http://localhost:<port>`, as in the template's dev setup: Chromium
//! treats `localhost` as a secure context, so it keeps `Secure` cookies over plain HTTP.
//! On failure the driver saves a screenshot, the page text and the network log under
//! `artifacts/browser/<run>/` and prints their paths.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use spinstack_e2e::app::{App, variables_with};
use spinstack_e2e::db::{Backend, TestDb};
use spinstack_e2e::repo_root;

const CHROMIUM: &str = "/usr/bin/chromium";
/// The whole driver run: the build, Chromium's start and a dozen steps of at most 20 s.
const DRIVER_TIMEOUT: Duration = Duration::from_secs(300);

/// A free loopback port for the site (the app's `cors_origin` must name it before the
/// app starts, so the port is reserved and released just before the site binds it).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("reserving a port for the site")?;
    Ok(listener.local_addr()?.port())
}

/// Runs the browser scenario against `app`, whose `cors_origin` is `web_origin`.
/// The cookie names the driver checks: the session cookie's, and the cache cookie's
/// when the app runs with the cookie cache on.
struct Cookies<'a> {
    session: &'a str,
    cache: Option<&'a str>,
}

fn drive_browser(app: &App, web_origin: &str, cookies: &Cookies<'_>, run: &str) -> Result<()> {
    let dir = repo_root().join("examples/web");
    ensure!(
        dir.join("node_modules").exists(),
        "examples/web/node_modules is missing: run `npm ci --prefix examples/web` (scripts/test does)"
    );
    ensure!(
        std::path::Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install Debian's chromium package (`apt-get install chromium`; .ci/run does)"
    );
    let artifacts = repo_root().join("artifacts/browser").join(run);
    let api_url = format!("http://localhost:{}", app.addr.port());
    let mut command = Command::new("node");
    if let Some(cache) = cookies.cache {
        command.env("CACHE_COOKIE", cache);
    }
    let mut child = command
        .arg("e2e/browser.mjs")
        .current_dir(&dir)
        .env("SPINSTACK_URL", &api_url)
        .env("SPINSTACK_WEB_ORIGIN", web_origin)
        .env("SESSION_COOKIE", cookies.session)
        .env("ARTIFACTS_DIR", &artifacts)
        .env("CHROMIUM", CHROMIUM)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running node")?;
    // The driver bounds each step; this bounds the whole run (a hung browser start).
    let stdout = child.stdout.take().map(|pipe| echo(pipe, run));
    let stderr = child.stderr.take().map(|pipe| echo(pipe, run));
    let deadline = Instant::now() + DRIVER_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    for reader in [stdout, stderr].into_iter().flatten() {
        let _ = reader.join();
    }
    ensure!(
        status.is_some_and(|s| s.success()),
        "the browser scenario ({run}) {}; screenshot and page text under {}",
        if status.is_some() {
            "failed"
        } else {
            "timed out"
        },
        artifacts.display()
    );
    Ok(())
}

/// Copies a pipe of the driver to the test's output as it comes, each line marked with
/// the run (the two runs go on at once).
fn echo(pipe: impl Read + Send + 'static, run: &str) -> JoinHandle<()> {
    let run = run.to_owned();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            eprintln!("[{run}] {line}");
        }
    })
}

/// What the scenario leaves in the database: its one user, no session (both sign-outs
/// deleted theirs), no todo (it deleted the one it added), and rate-limit buckets only
/// in production (where Better Auth's limiter is on, and the scenario stays under it).
async fn check_rows(db: &TestDb, production: bool) -> Result<()> {
    let buckets = db
        .count("SELECT count(*) FROM spinstack_rate_limit", &[])
        .await
        .context("counting rate-limit buckets")?;
    ensure!(
        (buckets > 0) == production,
        "{buckets} rate-limit buckets, yet the limiter should be {}",
        if production { "on" } else { "off" }
    );
    for (table, expected, meaning) in [
        ("user", 1, "the one user the browser signed up"),
        ("session", 0, "no session left after the sign-outs"),
        ("todo", 0, "no todo left after the delete"),
    ] {
        let count = db
            .count(&format!("SELECT count(*) FROM \"{table}\""), &[])
            .await
            .with_context(|| format!("counting {table} rows"))?;
        ensure!(
            count == expected,
            "expected {meaning}; {table} has {count} rows"
        );
    }
    Ok(())
}

/// The app as `spin up` runs it locally: `node_env` development.
async fn browser_development(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let web_origin = format!("http://localhost:{}", free_port()?);
    let app = App::start_with(&db, &variables_with(&db, &[("cors_origin", &web_origin)]))?;
    let cookies = Cookies {
        session: "better-auth.session_token",
        cache: None,
    };
    drive_browser(&app, &web_origin, &cookies, "development")?;
    check_rows(&db, false).await
}

/// The app in production: `node_env` production (rate limiting on) and an `https://`
/// `better_auth_url`, so the session cookie is `__Secure-better-auth.session_token` as
/// on a real deployment, with the session cookie cache on (jwe, 300 s: issue #14). The
/// transport stays plain-HTTP loopback: Chromium accepts `Secure` (and `__Secure-`)
/// cookies from `http://localhost`, its secure context.
async fn browser_production(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let web_origin = format!("http://localhost:{}", free_port()?);
    let app = App::start_with(
        &db,
        &variables_with(
            &db,
            &[
                ("cors_origin", &web_origin),
                ("node_env", "production"),
                ("better_auth_url", "https://localhost:3000"),
                ("session_cookie_cache_max_age", "300"),
                ("session_cookie_cache_strategy", "jwe"),
            ],
        ),
    )?;
    let cookies = Cookies {
        session: "__Secure-better-auth.session_token",
        cache: Some("__Secure-better-auth.session_data"),
    };
    drive_browser(&app, &web_origin, &cookies, "production")?;
    check_rows(&db, true).await
}

spinstack_e2e::on_both_backends!(browser_development, browser_production,);
