//! The real npm clients from Node's test runner (`tests/node`) against the compiled app
//! on a fresh database. `scripts/test` installs the npm packages (`npm ci`).

use anyhow::{Context, Result, ensure};
use spinstack_e2e::app::{App, SECRET, WEB_ORIGIN, variables_with};
use spinstack_e2e::db::{Backend, TestDb};
use spinstack_e2e::repo_root;

/// Runs `node --test <file>` in `tests/node` against `app`.
fn node_test(app: &App, file: &str) -> Result<()> {
    node_test_with(app, file, &[])
}

/// [`node_test`] with extra environment variables.
fn node_test_with(app: &App, file: &str, env: &[(&str, &str)]) -> Result<()> {
    let dir = repo_root().join("tests/node");
    ensure!(
        dir.join("node_modules").exists(),
        "tests/node/node_modules is missing: run `npm ci --prefix tests/node` (scripts/test does)"
    );
    let output = std::process::Command::new("node")
        .args(["--test", "--test-reporter=spec", file])
        .current_dir(&dir)
        .env("SPINSTACK_URL", format!("http://{}", app.addr))
        .env("SPINSTACK_WEB_ORIGIN", WEB_ORIGIN)
        .envs(env.iter().copied())
        .output()
        .context("running node")?;
    eprintln!("{}", String::from_utf8_lossy(&output.stdout));
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    ensure!(output.status.success(), "node --test {file} failed");
    Ok(())
}

async fn better_auth_client(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    // The newest 1.7.x, then the version the project pinned.
    node_test(&app, "better-auth-client.test.mjs")?;
    node_test_with(
        &app,
        "better-auth-client.test.mjs",
        &[("SPINSTACK_BETTER_AUTH_PACKAGE", "better-auth-pinned")],
    )
}

async fn orpc_client(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    node_test(&app, "orpc-client.test.mjs")
}

/// Issue #14 item 4: in each strategy, the app and a real `betterAuth` server (the
/// pinned and the newest 1.7.x) accept each other's cache cookies, and the client works
/// with the cache on (tests/node/cookie-cache.test.mjs).
async fn cookie_cache_interoperates_with_better_auth(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    for strategy in ["compact", "jwt", "jwe"] {
        let variables = variables_with(
            &db,
            &[
                ("session_cookie_cache_max_age", "300"),
                ("session_cookie_cache_strategy", strategy),
            ],
        );
        let app = App::start_with(&db, &variables)?;
        node_test_with(
            &app,
            "cookie-cache.test.mjs",
            &[
                ("SPINSTACK_SECRET", SECRET),
                ("SPINSTACK_CACHE_STRATEGY", strategy),
            ],
        )?;
    }
    Ok(())
}

spinstack_e2e::on_both_backends!(
    better_auth_client,
    orpc_client,
    cookie_cache_interoperates_with_better_auth,
);
