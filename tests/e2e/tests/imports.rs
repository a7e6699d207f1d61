//! Issue #16 item 3: hosts without SQLite (Fermyon Wasm Functions / Akamai Functions).
//! `spin.pg.toml` is the same app as `spin.toml` with the database components built
//! without the `sqlite` cargo feature (into `target/pg/`). These tests read every
//! component's imports in both builds, with the reader of `spinstack_e2e::composed`
//! (independent of the code under test and of wasm-tools):
//! - the PostgreSQL-only build imports no SQLite interface, and otherwise exactly what
//!   the default build imports;
//! - the default build imports exactly the interfaces listed below per component (the
//!   list of DESIGN.md, "What a spin-sdk 5.2 component … imports", made precise);
//! - `spin.pg.toml` stays in step with `spin.toml` (components, routes, variables).
//!
//! Then they serve the PostgreSQL-only build: sign-up, get-session and a protected
//! procedure on PostgreSQL; with `database_url` empty, a clean configuration error
//! naming it; without it, no start at all (it is required).
//!
//! The PostgreSQL-only components must have been built: `scripts/spin-build
//! spin.pg.toml` (what `scripts/test` runs after `scripts/spin-build`). A missing one
//! fails the test with that command; none is skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use serde_json::json;
use spinstack_e2e::app::{App, SECRET, WEB_ORIGIN, variables_for, variables_with};
use spinstack_e2e::composed::{ManifestComponent, dependencies, imports, source_path};
use spinstack_e2e::db::TestDb;
use spinstack_e2e::repo_root;

const SQLITE: &str = "fermyon:spin/sqlite@2.0.0";
const POSTGRES: &str = "spin:postgres/postgres@3.0.0";
const VARIABLES: &str = "fermyon:spin/variables@2.0.0";
const SESSIONS: &str = "spinstack:session/sessions@0.1.0";

/// What every component built with spin-sdk 5.2 for `wasm32-wasip2` imports (DESIGN.md:
/// `wasi:io/{poll,error,streams}`, `wasi:cli/*` — environment, exit, the std streams,
/// the terminals —, `wasi:random/insecure-seed`, all `@0.2.6`), and its variables:
/// every component reads Spin variables.
const EVERY_COMPONENT: &[&str] = &[
    "wasi:cli/environment@0.2.6",
    "wasi:cli/exit@0.2.6",
    "wasi:cli/stderr@0.2.6",
    "wasi:cli/stdin@0.2.6",
    "wasi:cli/stdout@0.2.6",
    "wasi:cli/terminal-input@0.2.6",
    "wasi:cli/terminal-output@0.2.6",
    "wasi:cli/terminal-stderr@0.2.6",
    "wasi:cli/terminal-stdin@0.2.6",
    "wasi:cli/terminal-stdout@0.2.6",
    "wasi:io/error@0.2.6",
    "wasi:io/poll@0.2.6",
    "wasi:io/streams@0.2.6",
    "wasi:random/insecure-seed@0.2.6",
    VARIABLES,
];
/// An HTTP component's request and response (not the session library's).
const HTTP: &str = "wasi:http/types@0.2.6";
/// The clock (`now_millis`: expiries, rate-limit windows, the request log's duration).
const CLOCKS: &[&str] = &[
    "wasi:clocks/monotonic-clock@0.2.6",
    "wasi:clocks/wall-clock@0.2.6",
];
/// Cryptographic randomness: ids, tokens, password salts (where they are made).
const RANDOM: &str = "wasi:random/random@0.2.6";

/// Beyond [`EVERY_COMPONENT`], exactly what each component of the default build imports
/// (read from the artifacts, 2026-12; DESIGN.md's list names the WASI part only in
/// outline): the database components Spin's PostgreSQL and SQLite, the HTTP components
/// that resolve sessions the session interface. A component missing here fails the
/// test: add it with what it should import.
fn default_build_extras(component: &str) -> Option<Vec<&'static str>> {
    let database = [POSTGRES, SQLITE];
    Some(match component {
        // Passwords and sign-up make secrets here; sessions are the library's.
        "auth" => [&[HTTP, RANDOM, SESSIONS], CLOCKS, &database[..]].concat(),
        "rpc" | "openapi" => [&[HTTP, SESSIONS], CLOCKS, &database[..]].concat(),
        // Makes session tokens; no HTTP types of its own (a library, not a handler).
        "session" => [&[RANDOM], CLOCKS, &database[..]].concat(),
        // The health check of every open tab: no session import, no database.
        "rpc-health" => [&[HTTP], CLOCKS].concat(),
        // GET /api/health: the session library answers its database query; the clocks
        // time its request line (docs/logs.md).
        "health" => [&[HTTP, SESSIONS], CLOCKS].concat(),
        _ => return None,
    })
}

fn manifest(name: &str) -> Result<(PathBuf, String)> {
    let path = repo_root().join(name);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {name}"))?;
    Ok((path, text))
}

/// A component's top-level imports, sorted; a missing artifact names the build command.
fn component_imports(
    manifest_path: &Path,
    id: &str,
    component: &ManifestComponent,
    build: &str,
) -> Result<BTreeSet<String>> {
    let source =
        source_path(manifest_path, component).with_context(|| format!("{id}: no source"))?;
    let bytes = std::fs::read(&source).map_err(|e| {
        anyhow::anyhow!(
            "{id}: {} is missing ({e}): build it with `{build}` (scripts/test does, after `scripts/spin-build`)",
            source.display()
        )
    })?;
    Ok(imports(&bytes)
        .with_context(|| format!("imports of {}", source.display()))?
        .into_iter()
        .collect())
}

#[test]
fn the_default_build_imports_exactly_the_listed_interfaces() -> Result<()> {
    let (path, text) = manifest("spin.toml")?;
    let components = dependencies(&text)?;
    ensure!(components.len() >= 4, "{components:?}");
    let mut wrong = Vec::new();
    for (id, component) in &components {
        let found = component_imports(&path, id, component, "scripts/spin-build")?;
        let Some(extras) = default_build_extras(id) else {
            bail!("component {id} is not listed in this test: it imports {found:?}");
        };
        let expected: BTreeSet<String> = EVERY_COMPONENT
            .iter()
            .chain(&extras)
            .map(|s| (*s).to_owned())
            .collect();
        if found != expected {
            wrong.push(format!(
                "{id}: imports {:?} beyond the list, lacks {:?}",
                found.difference(&expected).collect::<Vec<_>>(),
                expected.difference(&found).collect::<Vec<_>>()
            ));
        }
    }
    ensure!(wrong.is_empty(), "{}", wrong.join("\n"));
    Ok(())
}

#[test]
fn the_postgres_only_build_imports_no_sqlite() -> Result<()> {
    let (default_path, default_text) = manifest("spin.toml")?;
    let (pg_path, pg_text) = manifest("spin.pg.toml")?;
    let defaults = dependencies(&default_text)?;
    let pg = dependencies(&pg_text)?;
    ensure!(
        pg.keys().eq(defaults.keys()),
        "the same components: {:?} / {:?}",
        pg.keys(),
        defaults.keys()
    );
    for (id, component) in &pg {
        let found = component_imports(&pg_path, id, component, "scripts/spin-build spin.pg.toml")?;
        let sqlite: Vec<&String> = found
            .iter()
            .filter(|i| i.to_ascii_lowercase().contains("sqlite"))
            .collect();
        ensure!(
            sqlite.is_empty(),
            "{id} of spin.pg.toml imports {sqlite:?}: build it without the `sqlite` feature"
        );
        // Otherwise the very same interfaces as the default build: PostgreSQL stays.
        let mut expected =
            component_imports(&default_path, id, &defaults[id], "scripts/spin-build")?;
        expected.remove(SQLITE);
        ensure!(
            found == expected,
            "{id}: the PostgreSQL-only build imports {found:?}, the default build (without SQLite) {expected:?}"
        );
    }
    Ok(())
}

/// `(table header, key) → value` of a manifest written as this project writes them:
/// `[table]` headers, one `key = value` per line; `[[trigger.http]]` entries numbered.
fn entries(text: &str) -> BTreeMap<(String, String), String> {
    let mut map = BTreeMap::new();
    let mut table = String::new();
    let mut triggers = 0;
    for line in text.lines().map(str::trim) {
        if line.starts_with("[[trigger.http]]") {
            triggers += 1;
            table = format!("trigger.http#{triggers}");
        } else if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            header.clone_into(&mut table);
        } else if let Some((key, value)) = line.split_once('=')
            && !line.starts_with('#')
        {
            map.insert(
                (table.clone(), key.trim().to_owned()),
                value.trim().to_owned(),
            );
        }
    }
    map
}

#[test]
fn the_postgres_manifest_is_spin_toml_without_sqlite() -> Result<()> {
    let (_, default_text) = manifest("spin.toml")?;
    let (_, pg_text) = manifest("spin.pg.toml")?;
    let ours = entries(&default_text);
    let theirs = entries(&pg_text);
    let pg_build = "--no-default-features --target-dir target/pg";
    let mut differences = Vec::new();
    for key in ours.keys().chain(theirs.keys()).collect::<BTreeSet<_>>() {
        let (table, name) = key;
        let (a, b) = (ours.get(key), theirs.get(key));
        let fine = match (name.as_str(), a, b) {
            (_, Some(a), Some(b)) if a == b => true,
            ("description", Some(_), Some(_)) => table == "application",
            // No SQLite database anywhere.
            ("sqlite_databases", Some(_), None) => true,
            ("database_url", Some(a), Some(b)) if table == "variables" => {
                a.contains("default = \"\"") && b == "{ required = true, secret = true }"
            }
            // Only the exact PostgreSQL host (Wasm Functions wants it spelled out).
            ("allowed_outbound_hosts", Some(_), Some(b)) => {
                b == r#"["postgres://{{ db_host }}:{{ db_port }}"]"#
            }
            // The database components come from target/pg/, built without SQLite.
            ("source" | "\"spinstack:session/sessions@0.1.0\"", Some(a), Some(b)) => {
                *b == a.replace("target/wasm32-wasip2/", "target/pg/wasm32-wasip2/")
            }
            ("command", Some(a), Some(b)) => {
                b.trim_end_matches('"') == format!("{} {pg_build}", a.trim_end_matches('"'))
            }
            _ => false,
        };
        if !fine {
            differences.push(format!(
                "[{table}] {name}: spin.toml {a:?}, spin.pg.toml {b:?}"
            ));
        }
    }
    ensure!(
        differences.is_empty(),
        "spin.pg.toml must be spin.toml without SQLite:\n{}",
        differences.join("\n")
    );
    ensure!(
        !pg_text
            .lines()
            .any(|l| l.trim_start().starts_with("sqlite_databases")),
        "spin.pg.toml lists a SQLite database"
    );

    // No build command of spin.pg.toml overwrites the default build's artifacts: each is
    // spin.toml's own command (the same artifact) or writes to target/pg/.
    let default_commands: BTreeSet<&String> = ours
        .iter()
        .filter(|((_, name), _)| name == "command")
        .map(|(_, command)| command)
        .collect();
    for ((table, name), command) in &theirs {
        if name == "command" {
            ensure!(
                default_commands.contains(command) || command.contains("--target-dir target/pg"),
                "[{table}] {command} would write where the default build does"
            );
        }
    }
    // A component comes from target/pg/ exactly when its command builds it there.
    // (Which components need it is the imports' to say: see the test above.)
    for ((table, name), source) in &theirs {
        if name == "source" {
            let command = theirs
                .get(&(format!("{table}.build"), "command".to_owned()))
                .with_context(|| format!("[{table}] has no build command in spin.pg.toml"))?;
            ensure!(
                source.contains("target/pg/") == command.contains(pg_build),
                "[{table}] source {source} but build command {command}"
            );
        }
    }
    Ok(())
}

fn pg_manifest() -> PathBuf {
    repo_root().join("spin.pg.toml")
}

fn sign_up(app: &App, email: &str) -> Result<spinstack_e2e::http::Reply> {
    app.post_json(
        "/api/auth/sign-up/email",
        None,
        &json!({ "email": email, "password": "password1234", "name": "Pg Only" }),
    )
}

fn private_data(app: &App, cookie: &str) -> Result<spinstack_e2e::http::Reply> {
    app.request(
        "POST",
        "/rpc/privateData",
        &[
            ("origin", WEB_ORIGIN),
            ("content-type", "application/json"),
            ("cookie", cookie),
        ],
        b"{}",
    )
}

#[tokio::test]
async fn the_postgres_only_build_serves_on_postgres() -> Result<()> {
    let db = TestDb::postgres().await?;
    let state = tempfile::tempdir()?;
    let app = App::launch_manifest(&pg_manifest(), Some(state.path()), &variables_for(&db))?;

    let reply = sign_up(&app, "pg-only@example.com")?;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let cookie = reply
        .cookie_pair("better-auth.session_token")
        .context("sign-up sets the session cookie")?;

    let session = app.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], b"")?;
    assert_eq!(session.status, 200, "{}", session.text());
    let session = session.json()?;
    assert_eq!(session["user"]["email"], "pg-only@example.com", "{session}");

    let private = private_data(&app, &cookie)?;
    assert_eq!(private.status, 200, "{}", private.text());
    assert!(
        private.text().contains("pg-only@example.com"),
        "{}",
        private.text()
    );

    assert_eq!(
        db.count(
            "SELECT count(*) FROM \"user\" WHERE email = 'pg-only@example.com'",
            &[]
        )
        .await?,
        1,
        "the user is in PostgreSQL"
    );
    assert!(
        std::fs::read_dir(state.path())?.next().is_none(),
        "no SQLite file was created in the state directory"
    );
    Ok(())
}

#[tokio::test]
async fn the_postgres_only_build_refuses_an_empty_database_url_by_name() -> Result<()> {
    let db = TestDb::postgres().await?;
    let state = tempfile::tempdir()?;
    let app = App::launch_manifest(
        &pg_manifest(),
        Some(state.path()),
        &variables_with(&db, &[("database_url", "")]),
    )?;

    // Better Auth's protocol: its 500 body.
    let reply = sign_up(&app, "nobody@example.com")?;
    assert_eq!(reply.status, 500, "{}", reply.text());
    let body = reply.json().context("a JSON error body")?;
    assert!(
        body.get("message").is_some() || body.get("code").is_some(),
        "{body}"
    );
    assert!(
        app.stderr_shows("this build has no SQLite"),
        "{}",
        app.stderr_text()
    );
    assert!(app.stderr_shows("database_url"), "{}", app.stderr_text());

    // oRPC's protocol: a protected procedure resolves the session through the library.
    let cookie = format!(
        "better-auth.session_token={}",
        spinstack_e2e::cookies::signed(SECRET, "tokenOfNobody0000000000000000000")
    );
    let private = private_data(&app, &cookie)?;
    assert_eq!(private.status, 500, "{}", private.text());
    let body = private.json().context("an oRPC error body")?;
    assert_eq!(body["json"]["code"], "INTERNAL_SERVER_ERROR", "{body}");

    // Routes without the database keep working.
    let health = app.request(
        "POST",
        "/rpc/healthCheck",
        &[("content-type", "application/json")],
        b"{}",
    )?;
    assert_eq!(health.status, 200, "{}", health.text());
    assert!(
        !app.stderr_text().contains("panicked"),
        "{}",
        app.stderr_text()
    );
    Ok(())
}

#[tokio::test]
async fn the_postgres_only_build_requires_database_url() -> Result<()> {
    let db = TestDb::postgres().await?;
    let state = tempfile::tempdir()?;
    let variables: Vec<(String, String)> = variables_for(&db)
        .into_iter()
        .filter(|(name, _)| name != "database_url")
        .collect();
    let Err(error) = App::launch_manifest(&pg_manifest(), Some(state.path()), &variables) else {
        bail!("spin.pg.toml started without database_url");
    };
    assert!(format!("{error:#}").contains("database_url"), "{error:#}");
    Ok(())
}
