//! A throwaway PostgreSQL database per test: created on the server named by
//! `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`), migrated
//! with `spinstack-migrate`, and dropped when the test ends, pass or fail. Databases
//! left by a killed test run are dropped by the next run.

use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::Context;
use tokio_postgres::{Client, NoTls};

const PREFIX: &str = "spinstack_e2e_";
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The server the tests use.
pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// `server_url` with its database replaced by `name`.
fn url_for(name: &str) -> anyhow::Result<url::Url> {
    let mut url = url::Url::parse(&server_url()).context("DATABASE_URL is not a URL")?;
    url.set_path(&format!("/{name}"));
    Ok(url)
}

async fn connect(url: &str) -> anyhow::Result<Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .with_context(|| "connecting to PostgreSQL (is it running? set DATABASE_URL)")?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("postgres connection: {e}");
        }
    });
    Ok(client)
}

/// A fresh, migrated database, dropped on `Drop`.
pub struct TestDb {
    name: String,
    url: url::Url,
    /// A connection to it for seeding and checking rows.
    pub client: Client,
}

impl TestDb {
    /// Creates and migrates a new database.
    ///
    /// # Errors
    /// When PostgreSQL is unreachable or the migration fails.
    pub async fn create() -> anyhow::Result<Self> {
        let admin = connect(&server_url()).await?;
        drop_leftovers(&admin).await;
        let name = format!(
            "{PREFIX}{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .with_context(|| format!("creating database {name}"))?;
        let url = url_for(&name)?;
        let mut client = connect(url.as_str()).await?;
        spinstack_migrate::migrate(&mut client)
            .await
            .context("migrating the test database")?;
        Ok(Self { name, url, client })
    }

    /// The connection string the app gets as `database_url`.
    pub fn url(&self) -> String {
        let mut url = self.url.clone();
        url.query_pairs_mut().append_pair("sslmode", "disable");
        url.to_string()
    }

    /// The database's host as `allowed_outbound_hosts` must name it.
    pub fn host(&self) -> String {
        self.url.host_str().unwrap_or("localhost").to_owned()
    }

    /// The database's port.
    pub fn port(&self) -> u16 {
        self.url.port().unwrap_or(5432)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime: use a thread with its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let admin = connect(&server_url()).await?;
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await?;
                anyhow::Ok(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// Drops `spinstack_e2e_<pid>_*` databases whose process is gone.
async fn drop_leftovers(admin: &Client) {
    let Ok(rows) = admin
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE $1",
            &[&format!("{PREFIX}%")],
        )
        .await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let pid = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        let alive = pid.is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}
