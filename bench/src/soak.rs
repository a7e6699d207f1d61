//! The soak (issue #13 item 2): a mixed workload at N connections for a while, every
//! answer checked and classified, the runtime's RSS sampled, then the database checked
//! for consistency; optionally with the database cut for a few seconds in the middle.
//!
//! Each connection is a virtual user that, over and over, becomes a new user:
//!
//! 1. signs up (a unique email), then `reads` times reads its session
//!    (`GET /api/auth/get-session`) and `POST /rpc/privateData`;
//! 2. writes a todo: `todo.create` with a unique text, `todo.getAll` to learn its id,
//!    `todo.toggle` to completed, `todo.delete`;
//! 3. signs out, and checks that the old cookie no longer has a session;
//! 4. signs in again, reads `reads` times again, signs out.
//!
//! Every answer is checked, not just its status: the session is the user's, the
//! privateData message is there, the todo's row counts are 1, the signed-out cookie
//! gives `null`. A request that fails ends that user's cycle and the virtual user starts
//! a new one. Each user comes from its own client address (`x-forwarded-for`, which the
//! app trusts when `bench/run` starts it with `trusted_proxy_header`), so in production
//! mode Better Auth's rate limits (3 sign-ins or sign-ups per 10 s per address) are
//! exercised on every auth request but never reached: a 429 is unexpected here.
//!
//! Requests are classified by when they ran: the warm-up, then the measured period —
//! with a cut, *before* (ended before the cut began), *during* (overlapped the cut) and
//! *after* (began after the database was back). A 5xx is a failure except during a
//! cut; a socket error, a timeout, a 429 or a wrong answer is a failure in any phase.

mod report;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::consistency::{self, Check, Database, Expectations, TodoState};
use crate::http::{Connection, Failure, Reply, set_cookies};

/// The password of every soak user.
const PASSWORD: &str = "soak-password-0123";
/// How long a virtual user waits after a failed cycle before the next.
const RETRY_PAUSE: Duration = Duration::from_millis(100);
/// The name of Better Auth's session cookie (behind an optional `__Secure-` prefix).
const SESSION_COOKIE: &str = "better-auth.session_token";

/// How the database is cut.
#[derive(Debug, Clone)]
pub enum CutBy {
    /// Through the fault proxy in front of PostgreSQL (its control port): `refuse`
    /// (every open connection dropped, new ones closed at once), then `pass`.
    Proxy(SocketAddr),
    /// SQLite: another connection holds the file's write lock (`BEGIN EXCLUSIVE`) for
    /// the cut's length, as a long maintenance transaction would.
    SqliteLock(PathBuf),
}

/// A database cut in the middle of the measured period.
#[derive(Debug, Clone)]
pub struct Cut {
    /// When it begins, after the warm-up.
    pub at: Duration,
    /// How long it lasts.
    pub length: Duration,
    /// How it is made.
    pub by: CutBy,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// The app.
    pub addr: SocketAddr,
    /// The web origin the requests come from (one of the app's `cors_origin`).
    pub origin: String,
    /// Connections, one virtual user each.
    pub connections: usize,
    /// The warm-up, not measured (but its failures count).
    pub warmup: Duration,
    /// The measured period.
    pub duration: Duration,
    /// Session reads (get-session + privateData) after each sign-up and sign-in.
    pub reads: usize,
    /// Makes this run's emails and todo texts unique (letters, digits and `-`).
    pub run: String,
    /// The second byte of the users' addresses (`10.<block>.x.y`), one per run.
    pub ip_block: u8,
    /// The database cut, if any.
    pub cut: Option<Cut>,
    /// The runtime process, whose RSS is sampled.
    pub runtime_pid: Option<u32>,
    /// The database, checked after the load.
    pub database: Option<Database>,
    /// The longest a request may take.
    pub timeout: Duration,
}

/// The requests of the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `POST /api/auth/sign-up/email`.
    SignUp,
    /// `POST /api/auth/sign-in/email`.
    SignIn,
    /// `GET /api/auth/get-session` with the user's cookie.
    GetSession,
    /// `POST /rpc/privateData` with the user's cookie.
    PrivateData,
    /// `POST /rpc/todo/create`.
    TodoCreate,
    /// `POST /rpc/todo/getAll`.
    TodoGetAll,
    /// `POST /rpc/todo/toggle`.
    TodoToggle,
    /// `POST /rpc/todo/delete`.
    TodoDelete,
    /// `POST /api/auth/sign-out`.
    SignOut,
    /// `GET /api/auth/get-session` with the cookie just signed out.
    SignedOut,
}

impl Kind {
    const ALL: [Kind; 10] = [
        Kind::SignUp,
        Kind::SignIn,
        Kind::GetSession,
        Kind::PrivateData,
        Kind::TodoCreate,
        Kind::TodoGetAll,
        Kind::TodoToggle,
        Kind::TodoDelete,
        Kind::SignOut,
        Kind::SignedOut,
    ];

    /// How the report names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::SignUp => "`POST /api/auth/sign-up/email`",
            Kind::SignIn => "`POST /api/auth/sign-in/email`",
            Kind::GetSession => "`GET /api/auth/get-session`",
            Kind::PrivateData => "`POST /rpc/privateData`",
            Kind::TodoCreate => "`POST /rpc/todo/create`",
            Kind::TodoGetAll => "`POST /rpc/todo/getAll`",
            Kind::TodoToggle => "`POST /rpc/todo/toggle`",
            Kind::TodoDelete => "`POST /rpc/todo/delete`",
            Kind::SignOut => "`POST /api/auth/sign-out`",
            Kind::SignedOut => "`GET /api/auth/get-session`, signed-out cookie",
        }
    }
}

/// How a request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The expected answer.
    Ok,
    /// A 5xx.
    ServerError(u16),
    /// A 429.
    RateLimited,
    /// Another status or body than expected.
    Wrong(String),
    /// No whole reply: connect, read or write failure, or a malformed reply.
    Socket(String),
    /// No reply within the timeout.
    Timeout,
}

/// One request.
#[derive(Debug, Clone)]
pub struct Record {
    /// What it was.
    pub kind: Kind,
    /// When it was sent, from the start of the warm-up.
    pub start: Duration,
    /// When its reply (or failure) came.
    pub end: Duration,
    /// How it ended.
    pub outcome: Outcome,
}

/// When a request ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Sent during the warm-up (and not overlapping a cut).
    WarmUp,
    /// The measured period, without a cut.
    Steady,
    /// Ended before the cut began.
    Before,
    /// Overlapped the cut.
    During,
    /// Sent after the database was back.
    After,
}

impl Phase {
    fn label(self) -> &'static str {
        match self {
            Phase::WarmUp => "warm-up",
            Phase::Steady => "measured",
            Phase::Before => "before the cut",
            Phase::During => "overlapping the cut",
            Phase::After => "after the cut",
        }
    }
}

/// The phase of a request from `start` to `end` (from the start of the warm-up), the
/// measured period beginning at `measured_from`, the cut (if any) lasting `window`.
/// Overlapping the cut comes first: a request sent during the warm-up that is still
/// running when the cut begins is one the cut may fail.
pub fn phase_of(
    start: Duration,
    end: Duration,
    measured_from: Duration,
    window: Option<(Duration, Duration)>,
) -> Phase {
    match window {
        Some((from, to)) if start <= to && end >= from => Phase::During,
        _ if start < measured_from => Phase::WarmUp,
        None => Phase::Steady,
        Some((from, _)) if end < from => Phase::Before,
        Some(_) => Phase::After,
    }
}

/// Whether `outcome` in `phase` breaks a soak property.
pub fn is_failure(outcome: &Outcome, phase: Phase) -> bool {
    match outcome {
        Outcome::Ok => false,
        Outcome::ServerError(_) => phase != Phase::During,
        Outcome::RateLimited | Outcome::Wrong(_) | Outcome::Socket(_) | Outcome::Timeout => true,
    }
}

struct Shared {
    config: Config,
    t0: Instant,
    stop_at: Instant,
    next_user: AtomicU64,
}

/// What one virtual user did.
#[derive(Default)]
struct Tally {
    records: Vec<Record>,
    expected: Expectations,
    cycles: u64,
    connects: u64,
    /// A few examples of failures, for the log.
    examples: Vec<String>,
}

enum Call {
    /// The measured period is over: nothing sent.
    Stopped,
    /// Sent, and it failed (recorded).
    Failed,
    /// The expected answer.
    Ok,
}

struct Vu {
    shared: Arc<Shared>,
    connection: Connection,
    tally: Tally,
    jar: BTreeMap<String, String>,
    ip: String,
}

fn json_str<'a>(value: &'a serde_json::Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(serde_json::Value::as_str)
}

fn expect_status(reply: &Reply, status: u16) -> Result<serde_json::Value, String> {
    if reply.status != status {
        return Err(format!(
            "status {} ({})",
            reply.status,
            excerpt(&reply.text())
        ));
    }
    reply
        .json()
        .map_err(|_| format!("not JSON: {}", excerpt(&reply.text())))
}

fn excerpt(text: &str) -> String {
    text.chars().take(160).collect()
}

/// The session of a sign-up or sign-in answer: its token, and a session cookie set.
fn signed_in(reply: &Reply, email: &str) -> Result<String, String> {
    let json = expect_status(reply, 200)?;
    if json_str(&json, &["user", "email"]) != Some(email) {
        return Err(format!("another user: {}", excerpt(&reply.text())));
    }
    let has_cookie = set_cookies(reply)
        .iter()
        .any(|(name, value)| name.ends_with(SESSION_COOKIE) && value.is_some());
    if !has_cookie {
        return Err("no session cookie".to_owned());
    }
    json_str(&json, &["token"])
        .map(str::to_owned)
        .ok_or_else(|| "no token".to_owned())
}

fn row_count_one(reply: &Reply) -> Result<(), String> {
    let json = expect_status(reply, 200)?;
    match json.get("json").and_then(|j| j.get("rowCount")) {
        Some(n) if n == 1 => Ok(()),
        _ => Err(format!("rowCount is not 1: {}", excerpt(&reply.text()))),
    }
}

impl Vu {
    fn cookie_header(&self) -> Option<String> {
        (!self.jar.is_empty()).then(|| {
            self.jar
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    async fn call(
        &mut self,
        kind: Kind,
        method: &str,
        path: &str,
        body: &str,
        cookie: Option<&str>,
        check: impl FnOnce(&Reply) -> Result<(), String>,
    ) -> Call {
        if Instant::now() >= self.shared.stop_at {
            return Call::Stopped;
        }
        let mut headers = vec![
            ("origin", self.shared.config.origin.as_str()),
            ("user-agent", "spinstack-bench soak"),
            ("x-forwarded-for", self.ip.as_str()),
        ];
        if method == "POST" {
            headers.push(("content-type", "application/json"));
        }
        if let Some(cookie) = cookie {
            headers.push(("cookie", cookie));
        }
        let start = self.shared.t0.elapsed();
        let result = self
            .connection
            .send(method, path, &headers, body.as_bytes())
            .await;
        let end = self.shared.t0.elapsed();
        let (outcome, reply) = match result {
            Err(Failure::Timeout) => (Outcome::Timeout, None),
            Err(failure) => (Outcome::Socket(failure.to_string()), None),
            Ok(reply) if reply.status >= 500 => (Outcome::ServerError(reply.status), None),
            Ok(reply) if reply.status == 429 => (Outcome::RateLimited, None),
            Ok(reply) => match check(&reply) {
                Ok(()) => (Outcome::Ok, Some(reply)),
                Err(why) => (Outcome::Wrong(why), None),
            },
        };
        if outcome != Outcome::Ok && self.tally.examples.len() < 3 {
            self.tally.examples.push(format!(
                "{} at {:.2} s: {outcome:?}",
                kind.label(),
                end.as_secs_f64()
            ));
        }
        self.tally.records.push(Record {
            kind,
            start,
            end,
            outcome,
        });
        match reply {
            Some(reply) => {
                for (name, value) in set_cookies(&reply) {
                    match value {
                        Some(value) => self.jar.insert(name, value),
                        None => self.jar.remove(&name),
                    };
                }
                Call::Ok
            }
            None => Call::Failed,
        }
    }

    /// get-session and privateData, `reads` times; false when one failed or it stopped.
    async fn reads(&mut self, email: &str) -> bool {
        for _ in 0..self.shared.config.reads {
            let cookie = self.cookie_header();
            let session = self
                .call(
                    Kind::GetSession,
                    "GET",
                    "/api/auth/get-session",
                    "",
                    cookie.as_deref(),
                    |reply| {
                        let json = expect_status(reply, 200)?;
                        if json_str(&json, &["user", "email"]) == Some(email)
                            && json_str(&json, &["session", "token"]).is_some()
                        {
                            Ok(())
                        } else {
                            Err(format!(
                                "not the user's session: {}",
                                excerpt(&reply.text())
                            ))
                        }
                    },
                )
                .await;
            if !matches!(session, Call::Ok) {
                return false;
            }
            let private = self
                .call(
                    Kind::PrivateData,
                    "POST",
                    "/rpc/privateData",
                    "{}",
                    cookie.as_deref(),
                    |reply| {
                        let json = expect_status(reply, 200)?;
                        if json_str(&json, &["json", "message"]) == Some("This is private")
                            && json_str(&json, &["json", "user", "email"]) == Some(email)
                        {
                            Ok(())
                        } else {
                            Err(format!("not the user's data: {}", excerpt(&reply.text())))
                        }
                    },
                )
                .await;
            if !matches!(private, Call::Ok) {
                return false;
            }
        }
        true
    }

    /// Signs out, then checks the old cookie has no session; false when a step failed.
    async fn sign_out(&mut self, token: String) -> bool {
        let Some(old_cookie) = self.cookie_header() else {
            return false;
        };
        let out = self
            .call(
                Kind::SignOut,
                "POST",
                "/api/auth/sign-out",
                "{}",
                Some(&old_cookie),
                |reply| {
                    let json = expect_status(reply, 200)?;
                    if json.get("success") == Some(&serde_json::Value::Bool(true)) {
                        Ok(())
                    } else {
                        Err(format!("sign-out answered {}", excerpt(&reply.text())))
                    }
                },
            )
            .await;
        if !matches!(out, Call::Ok) {
            return false;
        }
        self.tally.expected.signed_out.push(token);
        let gone = self
            .call(
                Kind::SignedOut,
                "GET",
                "/api/auth/get-session",
                "",
                Some(&old_cookie),
                |reply| {
                    if reply.status == 200 && reply.text().trim() == "null" {
                        Ok(())
                    } else {
                        Err(format!(
                            "the signed-out cookie still answers {} {}",
                            reply.status,
                            excerpt(&reply.text())
                        ))
                    }
                },
            )
            .await;
        matches!(gone, Call::Ok)
    }

    /// create, getAll (its id), toggle, delete; false when a step failed or it stopped.
    async fn todo(&mut self, text: &str) -> bool {
        let cookie = self.cookie_header();
        let body = serde_json::json!({ "json": { "text": text } }).to_string();
        let created = self
            .call(
                Kind::TodoCreate,
                "POST",
                "/rpc/todo/create",
                &body,
                cookie.as_deref(),
                row_count_one,
            )
            .await;
        if !self.track(text, created, TodoState::Present { completed: false }) {
            return false;
        }
        let mut id = None;
        let listed = self
            .call(
                Kind::TodoGetAll,
                "POST",
                "/rpc/todo/getAll",
                "{}",
                cookie.as_deref(),
                |reply| {
                    let json = expect_status(reply, 200)?;
                    id = json
                        .get("json")
                        .and_then(serde_json::Value::as_array)
                        .and_then(|todos| {
                            todos.iter().find(|t| {
                                t.get("text").and_then(serde_json::Value::as_str) == Some(text)
                            })
                        })
                        .and_then(|t| t.get("id"))
                        .and_then(serde_json::Value::as_i64);
                    id.map(|_| ())
                        .ok_or_else(|| "the new todo is not listed".to_owned())
                },
            )
            .await;
        let Some(id) = id.filter(|_| matches!(listed, Call::Ok)) else {
            return false;
        };
        let body = serde_json::json!({ "json": { "id": id, "completed": true } }).to_string();
        let toggled = self
            .call(
                Kind::TodoToggle,
                "POST",
                "/rpc/todo/toggle",
                &body,
                cookie.as_deref(),
                row_count_one,
            )
            .await;
        if !self.track(text, toggled, TodoState::Present { completed: true }) {
            return false;
        }
        let body = serde_json::json!({ "json": { "id": id } }).to_string();
        let deleted = self
            .call(
                Kind::TodoDelete,
                "POST",
                "/rpc/todo/delete",
                &body,
                cookie.as_deref(),
                row_count_one,
            )
            .await;
        self.track(text, deleted, TodoState::Deleted)
    }

    /// Records what a todo write's answer says about the row; true when it succeeded.
    fn track(&mut self, text: &str, call: Call, then: TodoState) -> bool {
        let state = match call {
            Call::Stopped => return false,
            Call::Failed => TodoState::Uncertain,
            Call::Ok => then,
        };
        self.tally.expected.todos.insert(text.to_owned(), state);
        state == then
    }

    /// One user's cycle; true when it ran to the end.
    async fn cycle(&mut self, n: u64) -> bool {
        let config = &self.shared.config;
        let email = format!("soak-{}-{n}@example.com", config.run);
        let todo = format!("soak-{}-{n}", config.run);
        // 10.<block>.<n / 256>.<n % 256>: each user its own rate-limit buckets.
        self.ip = format!("10.{}.{}.{}", config.ip_block, (n >> 8) & 0xff, n & 0xff);
        self.jar.clear();

        let body = serde_json::json!({ "email": email, "password": PASSWORD, "name": format!("Soak {n}") })
            .to_string();
        if Instant::now() >= self.shared.stop_at {
            return false;
        }
        self.tally.expected.sign_up_attempts += 1;
        let Some(token) = self
            .authenticate(Kind::SignUp, "/api/auth/sign-up/email", &body, &email)
            .await
        else {
            return false;
        };
        self.tally.expected.signed_up.push(email.clone());
        if !self.reads(&email).await || !self.todo(&todo).await || !self.sign_out(token).await {
            return false;
        }

        let body = serde_json::json!({ "email": email, "password": PASSWORD }).to_string();
        let Some(token) = self
            .authenticate(Kind::SignIn, "/api/auth/sign-in/email", &body, &email)
            .await
        else {
            return false;
        };
        self.reads(&email).await && self.sign_out(token).await
    }

    /// A sign-up or sign-in (`kind`, `path`) as `email`: the new session's token when
    /// it answered as expected ([`signed_in`]).
    async fn authenticate(
        &mut self,
        kind: Kind,
        path: &str,
        body: &str,
        email: &str,
    ) -> Option<String> {
        let mut token = String::new();
        let answered = self
            .call(kind, "POST", path, body, None, |reply| {
                token = signed_in(reply, email)?;
                Ok(())
            })
            .await;
        matches!(answered, Call::Ok).then_some(token)
    }

    async fn run(mut self) -> Tally {
        while Instant::now() < self.shared.stop_at {
            let n = self.shared.next_user.fetch_add(1, Ordering::Relaxed);
            if n >= 1 << 16 {
                self.tally
                    .examples
                    .push("more than 65,536 users: addresses would repeat".to_owned());
                break;
            }
            if self.cycle(n).await {
                self.tally.cycles += 1;
            } else if Instant::now() < self.shared.stop_at {
                // A failed cycle: pause as a client would before trying again, rather
                // than spin through sign-ups that fail at once while the database is cut.
                tokio::time::sleep(RETRY_PAUSE).await;
            }
        }
        self.tally.connects = self.connection.connects;
        self.tally
    }
}

/// The runtime's resident set in KiB (`VmRSS`).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// What the cut did: its window (from the start of the warm-up), or why it failed.
type CutResult = Result<(Duration, Duration), String>;

async fn make_cut(cut: &Cut, t0: Instant, at: Instant) -> CutResult {
    tokio::time::sleep_until(at.into()).await;
    let from = t0.elapsed();
    match &cut.by {
        CutBy::Proxy(control) => {
            crate::proxy::command(*control, "refuse")
                .await
                .map_err(|e| format!("{e:#}"))?;
            tokio::time::sleep(cut.length).await;
            crate::proxy::command(*control, "pass")
                .await
                .map_err(|e| format!("{e:#}"))?;
        }
        CutBy::SqliteLock(file) => {
            let (file, length) = (file.clone(), cut.length);
            tokio::task::spawn_blocking(move || -> Result<(), String> {
                let connection = rusqlite::Connection::open(&file)
                    .map_err(|e| format!("opening {}: {e}", file.display()))?;
                connection
                    .busy_timeout(Duration::from_secs(30))
                    .map_err(|e| e.to_string())?;
                connection
                    .execute_batch("BEGIN EXCLUSIVE")
                    .map_err(|e| format!("BEGIN EXCLUSIVE: {e}"))?;
                std::thread::sleep(length);
                connection
                    .execute_batch("COMMIT")
                    .map_err(|e| format!("COMMIT: {e}"))
            })
            .await
            .map_err(|e| e.to_string())??;
        }
    }
    Ok((from, t0.elapsed()))
}

/// The runtime's RSS over the run.
#[derive(Debug, Clone, Default)]
pub struct Rss {
    /// Before the load.
    pub idle_before: Option<u64>,
    /// At the end of the warm-up.
    pub after_warmup: Option<u64>,
    /// When the measured period ended.
    pub at_end: Option<u64>,
    /// A second after the last reply.
    pub idle_after: Option<u64>,
    /// `(median, largest)` of the samples (every 100 ms) in each sixth of the measured
    /// period: the median follows what the runtime holds with the usual number of
    /// requests in flight, the largest the peaks of concurrent password hashes.
    pub windows: Vec<Option<(u64, u64)>>,
}

/// A finished soak.
pub struct Soak {
    /// The configuration it ran.
    pub config: Config,
    /// Every request.
    pub records: Vec<Record>,
    /// The start of the measured period, from the start of the warm-up.
    pub measured_from: Duration,
    /// Its end.
    pub measured_to: Duration,
    /// When the last reply came.
    pub finished: Duration,
    /// The cut's window, or why it could not be made.
    pub cut: Option<CutResult>,
    /// The runtime's RSS.
    pub rss: Rss,
    /// User cycles run to the end.
    pub cycles: u64,
    /// TCP connections opened.
    pub connects: u64,
    /// The consistency check, or why it could not run.
    pub consistency: Option<Result<Vec<Check>, String>>,
    /// Examples of failed requests.
    pub examples: Vec<String>,
}

/// Runs the soak.
///
/// # Errors
/// When a virtual user's task panics.
pub async fn run(config: Config) -> anyhow::Result<Soak> {
    let t0 = Instant::now();
    let measured_start = t0 + config.warmup;
    let stop_at = measured_start + config.duration;
    let mut rss = Rss {
        idle_before: config.runtime_pid.and_then(rss_kib),
        ..Rss::default()
    };
    let shared = Arc::new(Shared {
        config: config.clone(),
        t0,
        stop_at,
        next_user: AtomicU64::new(0),
    });

    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = config.runtime_pid.map(|pid| {
        let sampling = Arc::clone(&sampling);
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while sampling.load(Ordering::Relaxed) {
                if let Some(kib) = rss_kib(pid) {
                    samples.push((t0.elapsed(), kib));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            samples
        })
    });
    let cutter = config.cut.clone().map(|cut| {
        let at = measured_start + cut.at;
        tokio::spawn(async move { make_cut(&cut, t0, at).await })
    });

    let users: Vec<_> = (0..config.connections)
        .map(|_| {
            let vu = Vu {
                shared: Arc::clone(&shared),
                connection: Connection::new(config.addr, config.timeout),
                tally: Tally::default(),
                jar: BTreeMap::new(),
                ip: String::new(),
            };
            tokio::spawn(vu.run())
        })
        .collect();

    tokio::time::sleep_until(measured_start.into()).await;
    rss.after_warmup = config.runtime_pid.and_then(rss_kib);
    tokio::time::sleep_until(stop_at.into()).await;
    rss.at_end = config.runtime_pid.and_then(rss_kib);

    let mut tally = Tally::default();
    for user in users {
        let one = user.await.context("a virtual user panicked")?;
        tally.records.extend(one.records);
        tally.cycles += one.cycles;
        tally.connects += one.connects;
        tally.expected.sign_up_attempts += one.expected.sign_up_attempts;
        tally.expected.signed_up.extend(one.expected.signed_up);
        tally.expected.signed_out.extend(one.expected.signed_out);
        tally.expected.todos.extend(one.expected.todos);
        tally.examples.extend(one.examples);
    }
    let finished = t0.elapsed();
    let cut = match cutter {
        Some(cutter) => Some(cutter.await.context("the cut panicked")?),
        None => None,
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    rss.idle_after = config.runtime_pid.and_then(rss_kib);
    sampling.store(false, Ordering::Relaxed);
    let samples = match sampler {
        Some(sampler) => sampler.await.context("the RSS sampler panicked")?,
        None => Vec::new(),
    };
    let (from, to) = (config.warmup, config.warmup + config.duration);
    rss.windows = (0..6_u32)
        .map(|i| {
            let lo = from + (to - from) * i / 6;
            let hi = from + (to - from) * (i + 1) / 6;
            let mut window: Vec<u64> = samples
                .iter()
                .filter(|(t, _)| *t >= lo && *t <= hi)
                .map(|(_, kib)| *kib)
                .collect();
            window.sort_unstable();
            Some((*window.get(window.len() / 2)?, *window.last()?))
        })
        .collect();

    tally.records.sort_by_key(|r| r.start);
    let consistency = match &config.database {
        Some(database) => {
            tally.expected.email_like = format!("soak-{}-%@example.com", config.run);
            tally.expected.todo_like = format!("soak-{}-%", config.run);
            Some(
                consistency::check(database, &tally.expected)
                    .await
                    .map_err(|e| format!("{e:#}")),
            )
        }
        None => None,
    };
    Ok(Soak {
        measured_from: from,
        measured_to: to,
        config,
        records: tally.records,
        finished,
        cut,
        rss,
        cycles: tally.cycles,
        connects: tally.connects,
        consistency,
        examples: tally.examples,
    })
}

impl Soak {
    fn window(&self) -> Option<(Duration, Duration)> {
        match &self.cut {
            Some(Ok(window)) => Some(*window),
            _ => None,
        }
    }

    /// The phase of each request.
    fn phases(&self) -> impl Iterator<Item = (Phase, &Record)> {
        let window = self.window();
        self.records
            .iter()
            .map(move |r| (phase_of(r.start, r.end, self.measured_from, window), r))
    }

    /// Everything that breaks a soak property; empty when the run passed.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        let mut by_class: BTreeMap<&str, u64> = BTreeMap::new();
        for (phase, record) in self.phases() {
            if is_failure(&record.outcome, phase) {
                let class = match record.outcome {
                    Outcome::ServerError(_) if self.cut.is_some() => "5xx outside the cut",
                    Outcome::ServerError(_) => "5xx",
                    Outcome::RateLimited => "429 (no rate limit should be reached)",
                    Outcome::Wrong(_) => "wrong answers",
                    Outcome::Socket(_) => "socket errors",
                    Outcome::Timeout => "timeouts",
                    Outcome::Ok => continue,
                };
                *by_class.entry(class).or_default() += 1;
            }
        }
        for (class, n) in by_class {
            failures.push(format!("{n} {class}"));
        }
        let measured_ok = self
            .phases()
            .filter(|(phase, r)| *phase != Phase::WarmUp && r.outcome == Outcome::Ok)
            .count();
        if measured_ok == 0 {
            failures.push("no request succeeded in the measured period".to_owned());
        }
        match &self.cut {
            None => {}
            Some(Err(why)) => failures.push(format!("the cut could not be made: {why}")),
            Some(Ok(_)) => {
                // Every request needs the database (a sign-up both reads and writes
                // it), and failures after the cut are counted above.
                let recovered = self
                    .phases()
                    .any(|(phase, r)| phase == Phase::After && r.outcome == Outcome::Ok);
                if !recovered {
                    failures
                        .push("no recovery: no request sent after the cut succeeded".to_owned());
                }
                let proxy = matches!(
                    self.config.cut.as_ref().map(|c| &c.by),
                    Some(CutBy::Proxy(_))
                );
                let during_errors = self
                    .phases()
                    .filter(|(phase, r)| {
                        *phase == Phase::During && matches!(r.outcome, Outcome::ServerError(_))
                    })
                    .count();
                if proxy && during_errors == 0 {
                    failures.push(
                        "the cut caused no 5xx: is the app reaching PostgreSQL through the proxy?"
                            .to_owned(),
                    );
                }
            }
        }
        match &self.consistency {
            None => {}
            Some(Err(why)) => failures.push(format!("the consistency check failed: {why}")),
            Some(Ok(checks)) => {
                for check in checks.iter().filter(|c| !c.ok) {
                    failures.push(format!(
                        "inconsistent: {} = {} (expected {})",
                        check.what, check.found, check.expected
                    ));
                }
            }
        }
        failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn phases_by_overlap_with_the_cut() {
        let window = Some((10 * S, 15 * S));
        assert_eq!(phase_of(S, 2 * S, 5 * S, window), Phase::WarmUp);
        assert_eq!(phase_of(6 * S, 9 * S, 5 * S, window), Phase::Before);
        assert_eq!(phase_of(9 * S, 11 * S, 5 * S, window), Phase::During);
        assert_eq!(phase_of(12 * S, 13 * S, 5 * S, window), Phase::During);
        assert_eq!(phase_of(14 * S, 16 * S, 5 * S, window), Phase::During);
        assert_eq!(phase_of(16 * S, 17 * S, 5 * S, window), Phase::After);
        assert_eq!(phase_of(6 * S, 7 * S, 5 * S, None), Phase::Steady);
        // Sent in the warm-up, still running when the cut began.
        assert_eq!(phase_of(4 * S, 10 * S, 5 * S, window), Phase::During);
    }

    #[test]
    fn only_5xx_during_the_cut_are_forgiven() {
        let server = Outcome::ServerError(500);
        assert!(!is_failure(&server, Phase::During));
        for phase in [Phase::WarmUp, Phase::Steady, Phase::Before, Phase::After] {
            assert!(is_failure(&server, phase), "{phase:?}");
        }
        for outcome in [
            Outcome::RateLimited,
            Outcome::Wrong("x".to_owned()),
            Outcome::Socket("x".to_owned()),
            Outcome::Timeout,
        ] {
            assert!(is_failure(&outcome, Phase::During), "{outcome:?}");
        }
        assert!(!is_failure(&Outcome::Ok, Phase::Steady));
    }

    fn soak(records: Vec<Record>, cut: Option<CutResult>) -> Soak {
        Soak {
            config: Config {
                addr: SocketAddr::from(([127, 0, 0, 1], 1)),
                origin: String::new(),
                connections: 1,
                warmup: S,
                duration: 10 * S,
                reads: 1,
                run: "t".to_owned(),
                ip_block: 1,
                cut: cut.as_ref().map(|_| Cut {
                    at: 3 * S,
                    length: 2 * S,
                    by: CutBy::Proxy(SocketAddr::from(([127, 0, 0, 1], 1))),
                }),
                runtime_pid: None,
                database: None,
                timeout: S,
            },
            records,
            measured_from: S,
            measured_to: 11 * S,
            finished: 11 * S,
            cut,
            rss: Rss::default(),
            cycles: 0,
            connects: 0,
            consistency: None,
            examples: Vec::new(),
        }
    }

    fn record(kind: Kind, start: u64, outcome: Outcome) -> Record {
        Record {
            kind,
            start: Duration::from_millis(start),
            end: Duration::from_millis(start + 100),
            outcome,
        }
    }

    #[test]
    fn verdicts() {
        let ok = vec![record(Kind::GetSession, 2000, Outcome::Ok)];
        assert!(soak(ok.clone(), None).failures().is_empty());
        let mut with_5xx = ok.clone();
        with_5xx.push(record(Kind::SignIn, 3000, Outcome::ServerError(500)));
        assert_eq!(soak(with_5xx, None).failures(), vec!["1 5xx".to_owned()]);

        let window = Some(Ok((4 * S, 6 * S)));
        let during = vec![
            record(Kind::GetSession, 2000, Outcome::Ok),
            record(Kind::SignIn, 4500, Outcome::ServerError(503)),
            record(Kind::SignIn, 7000, Outcome::Ok),
            record(Kind::GetSession, 7200, Outcome::Ok),
        ];
        assert!(soak(during.clone(), window.clone()).failures().is_empty());
        let mut late = during.clone();
        late.push(record(Kind::PrivateData, 8000, Outcome::ServerError(500)));
        assert_eq!(
            soak(late, window.clone()).failures(),
            vec!["1 5xx outside the cut".to_owned()]
        );
        // Nothing sent after the cut succeeded: no recovery shown.
        let no_recovery: Vec<Record> = during.into_iter().filter(|r| r.start < 6 * S).collect();
        assert!(soak(no_recovery, window).failures()[0].starts_with("no recovery"));
    }
}
