//! Connection pools, one per connection string, as Spin's `PooledTokioClientFactory`.
//!
//! Spin builds a `deadpool-postgres` pool per address (64 connections, `Clean` recycling)
//! and connects without TLS only for `sslmode=disable`; for any other mode it negotiates
//! TLS with `native-tls`, verifying the server certificate. This runtime has no TLS client,
//! so it reproduces what the app can observe on this machine instead: with
//! `sslmode=disable` it connects in plain text; otherwise it asks the server whether it
//! offers TLS (the protocol's `SSLRequest`). A server that declines is used in plain text
//! (what `prefer` does; `require` then fails in tokio-postgres as in Spin). A server that
//! offers TLS makes the open fail, because Spin would then verify the certificate and a
//! local server's self-signed certificate fails that check — the reason DESIGN.md asks
//! for `sslmode=disable` on loopback databases.

use std::collections::HashMap;
use std::sync::Mutex;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_postgres::NoTls;
use tokio_postgres::config::{Host, SslMode};

/// Spin's `CONNECTION_POOL_SIZE`.
const POOL_SIZE: usize = 64;

/// The pools of one running app, keyed by connection string.
#[derive(Default)]
pub struct Pools {
    pools: Mutex<HashMap<String, Pool>>,
    /// Counts of the guests' calls (served only on request, see [`super::stats`]).
    pub stats: super::stats::PgStats,
}

impl Pools {
    /// A client from the pool for `address`, creating the pool on first use.
    ///
    /// # Errors
    ///
    /// A message for `connection-failed`: unparsable address, TLS refusal, or the
    /// connection itself failing.
    pub async fn get(&self, address: &str) -> Result<deadpool_postgres::Object, String> {
        let existing = self
            .pools
            .lock()
            .map_err(|_| "connection pool lock poisoned".to_owned())?
            .get(address)
            .cloned();
        let pool = match existing {
            Some(pool) => pool,
            None => {
                let pool = create_pool(address).await?;
                self.pools
                    .lock()
                    .map_err(|_| "connection pool lock poisoned".to_owned())?
                    .entry(address.to_owned())
                    .or_insert(pool)
                    .clone()
            }
        };
        pool.get().await.map_err(|e| format!("{e:?}"))
    }
}

async fn create_pool(address: &str) -> Result<Pool, String> {
    let config: tokio_postgres::Config = address
        .parse()
        .map_err(|e| format!("parsing Postgres connection string: {e:?}"))?;
    if config.get_ssl_mode() != SslMode::Disable && server_offers_tls(&config).await {
        return Err(
            "spin-test-runtime: the PostgreSQL server offers TLS and the connection string does not say \
             sslmode=disable. Spin 4 would negotiate TLS and verify the server certificate, which a local \
             self-signed certificate fails; add sslmode=disable for loopback databases (see DESIGN.md)"
                .to_owned(),
        );
    }
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Clean,
        },
    );
    Pool::builder(manager)
        .max_size(POOL_SIZE)
        .build()
        .map_err(|e| format!("building Postgres connection pool: {e:?}"))
}

/// Sends PostgreSQL's `SSLRequest` to the first TCP host and reports whether it says `S`.
/// An unreachable server reports false: the real connection attempt then fails with the
/// driver's own error.
async fn server_offers_tls(config: &tokio_postgres::Config) -> bool {
    let Some(Host::Tcp(host)) = config.get_hosts().first() else {
        return false;
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let probe = async {
        let mut stream = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
        // Length 8, request code 80877103.
        stream.write_all(&[0, 0, 0, 8, 4, 210, 22, 47]).await?;
        let mut answer = [0u8; 1];
        stream.read_exact(&mut answer).await?;
        std::io::Result::Ok(answer[0] == b'S')
    };
    matches!(
        tokio::time::timeout(std::time::Duration::from_secs(5), probe).await,
        Ok(Ok(true))
    )
}
