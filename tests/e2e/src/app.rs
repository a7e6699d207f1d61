//! The app served by `spin-test-runtime`, started the way a user runs `spin up`: the
//! repository's `spin.toml`, variables from `SPIN_VARIABLE_*`, a loopback port, and —
//! on SQLite — the test database's state directory (`--state-dir`). The process is
//! killed when the [`App`] is dropped; its stderr is kept for assertions.
//!
//! Every app also guards its log (issue #13): it remembers each secret value a test
//! handed it or received from it — the signing secret, the database password, every
//! password sent as JSON, every session token and cookie value answered — and when it
//! is dropped at the end of a passing test, fails the test if its log holds any of
//! them (naming the kind, never the value).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::db::{Backend, TestDb};
use crate::http::{Reply, send};
use crate::repo_root;

/// The secret the tests sign cookies with.
pub const SECRET: &str = "e2e-secret-0123456789abcdefghijklmnop";
/// The web origin the tests call from.
pub const WEB_ORIGIN: &str = "http://localhost:3001";
/// A second allowed origin.
pub const OTHER_WEB_ORIGIN: &str = "https://app.example.com";

/// The runtime binary: `$SPIN_TEST_RUNTIME`, else the one cargo built next to this test.
fn runtime_binary() -> anyhow::Result<PathBuf> {
    if let Ok(path) = std::env::var("SPIN_TEST_RUNTIME") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    // target/<profile>/deps/<test> → target/<profile>/spin-test-runtime
    let candidate = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("spin-test-runtime"))
        .context("unexpected test binary location")?;
    if candidate.exists() {
        Ok(candidate)
    } else {
        bail!(
            "{} is missing: build it with `cargo build -p spin-test-runtime` (the README's test command does)",
            candidate.display()
        )
    }
}

/// The variables of a normal test app over `db`.
pub fn variables_for(db: &TestDb) -> Vec<(String, String)> {
    let mut variables = vec![
        ("database_url", db.url()),
        ("better_auth_secret", SECRET.to_owned()),
        ("better_auth_url", "http://localhost:3000".to_owned()),
        ("cors_origin", format!("{WEB_ORIGIN},{OTHER_WEB_ORIGIN}")),
    ];
    if db.backend() == Backend::Postgres {
        variables.push(("db_host", db.host()));
        variables.push(("db_port", db.port().to_string()));
    }
    variables
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// The variables of [`variables_for`] with some values replaced or added.
pub fn variables_with(db: &TestDb, overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut variables = variables_for(db);
    for (name, value) in overrides {
        match variables.iter_mut().find(|(key, _)| key == name) {
            Some((_, current)) => (*value).clone_into(current),
            None => variables.push(((*name).to_owned(), (*value).to_owned())),
        }
    }
    variables
}

/// Database calls a runtime counted (`SPIN_TEST_RUNTIME_PG_STATS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbCalls {
    /// PostgreSQL connections opened, queries and executes.
    pub postgres: u64,
    /// SQLite connections opened and statements.
    pub sqlite: u64,
}

impl DbCalls {
    /// The calls between `earlier` and `self`.
    pub fn since(self, earlier: Self) -> Self {
        Self {
            postgres: self.postgres.saturating_sub(earlier.postgres),
            sqlite: self.sqlite.saturating_sub(earlier.sqlite),
        }
    }

    /// No call of either kind.
    pub fn none(self) -> bool {
        self.postgres == 0 && self.sqlite == 0
    }
}

/// A running app.
pub struct App {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    stderr: Arc<Mutex<Vec<String>>>,
    stdout: Arc<Mutex<Vec<String>>>,
    /// `(kind, value)` of every secret the log must never contain.
    secrets: Mutex<Vec<(&'static str, String)>>,
}

/// Values shorter than this are too likely to occur by chance to scan for.
const MIN_SECRET_LEN: usize = 8;

impl App {
    /// Starts the app over `db` with the standard variables.
    ///
    /// # Errors
    /// When the runtime is missing or does not start serving.
    pub fn start(db: &TestDb) -> anyhow::Result<Self> {
        Self::start_with(db, &variables_for(db))
    }

    /// Starts the app over `db` with exactly these variables (name → value).
    ///
    /// # Errors
    /// When the runtime is missing, exits, or does not start serving in time.
    pub fn start_with(db: &TestDb, variables: &[(String, String)]) -> anyhow::Result<Self> {
        Self::launch(db.state_dir(), variables)
    }

    /// Starts the app as `spin up --state-dir <state_dir>` would (the manifest
    /// directory's `.spin/` when `None`) with exactly these variables.
    ///
    /// # Errors
    /// When the runtime is missing, exits, or does not start serving in time.
    pub fn launch(
        state_dir: Option<&Path>,
        variables: &[(String, String)],
    ) -> anyhow::Result<Self> {
        Self::launch_with_env(state_dir, variables, &[])
    }

    /// Starts the app over `db` with these variables, its runtime counting database
    /// calls ([`App::db_calls`]).
    ///
    /// # Errors
    /// As [`App::launch`].
    pub fn start_counting(db: &TestDb, variables: &[(String, String)]) -> anyhow::Result<Self> {
        Self::launch_with_env(
            db.state_dir(),
            variables,
            &[("SPIN_TEST_RUNTIME_PG_STATS", "1")],
        )
    }

    /// The database calls the runtime counted so far (an app from
    /// [`App::start_counting`]): PostgreSQL connections opened, queries and executes,
    /// SQLite opens and statements.
    ///
    /// # Errors
    /// When the runtime does not serve its counts.
    pub fn db_calls(&self) -> anyhow::Result<DbCalls> {
        let reply = self.request("GET", "/.well-known/spin/pg-stats", &[], b"")?;
        if reply.status != 200 {
            bail!(
                "no database counts ({}): start the app with App::start_counting",
                reply.status
            );
        }
        let counts = reply.json()?;
        let count = |name: &str| counts[name].as_u64().unwrap_or(u64::MAX);
        Ok(DbCalls {
            postgres: count("opens") + count("queries") + count("executes"),
            sqlite: count("sqlite_opens") + count("sqlite_queries"),
        })
    }

    /// As [`App::launch`], with extra environment variables for the runtime.
    ///
    /// # Errors
    /// As [`App::launch`].
    pub fn launch_with_env(
        state_dir: Option<&Path>,
        variables: &[(String, String)],
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        Self::spawn(&repo_root().join("spin.toml"), state_dir, variables, env)
    }

    /// Everything the runtime wrote to stderr so far.
    pub fn stderr_text(&self) -> String {
        self.stderr
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }

    /// Everything the runtime wrote to stdout so far (its start-up lines).
    pub fn stdout_text(&self) -> String {
        self.stdout
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }

    /// Waits (up to five seconds: the log is read by another thread) until the
    /// runtime's stderr contains `needle`; returns whether it did.
    pub fn stderr_shows(&self, needle: &str) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if self.stderr_text().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// `POST`s `body` as JSON the way the web app's Better Auth client does (the web
    /// origin, a fixed `user-agent`), with `cookie` as the Cookie header if given.
    ///
    /// # Errors
    /// On connection failures.
    pub fn post_json(
        &self,
        path: &str,
        cookie: Option<&str>,
        body: &serde_json::Value,
    ) -> anyhow::Result<Reply> {
        let mut headers = vec![
            ("origin", WEB_ORIGIN),
            ("content-type", "application/json"),
            ("user-agent", "e2e-agent"),
        ];
        if let Some(cookie) = cookie {
            headers.push(("cookie", cookie));
        }
        self.request("POST", path, &headers, body.to_string().as_bytes())
    }

    /// Sends a request.
    ///
    /// # Errors
    /// On connection failures.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> anyhow::Result<Reply> {
        self.remember_request_secrets(body);
        let reply = send(self.addr, method, path, headers, body)?;
        self.remember_reply_secrets(&reply);
        Ok(reply)
    }

    /// Adds a value the runtime's log must never contain.
    pub fn remember_secret(&self, kind: &'static str, value: &str) {
        if value.len() >= MIN_SECRET_LEN
            && let Ok(mut secrets) = self.secrets.lock()
        {
            secrets.push((kind, value.to_owned()));
        }
    }

    fn remember_request_secrets(&self, body: &[u8]) {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
            return;
        };
        for field in ["password", "newPassword", "currentPassword"] {
            if let Some(password) = json.get(field).and_then(serde_json::Value::as_str) {
                self.remember_secret("a password", password);
            }
        }
    }

    fn remember_reply_secrets(&self, reply: &Reply) {
        for line in reply.all("set-cookie") {
            let value = line
                .split(';')
                .next()
                .and_then(|pair| pair.split_once('='))
                .map_or("", |(_, value)| value);
            self.remember_secret("a cookie value", value);
            if let Some((token, _)) = value.split_once('.') {
                self.remember_secret("a session token", token);
            }
        }
        if let Ok(json) = reply.json()
            && let Some(token) = json.get("token").and_then(serde_json::Value::as_str)
        {
            self.remember_secret("a session token", token);
        }
    }

    /// Forgets every remembered secret (for the harness's own test of the scan).
    pub fn forget_secrets(&self) {
        if let Ok(mut secrets) = self.secrets.lock() {
            secrets.clear();
        }
    }

    /// The kinds of remembered secrets the log contains (empty when it is clean).
    pub fn leaked_secrets(&self) -> Vec<&'static str> {
        let log = format!("{}\n{}", self.stderr_text(), self.stdout_text());
        let Ok(secrets) = self.secrets.lock() else {
            return Vec::new();
        };
        let mut kinds: Vec<&'static str> = secrets
            .iter()
            .filter(|(_, value)| log.contains(value.as_str()))
            .map(|(kind, _)| *kind)
            .collect();
        kinds.dedup();
        kinds
    }
}

impl Drop for App {
    #[expect(clippy::panic, reason = "a leak fails the test that caused it")]
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Let the reader threads take the last lines.
        std::thread::sleep(Duration::from_millis(50));
        if !std::thread::panicking() {
            let leaked = self.leaked_secrets();
            if !leaked.is_empty() {
                panic!("the runtime's log contains {}", leaked.join(", "));
            }
        }
    }
}

/// The `spin-test-runtime` binary the tests run (`$SPIN_TEST_RUNTIME`, else the one
/// cargo built next to the test), for tests that run its other commands.
///
/// # Errors
/// When it is missing.
pub fn runtime_path() -> anyhow::Result<PathBuf> {
    runtime_binary()
}

impl App {
    /// Starts the app of another manifest — `spin up --from <manifest> [--state-dir
    /// <state_dir>]`, run from the manifest's directory — with exactly these variables,
    /// guarding its log like [`App::launch`].
    ///
    /// # Errors
    /// When the runtime is missing, exits, or does not start serving in time.
    pub fn launch_manifest(
        manifest: &Path,
        state_dir: Option<&Path>,
        variables: &[(String, String)],
    ) -> anyhow::Result<Self> {
        Self::spawn(manifest, state_dir, variables, &[])
    }

    /// Runs `spin-test-runtime --from <manifest>` from the manifest's directory with
    /// these variables and extra environment, and waits until it serves.
    fn spawn(
        manifest: &Path,
        state_dir: Option<&Path>,
        variables: &[(String, String)],
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let dir = manifest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut command = Command::new(runtime_binary()?);
        command
            .arg("--from")
            .arg(manifest.file_name().unwrap_or(manifest.as_os_str()))
            .args(["--listen", "127.0.0.1:0"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(state) = state_dir {
            command.arg("--state-dir").arg(state);
        }
        for (name, _) in std::env::vars() {
            if name.starts_with("SPIN_VARIABLE_") {
                command.env_remove(name);
            }
        }
        for (name, value) in variables {
            command.env(
                format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()),
                value,
            );
        }
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().context("starting spin-test-runtime")?;
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(pipe) = child.stderr.take() {
            let sink = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    eprintln!("[runtime] {line}");
                    if let Ok(mut lines) = sink.lock() {
                        lines.push(line);
                    }
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        if let Some(pipe) = child.stdout.take() {
            let sink = Arc::clone(&stdout);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if let Some(url) = line.trim().strip_prefix("Serving http://") {
                        let _ = tx.send(url.trim_end_matches('/').to_owned());
                    }
                    if let Ok(mut lines) = sink.lock() {
                        lines.push(line);
                    }
                }
            });
        }
        let mut app = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stderr,
            stdout,
            secrets: Mutex::new(Vec::new()),
        };
        for (name, value) in variables {
            match name.as_str() {
                "better_auth_secret" => app.remember_secret("the signing secret", value),
                "better_auth_secrets" => {
                    for entry in value.split(',') {
                        let secret = entry.split_once(':').map_or(entry, |(_, s)| s);
                        app.remember_secret("a listed signing secret", secret.trim());
                    }
                }
                "database_url" => {
                    if let Some(password) = url::Url::parse(value)
                        .ok()
                        .and_then(|url| url.password().map(str::to_owned))
                    {
                        app.remember_secret("the database password", &password);
                    }
                }
                _ => {}
            }
        }
        // Generous: the debug runtime compiles the components with Cranelift at start-up
        // (cached afterwards), and parallel tests on two cores start several at once.
        match rx.recv_timeout(Duration::from_secs(420)) {
            Ok(addr) => {
                app.addr = addr
                    .parse()
                    .with_context(|| format!("bad address {addr}"))?;
                Ok(app)
            }
            Err(_) => {
                let status = app.child.try_wait().ok().flatten();
                std::thread::sleep(Duration::from_millis(200));
                bail!(
                    "spin-test-runtime did not start serving (exit status {status:?}); stderr:\n{}",
                    app.stderr_text()
                )
            }
        }
    }
}
