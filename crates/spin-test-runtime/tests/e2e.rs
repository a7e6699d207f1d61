//! End-to-end: build the fixture components for wasm32-wasip2, serve them with the
//! `spin-test-runtime` binary against a throwaway PostgreSQL database, and check what a
//! client and the components observe.
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

/// Builds the three fixtures once per test binary; returns the directory of the `.wasm`s.
fn built_fixtures() -> Result<&'static Path, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures");
            for fixture in ["http-fixture", "lib-fixture", "consumer-fixture"] {
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
    _dir: tempfile::TempDir,
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
    let fail = |m: String| (-1, m);
    let dir = tempfile::tempdir().map_err(|e| fail(e.to_string()))?;
    std::fs::write(dir.path().join("spin.toml"), manifest).map_err(|e| fail(e.to_string()))?;
    if let Some(dotenv) = dotenv {
        std::fs::write(dir.path().join(".env"), dotenv).map_err(|e| fail(e.to_string()))?;
    }
    let stderr_path = dir.path().join("stderr.log");
    let stderr = std::fs::File::create(&stderr_path).map_err(|e| fail(e.to_string()))?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_spin-test-runtime"));
    command
        .args(["--from", "spin.toml", "--listen", "127.0.0.1:0"])
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
                _dir: dir,
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

#[test]
fn composes_dependencies_with_inherited_configuration() -> TestResult {
    let dir = built_fixtures()?;
    let db = Database::create()?;
    let manifest = format!(
        r#"
spin_manifest_version = 2
[application]
name = "composed"
[variables]
db_url = {{ required = true, secret = true }}
[[trigger.http]]
route = "/by-component"
component = "consumer-a"
[[trigger.http]]
route = "/by-path"
component = "consumer-b"

[component.consumer-a]
source = "{consumer}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
variables = {{ db_url = "{{{{ db_url }}}}", greeting = "hello" }}
[component.consumer-a.dependencies]
"fixture:greeter/greet@0.1.0" = {{ component = "library", inherit_configuration = true }}

[component.consumer-b]
source = "{consumer}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
variables = {{ db_url = "{{{{ db_url }}}}", greeting = "bonjour" }}
dependencies_inherit_configuration = true
[component.consumer-b.dependencies]
"fixture:greeter" = {{ path = "{library}" }}

[component.library]
source = "{library}"
"#,
        consumer = dir.join("consumer_fixture.wasm").display(),
        library = dir.join("lib_fixture.wasm").display(),
    );
    let rt = start(&manifest, None, &[("SPIN_VARIABLE_DB_URL", &db.url)])
        .map_err(|(code, err)| format!("runtime exited {code}: {err}"))?;
    expect(
        &get(rt.addr, "/by-component?name=ada", &[])?,
        200,
        "hello, ADA",
        "component dependency",
    )?;
    expect(
        &get(rt.addr, "/by-path?name=bob", &[])?,
        200,
        "bonjour, BOB",
        "path dependency",
    )?;
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
             [component.c.dependencies]\n\"other:pkg/iface\" = {{ path = '{}', inherit_configuration = true }}\n",
            dir.join("consumer_fixture.wasm").display(),
            dir.join("lib_fixture.wasm").display()
        ),
        &[],
        &["dependency 'other:pkg/iface' doesn't match any imports of component 'c'"],
        &[],
    )
}
