//! Opt-in counts of the guests' PostgreSQL and SQLite calls and of the component requests
//! they came from, for the benchmarks (`bench/run`) to report database round trips per
//! request. Not part of Spin: with
//! `SPIN_TEST_RUNTIME_PG_STATS=1` the runtime serves the counts as JSON at
//! `/.well-known/spin/pg-stats` (the runtime's own namespace); without it that path is
//! a 404 as before. Counting itself is a relaxed atomic add and always on.
//!
//! What one call costs on the wire, here as in Spin (both run tokio-postgres behind a
//! `deadpool-postgres` pool with `Clean` recycling): an `open` takes a pooled client,
//! which runs the recycling batch (one round trip) unless the client is new; a `query`
//! or `execute` of a statement string prepares it (one round trip) then binds and runs
//! it (another). A SQLite `open` only creates the connection (SQLite opens the file at
//! the first statement); each `execute` is one statement.

use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that makes the runtime serve the counts.
pub const ENV: &str = "SPIN_TEST_RUNTIME_PG_STATS";

/// Whether [`ENV`] asks for the counts to be served.
pub fn enabled() -> bool {
    std::env::var_os(ENV).is_some_and(|value| value == "1")
}

/// Counts of guest calls since start-up.
#[derive(Debug, Default)]
pub struct PgStats {
    requests: AtomicU64,
    opens: AtomicU64,
    queries: AtomicU64,
    executes: AtomicU64,
    sqlite_opens: AtomicU64,
    sqlite_queries: AtomicU64,
}

/// Which call to count.
#[derive(Debug, Clone, Copy)]
pub enum Call {
    /// A request routed to a component.
    Request,
    /// `connection.open`.
    Open,
    /// `connection.query`.
    Query,
    /// `connection.execute`.
    Execute,
    /// SQLite `connection.open` (any interface version).
    SqliteOpen,
    /// SQLite `connection.execute` (any interface version).
    SqliteQuery,
}

impl PgStats {
    /// Counts one call.
    pub fn record(&self, call: Call) {
        let counter = match call {
            Call::Request => &self.requests,
            Call::Open => &self.opens,
            Call::Query => &self.queries,
            Call::Execute => &self.executes,
            Call::SqliteOpen => &self.sqlite_opens,
            Call::SqliteQuery => &self.sqlite_queries,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// `{"requests":…,"opens":…,"queries":…,"executes":…,"sqlite_opens":…,"sqlite_queries":…}`.
    pub fn json(&self) -> String {
        format!(
            "{{\"requests\":{},\"opens\":{},\"queries\":{},\"executes\":{},\"sqlite_opens\":{},\"sqlite_queries\":{}}}",
            self.requests.load(Ordering::Relaxed),
            self.opens.load(Ordering::Relaxed),
            self.queries.load(Ordering::Relaxed),
            self.executes.load(Ordering::Relaxed),
            self.sqlite_opens.load(Ordering::Relaxed),
            self.sqlite_queries.load(Ordering::Relaxed)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_call_kind() {
        let stats = PgStats::default();
        stats.record(Call::Request);
        stats.record(Call::Open);
        stats.record(Call::Query);
        stats.record(Call::Query);
        stats.record(Call::SqliteOpen);
        stats.record(Call::SqliteQuery);
        stats.record(Call::SqliteQuery);
        stats.record(Call::SqliteQuery);
        assert_eq!(
            stats.json(),
            r#"{"requests":1,"opens":1,"queries":2,"executes":0,"sqlite_opens":1,"sqlite_queries":3}"#
        );
    }
}
