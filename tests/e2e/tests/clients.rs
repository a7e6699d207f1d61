//! The real npm clients from Node's test runner (`tests/node`) against the compiled app
//! on a fresh database. `scripts/test` installs the npm packages (`npm ci`).

use anyhow::{Context, Result, ensure};
use spinstack_e2e::app::{App, WEB_ORIGIN};
use spinstack_e2e::db::{Backend, TestDb};
use spinstack_e2e::repo_root;

/// Runs `node --test <file>` in `tests/node` against `app`.
fn node_test(app: &App, file: &str) -> Result<()> {
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
    node_test(&app, "better-auth-client.test.mjs")
}

async fn orpc_client(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let app = App::start(&db)?;
    node_test(&app, "orpc-client.test.mjs")
}

spinstack_e2e::on_both_backends!(better_auth_client, orpc_client,);
