//! Issue #16 item 2: the app as a registry holds it. `spin registry push` composes each
//! component with its dependencies before pushing (its default) and pushes a locked app
//! without dependencies, so a registry host — SpinKube's shim, a platform — runs
//! components that carry the `session` library inside them and never composes anything.
//! These tests compose the built components that way (`spin-test-runtime compose`, the
//! runtime's composer, which follows Spin's `spin-compose`), check that no component
//! still imports `spinstack:session/sessions` and that the manifest has no dependency
//! sections, and serve the composed directory: sign-up, get-session, the protected
//! procedure over `/rpc` and REST, sign-out — with the signing secret still reaching the
//! session code, which now reads the variables as part of its parent component.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use serde_json::json;
use spinstack_e2e::app::{App, SECRET, WEB_ORIGIN, variables_for};
use spinstack_e2e::composed::{compose, dependencies, imports, source_path};
use spinstack_e2e::cookies::signed;
use spinstack_e2e::db::{Backend, TestDb};
use spinstack_e2e::http::Reply;
use spinstack_e2e::repo_root;

const JSON: (&str, &str) = ("content-type", "application/json");
const ORIGIN: (&str, &str) = ("origin", WEB_ORIGIN);
const SESSIONS: &str = "spinstack:session/sessions@0.1.0";

fn post(app: &App, path: &str, headers: &[(&str, &str)], body: &str) -> Result<Reply> {
    app.request("POST", path, headers, body.as_bytes())
}

/// Composes the repository's app into `out` and checks the result against `spin.toml`
/// as it is now: every component that declares dependencies imported the session
/// interface before and no longer does, every composed component asks its host only
/// for host interfaces, and the composed manifest has no dependency sections.
fn compose_and_check(out: &Path) -> Result<()> {
    let manifest = repo_root().join("spin.toml");
    let original = dependencies(&std::fs::read_to_string(&manifest)?)?;
    let with_dependencies: Vec<&String> = original
        .iter()
        .filter(|(_, c)| !c.dependencies.is_empty())
        .map(|(id, _)| id)
        .collect();
    ensure!(
        !with_dependencies.is_empty(),
        "spin.toml should compose the HTTP components with session: {original:?}"
    );

    let printed = compose(&manifest, out)?;
    for id in original.keys() {
        ensure!(
            printed.lines().any(|l| l.starts_with(&format!("{id}: "))),
            "component {id} not composed:\n{printed}"
        );
    }

    for (id, component) in &original {
        let composed = std::fs::read(out.join(format!("{id}.wasm")))
            .with_context(|| format!("composed {id}.wasm"))?;
        let after = imports(&composed).with_context(|| format!("imports of composed {id}"))?;
        if !component.dependencies.is_empty() {
            let source = source_path(&manifest, component).context("source")?;
            let before = imports(&std::fs::read(&source)?)?;
            for dependency in &component.dependencies {
                // `ns:pkg[/iface][@version]`: the package is what an import must name.
                let package = dependency.split(['/', '@']).next().unwrap_or(dependency);
                assert!(
                    before.iter().any(|i| i.starts_with(&format!("{package}/"))),
                    "{id} imports {dependency} before composition: {before:?}"
                );
                assert!(
                    !after.iter().any(|i| i.starts_with(&format!("{package}/"))),
                    "composed {id} still imports {dependency}: {after:?}"
                );
            }
            assert!(
                component.inherits_configuration,
                "{id}: the session library runs with its parent's configuration"
            );
        }
        assert!(
            !after.iter().any(|i| i == SESSIONS),
            "composed {id} still imports the session interface: {after:?}"
        );
        // Only what every Spin host provides: WASI and Spin's own interfaces (no
        // `spin-test-runtime:` names, no interface of this project).
        for import in &after {
            assert!(
                ["wasi:", "fermyon:spin/", "spin:"]
                    .iter()
                    .any(|p| import.starts_with(p)),
                "composed {id} imports {import}, which no Spin host provides"
            );
        }
    }

    let text = std::fs::read_to_string(out.join("spin.toml"))?;
    let composed = dependencies(&text)?;
    assert_eq!(
        composed.keys().collect::<Vec<_>>(),
        original.keys().collect::<Vec<_>>(),
        "the same components"
    );
    for (id, component) in &composed {
        assert!(component.dependencies.is_empty(), "{id} has dependencies");
        assert!(!component.inherits_configuration, "{id}");
        assert_eq!(
            component.source.as_deref(),
            Some(format!("{id}.wasm").as_str())
        );
    }
    assert!(!text.contains(".dependencies]"), "{text}");
    assert!(
        !text.contains("dependencies_inherit_configuration"),
        "{text}"
    );
    Ok(())
}

async fn the_composed_app_serves_without_dependency_sections(backend: Backend) -> Result<()> {
    let db = TestDb::create(backend).await?;
    let out = tempfile::tempdir()?;
    compose_and_check(out.path())?;
    let app = App::launch_manifest(
        &out.path().join("spin.toml"),
        db.state_dir(),
        &variables_for(&db),
    )?;

    // Sign-up (auth, with session composed in).
    let reply = post(
        &app,
        "/api/auth/sign-up/email",
        &[ORIGIN, JSON],
        &json!({ "email": "ada@example.com", "password": "password1234", "name": "Ada Lovelace" })
            .to_string(),
    )?;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json()?;
    let token = body["token"].as_str().context("token")?.to_owned();
    let user = body["user"].clone();
    let cookie = reply
        .cookie_pair("better-auth.session_token")
        .context("session cookie")?;

    // get-session with the cookie.
    let session = app.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(session.status, 200, "{}", session.text());
    assert_eq!(session.json()?["user"]["email"], "ada@example.com");
    assert_eq!(session.json()?["session"]["token"], token.as_str());

    // The secret reaches the composed session code: a cookie signed here with the test
    // secret opens the session, one signed with another secret does not.
    let ours = format!("better-auth.session_token={}", signed(SECRET, &token));
    let theirs = format!(
        "better-auth.session_token={}",
        signed("another-secret-0123456789abcdefghijkl", &token)
    );
    let by_ours = post(
        &app,
        "/rpc/privateData",
        &[ORIGIN, JSON, ("cookie", &ours)],
        "{}",
    )?;
    assert_eq!(by_ours.status, 200, "{}", by_ours.text());
    let by_theirs = post(
        &app,
        "/rpc/privateData",
        &[ORIGIN, JSON, ("cookie", &theirs)],
        "{}",
    )?;
    assert_eq!(by_theirs.status, 401, "{}", by_theirs.text());
    let session_theirs =
        app.request("GET", "/api/auth/get-session", &[("cookie", &theirs)], b"")?;
    assert_eq!(session_theirs.text(), "null");

    // The protected procedure over oRPC (rpc) and over REST (openapi).
    let rpc = post(
        &app,
        "/rpc/privateData",
        &[ORIGIN, JSON, ("cookie", &cookie)],
        "{}",
    )?;
    assert_eq!(
        (rpc.status, rpc.text()),
        (
            200,
            format!(
                r#"{{"json":{{"message":"This is private","user":{}}},"meta":[[1,"user","createdAt"],[1,"user","updatedAt"]]}}"#,
                serde_json::to_string(&user)?
            )
        )
    );
    let rest = post(
        &app,
        "/api-reference/privateData",
        &[("cookie", &cookie)],
        "",
    )?;
    assert_eq!(
        (rest.status, rest.text()),
        (
            200,
            format!(
                r#"{{"message":"This is private","user":{}}}"#,
                serde_json::to_string(&user)?
            )
        )
    );
    let rest_anonymous = post(&app, "/api-reference/privateData", &[], "")?;
    assert_eq!(rest_anonymous.status, 401);

    // The components without dependencies come through unchanged.
    let health = post(&app, "/rpc/healthCheck", &[JSON], "{}")?;
    assert_eq!(
        (health.status, health.text().as_str()),
        (200, r#"{"json":"OK"}"#)
    );
    let root = app.request("GET", "/", &[], b"")?;
    assert_eq!((root.status, root.text().as_str()), (200, "OK"));

    // Sign-out revokes the session everywhere.
    let out_reply = post(
        &app,
        "/api/auth/sign-out",
        &[ORIGIN, JSON, ("cookie", &cookie)],
        "{}",
    )?;
    assert_eq!(out_reply.status, 200, "{}", out_reply.text());
    let after = app.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(after.text(), "null");
    let private_after = post(&app, "/rpc/privateData", &[JSON, ("cookie", &cookie)], "{}")?;
    assert_eq!(private_after.status, 401);
    Ok(())
}

spinstack_e2e::on_both_backends!(the_composed_app_serves_without_dependency_sections);
