//! `spinstack-migrate`: applies spinstack's embedded migrations to a PostgreSQL database
//! or a SQLite file (adopting an existing Better-T-Stack one) and prints what it did.

mod tls;

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::{Client, Config, NoTls};

const USAGE: &str = "\
usage: spinstack-migrate [--database-url URL]

Applies the migrations built into this binary, in order, to the database at URL
(default: the DATABASE_URL environment variable). Running it again is a no-op.

PostgreSQL: postgres://user:password@localhost:5432/app. A database created by
Better-T-Stack (drizzle-kit db:push) is adopted when its Better Auth tables match
migration 0001. sslmode means what it means to psql: disable; prefer (default) and
require encrypt without checking the server's certificate; verify-full (or verify-ca)
also checks it against the public (Mozilla) roots and the host name.

SQLite: file:PATH or sqlite:PATH (relative to the current directory unless absolute;
also file:///ABS/PATH and sqlite://PATH), e.g. file:local.db or file:.spin/sqlite_db.db.
Runs the app's own SQLite migrator (the one it runs on its first request), creating the
file if it does not exist; a Better-T-Stack SQLite database (drizzle-kit db:push, 0.31
or 1.0) is adopted when its Better Auth tables match. Remote libSQL/Turso databases are
migrated by the app itself.

options:
  --database-url URL   the database to migrate (overrides DATABASE_URL)
  -h, --help           print this help
  -V, --version        print the version";

/// What the command line asks for.
enum Command {
    Migrate(Option<String>),
    Help,
    Version,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> anyhow::Result<Command> {
    let mut url = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--database-url" => {
                url = Some(args.next().context("--database-url needs a value")?);
            }
            _ => match arg.strip_prefix("--database-url=") {
                Some(value) => url = Some(value.to_owned()),
                None => bail!("unknown argument {arg:?}"),
            },
        }
    }
    Ok(Command::Migrate(url))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let command = match parse_args(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(err) => {
            eprintln!("spinstack-migrate: {err:#}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let url = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("spinstack-migrate {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Command::Migrate(url) => url,
    };
    match run(url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("spinstack-migrate: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(url: Option<String>) -> anyhow::Result<()> {
    let url = match url {
        Some(url) => url,
        None => std::env::var("DATABASE_URL")
            .ok()
            .context("no database given: set DATABASE_URL or pass --database-url URL")?,
    };
    if let Some(path) = spinstack_migrate::sqlite::file_from_url(&url)? {
        return run_sqlite(&path);
    }
    // Never echo the URL itself: it may hold a password.
    let (config, verification) = tls::parse(&url)?;
    let target = describe(&config);
    let (mut client, connection) = connect(&config, verification)
        .await
        .with_context(|| format!("connecting to {target}"))?;

    println!(
        "migrating {target} ({})",
        transport(&client, verification).await
    );
    let report = spinstack_migrate::migrate(&mut client)
        .await
        .with_context(|| format!("migrating {target}"))?;
    println!("{report}");

    drop(client);
    // The connection ends when the client is dropped; a late error is not the run's.
    let _ = connection.await;
    Ok(())
}

/// Migrates the SQLite file at `path` (a local path: printing it reveals no secret).
fn run_sqlite(path: &std::path::Path) -> anyhow::Result<()> {
    let target = format!("SQLite database {:?}", path.display().to_string());
    let state = if path.exists() {
        "existing file"
    } else {
        "new file"
    };
    println!("migrating {target} ({state})");
    let report = spinstack_migrate::sqlite::migrate_sqlite_file(path)
        .with_context(|| format!("migrating {target}"))?;
    println!("{report}");
    Ok(())
}

/// How the connection is secured, as the server sees it (`pg_stat_ssl`); behind a
/// connection pooler this describes the pooler's own connection, so it is best effort.
async fn transport(client: &Client, verification: tls::Verification) -> String {
    let row = client
        .query_one(
            "SELECT ssl, coalesce(version, '') FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .and_then(|row| Ok((row.try_get::<_, bool>(0)?, row.try_get::<_, String>(1)?)));
    match row {
        Ok((true, version)) => match verification {
            tls::Verification::Full => format!("{version}, server certificate verified"),
            tls::Verification::EncryptOnly => {
                format!("{version}, server certificate not verified")
            }
        },
        Ok((false, _)) => "not encrypted".to_owned(),
        Err(_) => "encryption unknown".to_owned(),
    }
}

/// Connects with TLS as `sslmode` asks; the connection runs on its own task, and a
/// late error there is not the run's (the client reports what matters).
async fn connect(
    config: &Config,
    verification: tls::Verification,
) -> anyhow::Result<(Client, tokio::task::JoinHandle<()>)> {
    if config.get_ssl_mode() == SslMode::Disable {
        let (client, connection) = config.connect(NoTls).await?;
        let task = tokio::spawn(async move {
            let _ = connection.await;
        });
        return Ok((client, task));
    }
    let (client, connection) = config.connect(tls::connector(verification)?).await?;
    let task = tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok((client, task))
}

/// `database "app" on localhost:5432`, without user or password.
fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let host = match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(i).or(config.get_ports().first()) {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }
        })
        .collect();
    let database = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("(default)");
    let hosts = if hosts.is_empty() {
        "the default host".to_owned()
    } else {
        hosts.join(",")
    };
    format!("database {database:?} on {hosts}")
}
