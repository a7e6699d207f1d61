//! `spinstack-bench`, the native helpers `bench/run` calls:
//!
//! - `hashrate [--seconds N] [--threads N]`: the native password check rate, as
//!   `key=value` lines;
//! - `pgbench-script`, `recycle-script`: the pgbench scripts of get-session's statement
//!   and of the pool's recycling batch;
//! - `soak --url URL …`: the soak (mixed workload, optional database cut, consistency
//!   check); writes its Markdown report to `--markdown FILE` and exits 1 when a property
//!   breaks;
//! - `timing --url URL …`: sign-in's time for unknown emails against wrong passwords;
//!   same report and exit status;
//! - `fault-proxy --target HOST:PORT`: a fault proxy in front of PostgreSQL, switched
//!   over a control port (see `spinstack_bench::proxy`).

use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use spinstack_bench::consistency::Database;
use spinstack_bench::soak::{self, Cut, CutBy};
use spinstack_bench::{hashrate, pgbench_script, proxy, recycle_script, timing};

const USAGE: &str = "usage: spinstack-bench
  hashrate [--seconds N] [--threads N]
  pgbench-script
  recycle-script
  soak --url http://HOST:PORT [--connections 32] [--warmup SECS] [--duration SECS] [--reads 3]
       [--cut-at SECS --cut-for SECS (--cut-proxy CONTROL_ADDR | --cut-sqlite FILE)]
       [--pid RUNTIME_PID] [--postgres URL | --sqlite FILE] [--run ID] [--ip-block N]
       [--origin ORIGIN] [--timeout SECS] [--markdown FILE]
  timing --url http://HOST:PORT [--requests 200] [--warmup 5] [--max-difference 0.10]
       [--run ID] [--ip-block N] [--origin ORIGIN] [--timeout SECS] [--markdown FILE]
  fault-proxy --target HOST:PORT";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("spinstack-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--flag value` pairs.
struct Flags(HashMap<String, String>);

impl Flags {
    fn parse(args: &[String], known: &[&str]) -> anyhow::Result<Self> {
        let mut flags = HashMap::new();
        let mut rest = args.iter();
        while let Some(flag) = rest.next() {
            let name = flag
                .strip_prefix("--")
                .filter(|name| known.contains(name))
                .ok_or_else(|| anyhow!("unknown argument {flag:?}\n{USAGE}"))?;
            let value = rest
                .next()
                .ok_or_else(|| anyhow!("{flag} needs a value\n{USAGE}"))?;
            flags.insert(name.to_owned(), value.clone());
        }
        Ok(Self(flags))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn parsed<T: std::str::FromStr>(&self, name: &str, default: T) -> anyhow::Result<T> {
        match self.get(name) {
            None => Ok(default),
            Some(value) => value
                .parse()
                .map_err(|_| anyhow!("--{name} {value:?} is not valid")),
        }
    }

    fn seconds(&self, name: &str, default: f64) -> anyhow::Result<Duration> {
        let seconds: f64 = self.parsed(name, default)?;
        Duration::try_from_secs_f64(seconds)
            .map_err(|_| anyhow!("--{name} {seconds} is out of range"))
    }

    fn required(&self, name: &str) -> anyhow::Result<&str> {
        self.get(name)
            .ok_or_else(|| anyhow!("--{name} is required\n{USAGE}"))
    }
}

/// The socket address of `http://host:port[/]`.
fn address_of(url: &str) -> anyhow::Result<SocketAddr> {
    let authority = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!("{url:?} is not an http:// URL"))?
        .trim_end_matches('/');
    authority
        .to_socket_addrs()
        .with_context(|| format!("resolving {authority}"))?
        .next()
        .ok_or_else(|| anyhow!("{authority} has no address"))
}

/// A run id for emails: the Unix time in milliseconds, base 36.
fn default_run_id() -> String {
    let mut n = spinstack_e2e::now_ms().unsigned_abs();
    let mut id = Vec::new();
    while n > 0 {
        let digit = u8::try_from(n % 36).unwrap_or(0);
        id.push(if digit < 10 {
            b'0' + digit
        } else {
            b'a' + digit - 10
        });
        n /= 36;
    }
    id.reverse();
    String::from_utf8(id).unwrap_or_default()
}

fn tokio_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting tokio")
}

fn write_markdown(flags: &Flags, markdown: &str) -> anyhow::Result<()> {
    match flags.get("markdown") {
        Some(file) => std::fs::write(file, markdown).with_context(|| format!("writing {file}")),
        None => {
            print!("{markdown}");
            Ok(())
        }
    }
}

fn verdict(what: &str, failures: &[String]) -> ExitCode {
    if failures.is_empty() {
        eprintln!("spinstack-bench {what}: pass");
        ExitCode::SUCCESS
    } else {
        for failure in failures {
            eprintln!("spinstack-bench {what}: FAILED: {failure}");
        }
        ExitCode::FAILURE
    }
}

fn run_soak(args: &[String]) -> anyhow::Result<ExitCode> {
    let flags = Flags::parse(
        args,
        &[
            "url",
            "connections",
            "warmup",
            "duration",
            "reads",
            "cut-at",
            "cut-for",
            "cut-proxy",
            "cut-sqlite",
            "pid",
            "postgres",
            "sqlite",
            "run",
            "ip-block",
            "origin",
            "timeout",
            "markdown",
        ],
    )?;
    let cut_by = match (flags.get("cut-proxy"), flags.get("cut-sqlite")) {
        (Some(control), None) => {
            Some(CutBy::Proxy(control.parse().map_err(|_| {
                anyhow!("--cut-proxy {control:?} is not an address")
            })?))
        }
        (None, Some(file)) => Some(CutBy::SqliteLock(PathBuf::from(file))),
        (None, None) => None,
        (Some(_), Some(_)) => bail!("--cut-proxy and --cut-sqlite exclude each other"),
    };
    let cut = match cut_by {
        Some(by) => Some(Cut {
            at: flags.seconds("cut-at", 0.0)?,
            length: flags.seconds("cut-for", 5.0)?,
            by,
        }),
        None => None,
    };
    let database = match (flags.get("postgres"), flags.get("sqlite")) {
        (Some(url), None) => Some(Database::Postgres(url.to_owned())),
        (None, Some(file)) => Some(Database::Sqlite(PathBuf::from(file))),
        (None, None) => None,
        (Some(_), Some(_)) => bail!("--postgres and --sqlite exclude each other"),
    };
    let config = soak::Config {
        addr: address_of(flags.required("url")?)?,
        origin: flags
            .get("origin")
            .unwrap_or("http://localhost:3001")
            .to_owned(),
        connections: flags.parsed("connections", 32)?,
        warmup: flags.seconds("warmup", 5.0)?,
        duration: flags.seconds("duration", 60.0)?,
        reads: flags.parsed("reads", 3)?,
        run: flags.get("run").map_or_else(default_run_id, str::to_owned),
        ip_block: flags.parsed("ip-block", 1)?,
        cut,
        runtime_pid: flags
            .get("pid")
            .map(str::parse)
            .transpose()
            .map_err(|_| anyhow!("bad --pid"))?,
        database,
        timeout: flags.seconds("timeout", 30.0)?,
    };
    if config.connections == 0 {
        bail!("--connections must be at least 1");
    }
    if let Some(cut) = &config.cut
        && cut.at + cut.length >= config.duration
    {
        bail!("the cut must end before the measured period does");
    }
    let result = tokio_runtime()?.block_on(soak::run(config))?;
    write_markdown(&flags, &result.markdown())?;
    for example in result.examples.iter().take(10) {
        eprintln!("spinstack-bench soak: e.g. {example}");
    }
    Ok(verdict("soak", &result.failures()))
}

fn run_timing(args: &[String]) -> anyhow::Result<ExitCode> {
    let flags = Flags::parse(
        args,
        &[
            "url",
            "requests",
            "warmup",
            "max-difference",
            "run",
            "ip-block",
            "origin",
            "timeout",
            "markdown",
        ],
    )?;
    let config = timing::Config {
        addr: address_of(flags.required("url")?)?,
        origin: flags
            .get("origin")
            .unwrap_or("http://localhost:3001")
            .to_owned(),
        requests: flags.parsed("requests", 200)?,
        warmup: flags.parsed("warmup", 5)?,
        run: flags.get("run").map_or_else(default_run_id, str::to_owned),
        ip_block: flags.parsed("ip-block", 200)?,
        timeout: flags.seconds("timeout", 30.0)?,
        max_difference: flags
            .get("max-difference")
            .map(str::parse)
            .transpose()
            .map_err(|_| anyhow!("bad --max-difference"))?,
    };
    let result = tokio_runtime()?.block_on(timing::run(config))?;
    write_markdown(&flags, &result.markdown())?;
    Ok(verdict("timing", &result.failures()))
}

fn run(args: Vec<String>) -> anyhow::Result<ExitCode> {
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("pgbench-script") => {
            print!("{}", pgbench_script().map_err(|e| anyhow!(e))?);
            Ok(ExitCode::SUCCESS)
        }
        Some("recycle-script") => {
            print!("{}", recycle_script().map_err(|e| anyhow!(e))?);
            Ok(ExitCode::SUCCESS)
        }
        Some("hashrate") => {
            let flags = Flags::parse(rest, &["seconds", "threads"])?;
            let duration = flags.seconds("seconds", 5.0)?;
            let threads = flags.parsed(
                "threads",
                std::thread::available_parallelism().map_or(1, usize::from),
            )?;
            let single = hashrate::measure(1, duration).map_err(|e| anyhow!(e))?;
            let all = hashrate::measure(threads, duration).map_err(|e| anyhow!(e))?;
            println!("parameters={}", hashrate::parameters());
            println!("single_thread_per_s={:.2}", single.per_second());
            println!("threads={}", all.threads);
            println!("all_threads_per_s={:.2}", all.per_second());
            Ok(ExitCode::SUCCESS)
        }
        Some("soak") => run_soak(rest),
        Some("timing") => run_timing(rest),
        Some("fault-proxy") => {
            let flags = Flags::parse(rest, &["target"])?;
            let target = flags.required("target")?;
            let target = target
                .to_socket_addrs()
                .with_context(|| format!("resolving {target}"))?
                .find(SocketAddr::is_ipv4)
                .ok_or_else(|| anyhow!("{target} has no IPv4 address"))?;
            proxy::serve(target)?;
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("{USAGE}"),
    }
}
