//! `spin-test-runtime [--from <spin.toml>] [--listen <addr:port>] [--state-dir <dir>]
//! [--runtime-config-file <file>]`: serve an app like `spin up`.
//!
//! `spin-test-runtime compose [--from <spin.toml>] --out <dir>`: write the app as
//! `spin registry push` publishes it — each component composed with its dependencies,
//! and a manifest without dependency sections (see `precompose`).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use spin_test_runtime::App;
use spin_test_runtime::runtime_config::{Options, UserPath};
use spin_test_runtime::variables::EnvProvider;

const USAGE: &str = "usage: spin-test-runtime [--from <spin.toml>] [--listen <addr:port>] \
                     [--state-dir <dir>] [--runtime-config-file <file>]\n\
                     \x20 --state-dir <dir>              where the default SQLite database lives \
                     (<dir>/sqlite_db.db; \"\" = in memory; default <manifest dir>/.spin)\n\
                     \x20 --runtime-config-file <file>   Spin runtime config: state_dir, [sqlite_database.<label>]\n\
                     \x20      spin-test-runtime compose [--from <spin.toml>] --out <dir>\n\
                     \x20 compose each component with its dependencies as `spin registry push` does, into \
                     <dir>/<component>.wasm and <dir>/spin.toml (the app without dependency sections)";

const COMPOSE_USAGE: &str = "usage: spin-test-runtime compose [--from <spin.toml>] --out <dir>";

/// Command-line flags as `--flag value` or `--flag=value`, the way both commands take
/// them.
struct Flags<I> {
    args: I,
    usage: &'static str,
    /// The value written after `=` in the current flag, if any.
    inline: Option<String>,
}

impl<I: Iterator<Item = String>> Flags<I> {
    fn new(args: I, usage: &'static str) -> Self {
        Self {
            args,
            usage,
            inline: None,
        }
    }

    /// The next flag's name.
    fn next_flag(&mut self) -> Option<String> {
        let arg = self.args.next()?;
        Some(match arg.split_once('=') {
            Some((flag, value)) => {
                self.inline = Some(value.to_owned());
                flag.to_owned()
            }
            None => {
                self.inline = None;
                arg
            }
        })
    }

    /// The current flag's value: after its `=`, else the next argument.
    fn value(&mut self, flag: &str) -> anyhow::Result<String> {
        self.inline
            .take()
            .or_else(|| self.args.next())
            .with_context(|| format!("{flag} needs a value\n{}", self.usage))
    }
}

/// `spin up --from <dir>` reads the directory's spin.toml.
fn manifest_file(manifest: PathBuf) -> PathBuf {
    if manifest.is_dir() {
        manifest.join("spin.toml")
    } else {
        manifest
    }
}

/// `compose [--from <spin.toml>] --out <dir>`.
fn compose(args: impl Iterator<Item = String>) -> anyhow::Result<()> {
    let mut manifest = PathBuf::from("spin.toml");
    let mut out = None;
    let mut flags = Flags::new(args, COMPOSE_USAGE);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--from" | "-f" | "--file" => manifest = PathBuf::from(flags.value(&flag)?),
            "--out" | "-o" => out = Some(PathBuf::from(flags.value(&flag)?)),
            "-h" | "--help" => {
                println!("{COMPOSE_USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n{COMPOSE_USAGE}"),
        }
    }
    let out = out.with_context(|| format!("--out is required\n{COMPOSE_USAGE}"))?;
    let manifest = manifest_file(manifest);
    let composed = spin_test_runtime::precompose::compose_app(&manifest, &out)
        .with_context(|| format!("cannot compose the application in {}", manifest.display()))?;
    let mut stdout = std::io::stdout().lock();
    for c in &composed {
        if c.dependencies.is_empty() {
            writeln!(stdout, "{}: {} (no dependencies)", c.id, c.file.display())?;
        } else {
            writeln!(
                stdout,
                "{}: {} (composed with {})",
                c.id,
                c.file.display(),
                c.dependencies.join(", ")
            )?;
        }
    }
    writeln!(stdout, "Wrote {}", out.join("spin.toml").display())?;
    Ok(())
}

struct Args {
    manifest: PathBuf,
    listen: SocketAddr,
    runtime: Options,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut manifest = PathBuf::from("spin.toml");
    let mut listen: SocketAddr = ([127, 0, 0, 1], 3000).into();
    let mut runtime = Options::default();
    let mut flags = Flags::new(std::env::args().skip(1), USAGE);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--from" | "-f" | "--file" => manifest = PathBuf::from(flags.value(&flag)?),
            "--listen" => {
                let v = flags.value(&flag)?;
                listen = v
                    .parse()
                    .with_context(|| format!("--listen {v:?} is not an address:port"))?;
            }
            "--state-dir" => runtime.state_dir = UserPath::from_arg(&flags.value(&flag)?),
            "--runtime-config-file" => {
                runtime.runtime_config_file = Some(PathBuf::from(flags.value(&flag)?));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(Args {
        manifest: manifest_file(manifest),
        listen,
        runtime,
    })
}

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Like anyhow's report, without a backtrace: the causes are the useful part.
            eprintln!("Error: {e}");
            let mut causes = e.chain().skip(1).peekable();
            if causes.peek().is_some() {
                eprintln!("\nCaused by:");
                for cause in causes {
                    eprintln!("    {cause}");
                }
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some("compose") {
        argv.next();
        return compose(argv);
    }
    let args = parse_args()?;
    // Spin's environment provider reads `.env` relative to the working directory.
    let env = EnvProvider::from_process(std::path::Path::new(".env"));
    let app = App::load_with(&args.manifest, &[&env], &args.runtime).with_context(|| {
        format!(
            "cannot start the application in {}",
            args.manifest.display()
        )
    })?;
    for dup in &app.duplicates {
        eprintln!(
            "spin-test-runtime: duplicate route {} for {} is never used (duplicate of {})",
            dup.route, dup.replaced, dup.effective
        );
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("Unable to listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let app = Arc::new(app);
    let mut stdout = std::io::stdout().lock();
    if let Some(summary) = &app.sqlite_summary {
        writeln!(stdout, "{summary}")?;
    }
    stdout.write_all(spin_test_runtime::server::startup_message(&app, addr).as_bytes())?;
    stdout.flush()?;
    drop(stdout);
    tokio::select! {
        served = spin_test_runtime::server::serve(app, listener) => served.context("serving HTTP")?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
