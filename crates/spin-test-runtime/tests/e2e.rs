//! End-to-end: build the fixture components for wasm32-wasip2, serve them with the
//! `spin-test-runtime` binary against a throwaway PostgreSQL database or Spin SQLite in a
//! temporary state directory, and check what a client and the components observe.
//!
//! Needs the wasm32-wasip2 target and PostgreSQL reachable at `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`, trust auth).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

type TestResult = Result<(), String>;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Builds the fixtures once per test binary; returns the directory of the `.wasm`s.
fn built_fixtures() -> Result<&'static Path, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures");
            for fixture in [
                "http-fixture",
                "lib-fixture",
                "consumer-fixture",
                "sqlite-fixture",
                "sqlite-lib-fixture",
            ] {
                let manifest = fixtures_dir().join(fixture).join("Cargo.toml");
                let status = Command::new(env!("CARGO"))
                    .args([
                        "build",
                        "--release",
                        "--target",
                        "wasm32-wasip2",
                        "--manifest-path",
                    ])
                    .arg(&manifest)
                    .arg("--target-dir")
                    .arg(&target_dir)
                    .status()
                    .map_err(|e| format!("running cargo for {fixture}: {e}"))?;
                if !status.success() {
                    return Err(format!("building {fixture} failed: {status}"));
                }
            }
            Ok(target_dir.join("wasm32-wasip2/release"))
        })
        .as_deref()
        .map_err(Clone::clone)
}

/// A database created for one test and dropped afterwards.
struct Database {
    admin_url: String,
    name: String,
    /// The URL the app is given (`sslmode=disable`, as DESIGN.md asks for loopback).
    url: String,
}

impl Database {
    fn create() -> Result<Self, String> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let admin_url = std::env::var("DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!(
            "spin_test_runtime_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        admin(&admin_url, &format!("CREATE DATABASE {name}"))?;
        let mut url = url::Url::parse(&admin_url).map_err(|e| e.to_string())?;
        url.set_path(&name);
        if !url.query_pairs().any(|(k, _)| k == "sslmode") {
            url.query_pairs_mut().append_pair("sslmode", "disable");
        }
        Ok(Self {
            admin_url,
            name,
            url: url.to_string(),
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let drop_sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = admin(&self.admin_url, &drop_sql) {
            eprintln!("could not drop {}: {e}", self.name);
        }
    }
}

fn admin(url: &str, sql: &str) -> TestResult {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let config: tokio_postgres::Config = url.parse().map_err(|e| format!("{e}"))?;
        let (client, conn) = config
            .connect(tokio_postgres::NoTls)
            .await
            .map_err(|e| format!("connecting to {url}: {e}"))?;
        let task = tokio::spawn(conn);
        client
            .batch_execute(sql)
            .await
            .map_err(|e| format!("{sql}: {e}"))?;
        drop(client);
        let _ = task.await;
        Ok(())
    })
}

/// A running `spin-test-runtime`, killed on drop.
struct Runtime {
    child: Child,
    addr: SocketAddr,
    startup: String,
    stderr: PathBuf,
    dir: tempfile::TempDir,
}

impl Runtime {
    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `manifest` (and `.env`, if given) into a fresh directory and starts the runtime
/// there; returns its output when it exits instead of serving.
fn start(
    manifest: &str,
    dotenv: Option<&str>,
    env: &[(&str, &str)],
) -> Result<Runtime, (i32, String)> {
    let files: Vec<(&str, &str)> = dotenv.map(|d| (".env", d)).into_iter().collect();
    start_with(manifest, &files, env, &[])
}

/// Writes `manifest` and `files` (name, content) into a fresh directory and starts the
/// runtime there with the extra command-line `args`; returns its output when it exits
/// instead of serving.
fn start_with(
    manifest: &str,
    files: &[(&str, &str)],
    env: &[(&str, &str)],
    args: &[&str],
) -> Result<Runtime, (i32, String)> {
    let fail = |m: String| (-1, m);
    let dir = tempfile::tempdir().map_err(|e| fail(e.to_string()))?;
    std::fs::write(dir.path().join("spin.toml"), manifest).map_err(|e| fail(e.to_string()))?;
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).map_err(|e| fail(e.to_string()))?;
    }
    let stderr_path = dir.path().join("stderr.log");
    let stderr = std::fs::File::create(&stderr_path).map_err(|e| fail(e.to_string()))?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_spin-test-runtime"));
    command
        .args(["--from", "spin.toml", "--listen", "127.0.0.1:0"])
        .args(args)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(stderr);
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().map_err(|e| fail(e.to_string()))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| fail("no stdout".to_owned()))?;
    // All stdout lines, shared with a reader thread that keeps draining the pipe so the
    // runtime never blocks on it.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader_seen = seen.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(mut s) = reader_seen.lock() {
                s.push_str(&line);
                s.push('\n');
            }
        }
    });
    let serving = || {
        seen.lock()
            .ok()
            .filter(|s| s.contains("Serving http://"))
            .map(|s| s.clone())
    };
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
            return Err((status.code().unwrap_or(-1), err));
        }
        if serving().is_some() {
            // The route lines follow the Serving line.
            std::thread::sleep(Duration::from_millis(300));
            let seen = serving().unwrap_or_default();
            let Some(addr) = seen
                .lines()
                .find_map(|l| l.strip_prefix("Serving http://"))
                .and_then(|a| a.trim().parse().ok())
            else {
                let _ = child.kill();
                let _ = child.wait();
                let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                return Err((-1, format!("no Serving line in {seen:?}; stderr: {err}")));
            };
            return Ok(Runtime {
                child,
                addr,
                startup: seen,
                stderr: stderr_path,
                dir,
            });
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err(fail("runtime did not start within 600 s".to_owned()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

/// A minimal HTTP/1.1 GET with `Connection: close`.
fn get(addr: SocketAddr, target: &str, extra: &[(&str, &str)]) -> Result<Reply, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let mut request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in extra {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("reading reply to {target}: {e}"))?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("malformed reply {text:?}"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_owned()
    };
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut body: &str) -> Result<String, String> {
    let mut out = String::new();
    loop {
        let (size, rest) = body
            .split_once("\r\n")
            .ok_or_else(|| format!("bad chunk in {body:?}"))?;
        let size = usize::from_str_radix(size.trim(), 16).map_err(|e| e.to_string())?;
        if size == 0 {
            return Ok(out);
        }
        out.push_str(rest.get(..size).ok_or("short chunk")?);
        body = rest.get(size + 2..).ok_or("short chunk")?;
    }
}

fn expect(reply: &Reply, status: u16, needle: &str, what: &str) -> TestResult {
    if reply.status != status || !reply.body.contains(needle) {
        return Err(format!(
            "{what}: expected {status} containing {needle:?}, got {} {:?}",
            reply.status, reply.body
        ));
    }
    Ok(())
}

fn http_manifest(wasm: &Path) -> String {
    format!(
        r#"
spin_manifest_version = 2

[application]
name = "fixture-app"

[variables]
db_url = {{ required = true, secret = true }}
db_host = {{ default = "127.0.0.1" }}
greeting = {{ default = "default greeting" }}

[[trigger.http]]
route = "/fx/..."
component = "fx"

[[trigger.http]]
route = "/exact"
component = "fx"

[[trigger.http]]
route = "/users/:id"
component = "fx"

[[trigger.http]]
route = "/static"
static_response = {{ status_code = 201, body = "static body", headers = {{ x-static = "yes" }} }}

[component.fx]
source = "{wasm}"
allowed_outbound_hosts = ["postgres://{{{{ db_host }}}}:5432"]

[component.fx.variables]
db_url = "{{{{ db_url }}}}"
greeting = "{{{{ greeting }}}}!"

[component.fx.build]
command = "cargo build --target wasm32-wasip2 --release"
"#,
        wasm = wasm.display()
    )
}

#[test]
fn serves_the_http_fixture_like_spin() -> TestResult {
    let wasm = built_fixtures()?.join("http_fixture.wasm");
    let db = Database::create()?;
    let rt = start(
        &http_manifest(&wasm),
        Some("SPIN_VARIABLE_GREETING=\"hello from dotenv\"\n"),
        &[("SPIN_VARIABLE_DB_URL", &db.url)],
    )
    .map_err(|(code, err)| format!("runtime exited {code}: {err}"))?;
    let a = rt.addr;

    if !rt.startup.contains("Available Routes:")
        || !rt
            .startup
            .contains(&format!("  fx: http://{a}/fx (wildcard)"))
        || !rt.startup.contains(&format!("  fx: http://{a}/exact"))
    {
        return Err(format!("startup output: {:?}", rt.startup));
    }

    expect(
        &get(a, "/fx/var", &[])?,
        200,
        "hello from dotenv!",
        "variable from .env",
    )?;
    expect(
        &get(a, "/fx/undeclared", &[])?,
        200,
        r#"Error::Undefined("no variable for \"fx\".\"not_declared\""#,
        "undeclared variable",
    )?;
    expect(
        &get(a, "/fx/invalid-name", &[])?,
        200,
        "Error::InvalidName(",
        "invalid name",
    )?;
    expect(
        &get(a, "/fx/pg", &[])?,
        200,
        "created=0 inserted=2 columns=id:Int32,name:Str rows=i32:1,str:one;i32:2,str:two",
        "query and execute",
    )?;
    expect(
        &get(a, "/fx/execute-nothing", &[])?,
        200,
        "Ok(0)",
        "execute without rows",
    )?;
    let zero = get(a, "/fx/zero", &[])?;
    expect(
        &zero,
        200,
        "Error::QueryFailed(\"spin-test-runtime: query returned zero rows",
        "zero rows",
    )?;
    expect(
        &zero,
        200,
        "spinframework/spin#3671",
        "zero rows names the issue",
    )?;
    expect(
        &get(a, "/fx/denied", &[])?,
        200,
        r#"Err(Error::ConnectionFailed("address postgres://localhost:5432 is not permitted"))"#,
        "disallowed host",
    )?;
    expect(
        &get(a, "/fx/types", &[])?,
        200,
        "Int16,Int32,Int64,Floating32,Floating64,Str,Str,Boolean,Binary,Date,Time,Datetime,Int32,Other,Other,Str,Other\n\
         i16:1,i32:2,i64:3,f32:1.5,f64:2.25,str:t,str:v,bool:true,bin:[1, 2],date:(2024, 2, 29),\
         time:(13, 14, 15, 500000000),datetime:(2024, 2, 29, 13, 14, 15, 123456000),null,unsupported,null,str:x  ,unsupported",
        "type conversions",
    )?;
    expect(
        &get(a, "/fx/params", &[])?,
        200,
        "datetime:(2020, 1, 2, 3, 4, 5, 6000),date:(2020, 1, 2),time:(3, 4, 5, 0),bool:false,bin:[9, 8],i64:-7,bool:true,bool:true",
        "parameter conversions",
    )?;
    let tz = get(a, "/fx/timestamptz", &[])?;
    expect(&tz, 200, "Err(Error::QueryFailed(", "timestamptz like Spin")?;
    expect(
        &tz,
        200,
        "WrongType { postgres: Timestamptz",
        "timestamptz error names the type",
    )?;
    expect(
        &get(a, "/fx/bad-sql", &[])?,
        200,
        "Err(Error::QueryFailed(",
        "bad SQL",
    )?;
    expect(
        &get(a, "/fx/bad-param", &[])?,
        200,
        r#"query=Err(Error::BadParameter("invalid date y=2023, m=2, d=30")) execute=Err(Error::ValueConversionFailed("invalid date y=2023, m=2, d=30"))"#,
        "bad parameter",
    )?;
    expect(
        &get(a, "/fx/tx", &[])?,
        200,
        "inside=i64:1 after=i64:0",
        "transaction on one connection",
    )?;

    let trap = get(a, "/fx/trap", &[])?;
    if trap.status != 500 || !trap.body.is_empty() {
        return Err(format!("trap: {} {:?}", trap.status, trap.body));
    }

    let h = get(a, "/fx/headers/a/b/?x=1", &[])?;
    for line in [
        "path=/fx/headers/a/b/\n".to_owned(),
        format!("spin-full-url: http://{a}/fx/headers/a/b/?x=1\n"),
        "spin-path-info: /headers/a/b/\n".to_owned(),
        "spin-matched-route: /fx/...\n".to_owned(),
        "spin-raw-component-route: /fx/...\n".to_owned(),
        "spin-component-route: /fx\n".to_owned(),
        "spin-base-path: /\n".to_owned(),
        "spin-client-addr: 127.0.0.1:".to_owned(),
    ] {
        expect(&h, 200, &line, "spin-* headers")?;
    }
    let exact = get(a, "/exact", &[])?;
    expect(&exact, 200, "spin-path-info: \n", "exact route path info")?;
    expect(&exact, 200, "spin-matched-route: /exact\n", "exact route")?;
    expect(
        &get(a, "/users/42", &[])?,
        200,
        "spin-path-match-id: 42\n",
        "named segment",
    )?;

    let stat = get(a, "/static", &[])?;
    if stat.status != 201
        || stat.body != "static body"
        || !stat
            .headers
            .contains(&("x-static".to_owned(), "yes".to_owned()))
    {
        return Err(format!("static response: {} {:?}", stat.status, stat.body));
    }
    let missing = get(a, "/nothing/here", &[])?;
    if missing.status != 404 || !missing.body.is_empty() {
        return Err(format!("404: {} {:?}", missing.status, missing.body));
    }
    expect(
        &get(a, "/.well-known/spin/health", &[])?,
        200,
        "OK",
        "health",
    )?;

    let stderr = rt.stderr();
    if !stderr.contains("query returned zero rows")
        || !stderr.contains("SELECT 1 AS one WHERE false")
    {
        return Err(format!("zero-row rule not logged to stderr: {stderr}"));
    }
    if stderr.contains(&db.url) {
        return Err("the secret database URL was printed".to_owned());
    }
    Ok(())
}

/// The consumer fixture with the library as a `path` dependency that inherits its
/// configuration: the form that runs on Spin 3.6.3 and 4.0.2 alike (a `path`
/// dependency, inheritance set on the component, and the library kept as a component
/// without a trigger).
fn consumer_manifest(dir: &Path) -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "composed"
[variables]
db_url = {{ required = true, secret = true }}
[[trigger.http]]
route = "/by-path"
component = "consumer"

[component.consumer]
source = "{consumer}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
variables = {{ db_url = "{{{{ db_url }}}}", greeting = "bonjour" }}
dependencies_inherit_configuration = true
[component.consumer.dependencies]
"fixture:greeter" = {{ path = "{library}" }}

[component.library]
source = "{library}"
"#,
        consumer = dir.join("consumer_fixture.wasm").display(),
        library = dir.join("lib_fixture.wasm").display(),
    )
}

#[test]
fn composes_dependencies_with_inherited_configuration() -> TestResult {
    let dir = built_fixtures()?;
    let db = Database::create()?;
    let rt = start(
        &consumer_manifest(dir),
        None,
        &[("SPIN_VARIABLE_DB_URL", &db.url)],
    )
    .map_err(|(code, err)| format!("runtime exited {code}: {err}"))?;
    expect(
        &get(rt.addr, "/by-path?name=bob", &[])?,
        200,
        "bonjour, BOB",
        "path dependency",
    )?;
    Ok(())
}

/// Runs `spin-test-runtime compose` on `manifest` (written to a fresh directory) into
/// `out`; returns the exit status and what it printed on stdout and stderr.
fn run_compose(manifest: &str, out: &Path) -> Result<(bool, String, String), String> {
    let app = tempfile::tempdir().map_err(|e| e.to_string())?;
    std::fs::write(app.path().join("spin.toml"), manifest).map_err(|e| e.to_string())?;
    let output = Command::new(env!("CARGO_BIN_EXE_spin-test-runtime"))
        .args(["compose", "--from"])
        .arg(app.path().join("spin.toml"))
        .arg("--out")
        .arg(out)
        .output()
        .map_err(|e| e.to_string())?;
    Ok((
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

#[test]
fn compose_writes_the_app_as_a_registry_push_does() -> TestResult {
    let dir = built_fixtures()?;
    let db = Database::create()?;
    let out = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (ok, stdout, stderr) = run_compose(&consumer_manifest(dir), out.path())?;
    if !ok || stderr.contains("panicked") {
        return Err(format!("compose failed: {stdout}{stderr}"));
    }
    for line in [
        "consumer: ",
        "(composed with fixture:greeter)",
        "library: ",
        "(no dependencies)",
    ] {
        if !stdout.contains(line) {
            return Err(format!("compose should print {line:?}: {stdout}"));
        }
    }
    let manifest =
        std::fs::read_to_string(out.path().join("spin.toml")).map_err(|e| e.to_string())?;
    for absent in [
        ".dependencies]",
        "dependencies_inherit_configuration",
        "lib_fixture",
        "consumer_fixture",
    ] {
        if manifest.contains(absent) {
            return Err(format!(
                "the composed manifest mentions {absent:?}: {manifest}"
            ));
        }
    }
    for present in ["source = \"consumer.wasm\"", "source = \"library.wasm\""] {
        if !manifest.contains(present) {
            return Err(format!(
                "the composed manifest lacks {present:?}: {manifest}"
            ));
        }
    }
    let library = std::fs::read(dir.join("lib_fixture.wasm")).map_err(|e| e.to_string())?;
    let copied = std::fs::read(out.path().join("library.wasm")).map_err(|e| e.to_string())?;
    if library != copied {
        return Err("a component without dependencies is written unchanged".to_owned());
    }
    let composed = std::fs::read(out.path().join("consumer.wasm")).map_err(|e| e.to_string())?;
    let imports =
        spin_test_runtime::compose::imports("consumer", &composed).map_err(|e| e.to_string())?;
    if imports.iter().any(|i| i.starts_with("fixture:")) {
        return Err(format!(
            "the composed consumer still imports the library: {imports:?}"
        ));
    }
    if !imports
        .iter()
        .any(|i| i.starts_with("fermyon:spin/variables"))
    {
        return Err(format!(
            "the library's variables import is the composed component's: {imports:?}"
        ));
    }

    // Served from the composed directory (a later --from wins), it answers as the
    // uncomposed app does: the library still sees the consumer's variables and hosts.
    let from = out.path().join("spin.toml").display().to_string();
    let rt = start_with(
        "",
        &[],
        &[("SPIN_VARIABLE_DB_URL", &db.url)],
        &["--from", &from],
    )
    .map_err(|(code, err)| format!("runtime exited {code}: {err}"))?;
    expect(
        &get(rt.addr, "/by-path?name=bob", &[])?,
        200,
        "bonjour, BOB",
        "composed ahead of time",
    )?;
    Ok(())
}

#[test]
fn compose_refuses_what_only_spins_deny_all_adapter_can_compose() -> TestResult {
    let dir = built_fixtures()?;
    // `isolated` does not inherit configuration and its library imports SQLite: served,
    // this runtime denies that by rewiring to its own interfaces; an artifact for another
    // host would need Spin's deny-all adapter, so compose refuses.
    let out = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (ok, stdout, stderr) = run_compose(&sqlite_manifest(dir, r#"["default"]"#), out.path())?;
    if ok || stderr.contains("panicked") {
        return Err(format!("compose should refuse: {stdout}{stderr}"));
    }
    for needle in [
        "component 'isolated'",
        "does not inherit configuration",
        "deny-all adapter",
        "sqlite",
    ] {
        if !stderr.contains(needle) {
            return Err(format!("stderr should mention {needle:?}: {stderr}"));
        }
    }
    if out.path().join("spin.toml").exists() {
        return Err("no manifest is written for a refused composition".to_owned());
    }

    // The application's own directory is refused: its spin.toml would be overwritten.
    let app = tempfile::tempdir().map_err(|e| e.to_string())?;
    std::fs::write(app.path().join("spin.toml"), consumer_manifest(dir))
        .map_err(|e| e.to_string())?;
    let output = Command::new(env!("CARGO_BIN_EXE_spin-test-runtime"))
        .args(["compose", "--from"])
        .arg(app.path().join("spin.toml"))
        .arg("--out")
        .arg(app.path())
        .output()
        .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() || !stderr.contains("would be overwritten") {
        return Err(format!("compose into the app's directory: {stderr}"));
    }
    Ok(())
}

fn expect_refusal(
    manifest: &str,
    env: &[(&str, &str)],
    needles: &[&str],
    absent: &[&str],
) -> TestResult {
    match start(manifest, None, env) {
        Ok(rt) => Err(format!(
            "runtime started at {} but should have refused",
            rt.addr
        )),
        Err((code, stderr)) => {
            if code == 0 {
                return Err(format!("exit code 0; stderr {stderr}"));
            }
            if stderr.contains("panicked") {
                return Err(format!("runtime panicked: {stderr}"));
            }
            for n in needles {
                if !stderr.contains(n) {
                    return Err(format!("stderr should mention {n:?}: {stderr}"));
                }
            }
            for n in absent {
                if stderr.contains(n) {
                    return Err(format!("stderr must not contain {n:?}: {stderr}"));
                }
            }
            Ok(())
        }
    }
}

#[test]
fn refuses_to_start_with_clear_errors() -> TestResult {
    let header = "spin_manifest_version = 2\n[application]\nname = 'x'\n";
    expect_refusal(
        "spin_manifest_version = 3\n",
        &[],
        &["unsupported manifest version 3"],
        &[],
    )?;
    expect_refusal(
        &format!("{header}[[trigger.http]]\nroute = '/'\ncomponent = 'ghost'\n"),
        &[],
        &["\"ghost\", which is not defined"],
        &[],
    )?;
    expect_refusal(
        &format!(
            "{header}[[trigger.http]]\nroute = '/'\ncomponent = 'c'\n[component.c]\nsource = 'missing/c.wasm'\n"
        ),
        &[],
        &["missing/c.wasm", "spin build"],
        &[],
    )?;
    expect_refusal(
        &format!(
            "{header}[variables]\ndb_url = {{ required = true, secret = true }}\ntoken = {{ required = true, secret = true }}\n\
             [[trigger.http]]\nroute = '/'\ncomponent = 'c'\n[component.c]\nsource = 'c.wasm'\n"
        ),
        &[("SPIN_VARIABLE_DB_URL", "postgres://user:hunter2@db/x")],
        &["\"token\"", "SPIN_VARIABLE_TOKEN"],
        &["hunter2"],
    )?;
    expect_refusal(
        &format!(
            "{header}[[trigger.http]]\nroute = '/'\ncomponent = 'c'\n[component.c]\nsource = 'c.wasm'\nunknown_key = 1\n"
        ),
        &[],
        &["unknown_key"],
        &[],
    )?;

    let dir = built_fixtures()?;
    expect_refusal(
        &format!(
            "{header}[variables]\ndb_url = {{ default = 'x' }}\n[[trigger.http]]\nroute = '/'\ncomponent = 'c'\n\
             [component.c]\nsource = '{}'\nvariables = {{ db_url = '{{{{ db_url }}}}' }}\n\
             [component.c.dependencies]\n\"fixture:greeter/greet\" = {{ path = '{}' }}\n",
            dir.join("consumer_fixture.wasm").display(),
            dir.join("lib_fixture.wasm").display()
        ),
        &[],
        &[
            "not supported by spin-test-runtime",
            "does not inherit configuration",
        ],
        &[],
    )?;
    expect_refusal(
        &format!(
            "{header}[[trigger.http]]\nroute = '/'\ncomponent = 'c'\n[component.c]\nsource = '{}'\n\
             dependencies_inherit_configuration = true\n\
             [component.c.dependencies]\n\"other:pkg/iface\" = {{ path = '{}' }}\n",
            dir.join("consumer_fixture.wasm").display(),
            dir.join("lib_fixture.wasm").display()
        ),
        &[],
        &["dependency 'other:pkg/iface' doesn't match any imports of component 'c'"],
        &[],
    )
}

#[test]
fn refuses_manifest_forms_spin_3_6_does_not_accept() -> TestResult {
    let dir = built_fixtures()?;
    let consumer = dir.join("consumer_fixture.wasm");
    let library = dir.join("lib_fixture.wasm");
    let manifest = |entry: &str| {
        format!(
            "spin_manifest_version = 2\n[application]\nname = 'x'\n[variables]\ndb_url = {{ default = 'x' }}\n\
             [[trigger.http]]\nroute = '/'\ncomponent = 'web'\n\
             [component.web]\nsource = '{}'\nvariables = {{ db_url = '{{{{ db_url }}}}', greeting = 'hi' }}\n\
             [component.web.dependencies]\n\"fixture:greeter/greet@0.1.0\" = {entry}\n\
             [component.session]\nsource = '{}'\n",
            consumer.display(),
            library.display()
        )
    };
    expect_refusal(
        &manifest("{ component = 'session', inherit_configuration = true }"),
        &[],
        &[
            "component \"web\" dependency \"fixture:greeter/greet@0.1.0\"",
            "{ component = \"session\" }",
            "Spin 3.x (3.6.3) does not accept this form",
            "data did not match any variant of untagged enum ComponentDependency",
            "dependencies_inherit_configuration = true",
        ],
        &[],
    )?;
    expect_refusal(
        &manifest(&format!(
            "{{ path = '{}', inherit_configuration = true }}",
            library.display()
        )),
        &[],
        &[
            "has `inherit_configuration`",
            "Spin 3.x (3.6.3) does not accept this form",
        ],
        &[],
    )
}

fn sqlite_manifest(dir: &Path, labels: &str) -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "sqlite-app"

[[trigger.http]]
route = "/sq/..."
component = "sq"

[[trigger.http]]
route = "/inherit"
component = "inheriting"

[[trigger.http]]
route = "/deny"
component = "isolated"

[component.sq]
source = "{sq}"
sqlite_databases = {labels}

[component.inheriting]
source = "{consumer}"
sqlite_databases = ["default"]
dependencies_inherit_configuration = true
[component.inheriting.dependencies]
"fixture:greeter/greet@0.1.0" = {{ path = "{library}" }}

[component.isolated]
source = "{consumer}"
sqlite_databases = ["default"]
[component.isolated.dependencies]
"fixture:greeter/greet@0.1.0" = {{ path = "{library}" }}
"#,
        sq = dir.join("sqlite_fixture.wasm").display(),
        consumer = dir.join("consumer_fixture.wasm").display(),
        library = dir.join("sqlite_lib_fixture.wasm").display(),
    )
}

fn expect_exact(reply: &Reply, body: &str, what: &str) -> TestResult {
    if reply.status != 200 || reply.body != body {
        return Err(format!(
            "{what}: expected 200 {body:?}, got {} {:?}",
            reply.status, reply.body
        ));
    }
    Ok(())
}

#[test]
fn serves_spin_sqlite_with_a_persistent_state_dir() -> TestResult {
    let dir = built_fixtures()?;
    let state = tempfile::tempdir().map_err(|e| e.to_string())?;
    let state_arg = state.path().display().to_string();
    let manifest = sqlite_manifest(dir, r#"["default"]"#);
    let db_file = state.path().join("sqlite_db.db");

    let rt = start_with(&manifest, &[], &[], &["--state-dir", &state_arg])
        .map_err(|(code, err)| format!("runtime exited {code}: {err}"))?;
    let a = rt.addr;
    let summary = format!(
        "Storing default SQLite data to \"{}\".\n",
        db_file.display()
    );
    if !rt.startup.starts_with(&summary) || !rt.startup.contains("Serving http://") {
        return Err(format!("startup output: {:?}", rt.startup));
    }
    expect_exact(&get(a, "/sq/create", &[])?, "created", "create table")?;
    expect_exact(
        &get(a, "/sq/insert?name=ada", &[])?,
        "columns=id,name rows=int:1,text:ada",
        "insert returning",
    )?;
    expect_exact(
        &get(a, "/sq/v3", &[])?,
        "rowid=2 changes=1",
        "sqlite3 module",
    )?;
    expect_exact(
        &get(a, "/sq/types", &[])?,
        "columns=i,r,t,b,n,f,c rows=int:-9007199254740993,real:0.5,text:héllo,blob:[0, 1, 255],null,real:3,int:42",
        "value mapping",
    )?;
    expect_exact(
        &get(a, "/sq/first-statement-only", &[])?,
        "columns=n rows=int:0",
        "first statement only",
    )?;
    expect_exact(
        &get(a, "/sq/errors", &[])?,
        r#"syntax=Some(Error::Io("near \"SELEC\": syntax error in SELEC 1 at offset 0")) fk=Some(Error::Io("FOREIGN KEY constraint failed"))"#,
        "SQLite errors",
    )?;
    expect_exact(
        &get(a, "/sq/denied", &[])?,
        "unlisted=Some(Error::AccessDenied) listed-undefined=Some(Error::AccessDenied)",
        "unlisted labels",
    )?;
    expect_exact(
        &get(a, "/sq/many", &[])?,
        r#"opened=256 then Error::Io("too many connections opened")"#,
        "256 connections per instance",
    )?;
    expect_exact(
        &get(a, "/inherit?name=default", &[])?,
        "sqlite says DEFAULT",
        "inheriting dependency",
    )?;
    let denied = get(a, "/deny?name=default", &[])?;
    if denied.status != 500 || denied.body != "open: Error::AccessDenied" {
        return Err(format!(
            "non-inheriting dependency: {} {:?}",
            denied.status, denied.body
        ));
    }
    drop(rt);

    // A second `spin up` over the same state directory sees the same data.
    let rt = start_with(&manifest, &[], &[], &["--state-dir", &state_arg])
        .map_err(|(code, err)| format!("runtime exited {code}: {err}"))?;
    expect_exact(
        &get(rt.addr, "/sq/list", &[])?,
        "columns=id,name rows=int:1,text:ada;int:2,text:from-v3",
        "persistence across restarts",
    )?;
    expect_exact(
        &get(rt.addr, "/sq/file", &[])?,
        &format!("columns=file rows=text:{}", db_file.display()),
        "database file",
    )?;
    if !db_file.is_file() {
        return Err(format!("{} was not created", db_file.display()));
    }
    Ok(())
}

#[test]
fn the_default_database_lives_in_dot_spin_or_in_memory() -> TestResult {
    let dir = built_fixtures()?;
    let manifest = sqlite_manifest(dir, r#"["default"]"#);

    // No state directory given: `<manifest dir>/.spin/sqlite_db.db`.
    let rt = start_with(&manifest, &[], &[], &[])
        .map_err(|(code, err)| format!("runtime exited {code}: {err}"))?;
    if !rt.startup.starts_with("Storing default SQLite data to \"")
        || !rt.startup.contains("/.spin/sqlite_db.db\".\n")
    {
        return Err(format!("startup output: {:?}", rt.startup));
    }
    expect_exact(&get(rt.addr, "/sq/create", &[])?, "created", "create table")?;
    let file = rt.dir.path().join(".spin/sqlite_db.db");
    if !file.is_file() {
        return Err(format!("{} was not created", file.display()));
    }

    // `--state-dir ""`: a fresh in-memory database per connection, so per request.
    let rt = start_with(&manifest, &[], &[], &["--state-dir", ""])
        .map_err(|(code, err)| format!("runtime exited {code}: {err}"))?;
    if !rt
        .startup
        .starts_with("Storing default SQLite data to a temporary in-memory database.\n")
    {
        return Err(format!("startup output: {:?}", rt.startup));
    }
    expect_exact(&get(rt.addr, "/sq/create", &[])?, "created", "create table")?;
    expect_exact(
        &get(rt.addr, "/sq/list", &[])?,
        r#"ERR Error::Io("no such table: items")"#,
        "nothing persists in memory",
    )?;
    expect_exact(
        &get(rt.addr, "/sq/file", &[])?,
        "columns=file rows=text:",
        "in-memory file name",
    )?;
    if rt.dir.path().join(".spin").exists() {
        return Err("an in-memory run created .spin/".to_owned());
    }
    Ok(())
}

#[test]
fn honours_sqlite_runtime_config() -> TestResult {
    let dir = built_fixtures()?;
    let manifest = sqlite_manifest(dir, r#"["default", "other"]"#);
    let config = "[sqlite_database.default]\ntype = \"spin\"\npath = \"data/custom.db\"\n\
                  [sqlite_database.other]\ntype = \"spin\"\n";
    let rt = start_with(
        &manifest,
        &[("runtime-config.toml", config)],
        &[],
        &["--runtime-config-file", "runtime-config.toml"],
    )
    .map_err(|(code, err)| format!("runtime exited {code}: {err}"))?;
    if !rt.startup.contains("/data/custom.db\".\n") {
        return Err(format!("startup output: {:?}", rt.startup));
    }
    expect_exact(&get(rt.addr, "/sq/create", &[])?, "created", "create table")?;
    let file = rt.dir.path().join("data/custom.db");
    if !file.is_file() {
        return Err(format!("{} was not created", file.display()));
    }
    expect_exact(
        &get(rt.addr, "/sq/denied", &[])?,
        "unlisted=Some(Error::AccessDenied) listed-undefined=None",
        "a listed, configured label opens",
    )?;

    let header = "spin_manifest_version = 2\n[application]\nname = 'x'\n[[trigger.http]]\nroute = '/'\n\
                  component = 'c'\n[component.c]\nsource = 'c.wasm'\n";
    expect_refusal(
        &format!("{header}sqlite_databases = ['default', 'analytics']\n"),
        &[],
        &[
            "One or more components use SQLite databases which are not defined.",
            "- Component c uses database 'analytics'",
        ],
        &[],
    )?;
    for (config, needle) in [
        (
            "[sqlite_database.default]\ntype = 'libsql'\nurl = 'https://db.example'\ntoken = 'secret-token'\n",
            "not supported by spin-test-runtime",
        ),
        (
            "[sqlite_database.default]\ntype = 'mysql'\n",
            "Unknown database kind: mysql",
        ),
        (
            "[sqlite_database.default]\ntype = 'spin'\nfilename = 'x'\n",
            "unknown field `filename`",
        ),
        ("surprise = 1\n", "unused runtime config key(s): surprise"),
    ] {
        match start_with(
            &format!("{header}sqlite_databases = ['default']\n"),
            &[("rc.toml", config)],
            &[],
            &["--runtime-config-file", "rc.toml"],
        ) {
            Ok(rt) => return Err(format!("started at {} with {config:?}", rt.addr)),
            Err((_, stderr)) => {
                if !stderr.contains(needle) || stderr.contains("secret-token") {
                    return Err(format!(
                        "{config:?}: stderr should mention {needle:?}: {stderr}"
                    ));
                }
            }
        }
    }
    Ok(())
}
