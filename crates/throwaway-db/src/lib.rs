//! Test support shared by every crate whose tests need PostgreSQL: a throwaway database
//! per test on the server named by `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), created empty under a name unique to
//! the process and test, and dropped when the guard is dropped, pass or fail. Databases
//! that killed test processes left behind (their pid is in the name) are dropped by
//! the next run's first database. Migrating is the caller's business.

#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::Context as _;
use tokio_postgres::{Client, NoTls};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The server the tests use: `DATABASE_URL`, else the local one.
pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Connects to `url`, running the connection on the current tokio runtime.
///
/// # Errors
/// When the server cannot be reached or refuses the connection.
pub async fn connect(url: &str) -> anyhow::Result<Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.with_context(|| {
        format!("connecting to {url} (is PostgreSQL running? set DATABASE_URL)")
    })?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("postgres connection: {e}");
        }
    });
    Ok(client)
}

/// An empty database of one test's own, dropped (from another connection) on `Drop`.
#[derive(Debug)]
pub struct ThrowawayDb {
    name: String,
    url: url::Url,
}

impl ThrowawayDb {
    /// Creates `<prefix><pid>_<n>`, after dropping this prefix's leftovers from dead
    /// processes.
    ///
    /// # Errors
    /// When the server is unreachable or refuses to create the database.
    pub async fn create(prefix: &str) -> anyhow::Result<Self> {
        let admin = connect(&server_url()).await?;
        drop_leftovers(&admin, prefix).await;
        let name = format!(
            "{prefix}{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .with_context(|| format!("creating database {name}"))?;
        let url = with_database(&server_url(), &name)?;
        Ok(Self { name, url })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its URL (the server's, with this database).
    pub fn url(&self) -> &url::Url {
        &self.url
    }

    /// A new connection to it.
    ///
    /// # Errors
    /// As [`connect`].
    pub async fn connect(&self) -> anyhow::Result<Client> {
        connect(self.url.as_str()).await
    }
}

impl Drop for ThrowawayDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which must not be blocked on; a thread
        // with a runtime of its own can.
        let dropped = std::thread::spawn(move || drop_database(&name)).join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}: {dropped:?}", self.name);
        }
    }
}

/// `server` (a `postgres://` URL) naming database `name` instead, its query kept.
fn with_database(server: &str, name: &str) -> anyhow::Result<url::Url> {
    let mut url = url::Url::parse(server).context("DATABASE_URL is not a URL")?;
    url.set_path(&format!("/{name}"));
    Ok(url)
}

fn drop_database(name: &str) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            connect(&server_url())
                .await?
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
            Ok(())
        })
}

/// Drops `<prefix><pid>_*` databases whose process is gone (best effort).
async fn drop_leftovers(admin: &Client, prefix: &str) {
    let Ok(rows) = admin
        .query(
            "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)",
            &[&prefix],
        )
        .await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        if process_is_gone(&name, prefix) {
            let _ = admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}

/// Whether the process whose pid `name` carries after `prefix` has exited (only
/// known on Linux; elsewhere nothing is swept).
fn process_is_gone(name: &str, prefix: &str) -> bool {
    let pid = name
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok());
    cfg!(target_os = "linux")
        && pid.is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() -> anyhow::Result<()> {
        let url = |server: &str| with_database(server, "x").map(String::from);
        assert_eq!(
            url("postgres://postgres@127.0.0.1:5432/postgres")?,
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            url("postgresql://u:p@h/db?sslmode=disable")?,
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert_eq!(url("postgres://h")?, "postgres://h/x");
        assert!(url("not a url").is_err());
        Ok(())
    }

    #[test]
    fn only_dead_processes_are_swept() {
        let own = format!("t_{}_3", std::process::id());
        assert!(!process_is_gone(&own, "t_"));
        assert!(!process_is_gone("t_notapid_1", "t_"));
        assert!(!process_is_gone("other_1_1", "t_"));
        if cfg!(target_os = "linux") {
            assert!(process_is_gone(&format!("t_{}_0", u32::MAX), "t_"));
        }
    }

    #[tokio::test]
    async fn created_then_dropped() -> anyhow::Result<()> {
        let name = {
            let db = ThrowawayDb::create("spinstack_throwaway_t_").await?;
            let client = db.connect().await?;
            let one: i32 = client.query_one("SELECT 1", &[]).await?.get(0);
            assert_eq!(one, 1);
            db.name().to_owned()
        };
        let admin = connect(&server_url()).await?;
        let left: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname = $1",
                &[&name],
            )
            .await?
            .get(0);
        assert_eq!(left, 0, "{name} is dropped");
        Ok(())
    }
}
