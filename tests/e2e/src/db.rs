//! A throwaway PostgreSQL database per test (`spinstack-throwaway-db`: on the server
//! named by `DATABASE_URL`, dropped when the test ends, pass or fail), migrated with
//! `spinstack-migrate`, with the connection string and host the app is given.

use anyhow::Context;
use spinstack_throwaway_db::ThrowawayDb;
use tokio_postgres::Client;

pub use spinstack_throwaway_db::server_url;

/// A fresh, migrated database, dropped on `Drop`.
pub struct TestDb {
    /// A connection to it for seeding and checking rows.
    pub client: Client,
    db: ThrowawayDb,
}

impl TestDb {
    /// Creates and migrates a new database.
    ///
    /// # Errors
    /// When PostgreSQL is unreachable or the migration fails.
    pub async fn create() -> anyhow::Result<Self> {
        let db = ThrowawayDb::create("spinstack_e2e_").await?;
        let mut client = db.connect().await?;
        spinstack_migrate::migrate(&mut client)
            .await
            .context("migrating the test database")?;
        Ok(Self { client, db })
    }

    /// The connection string the app gets as `database_url`.
    pub fn url(&self) -> String {
        let mut url = self.db.url().clone();
        url.query_pairs_mut().append_pair("sslmode", "disable");
        url.to_string()
    }

    /// The database's host as `allowed_outbound_hosts` must name it.
    pub fn host(&self) -> String {
        self.db.url().host_str().unwrap_or("localhost").to_owned()
    }

    /// The database's port.
    pub fn port(&self) -> u16 {
        self.db.url().port().unwrap_or(5432)
    }
}
