//! Harness for the end-to-end tests: the compiled components (`spin build` output)
//! served by `spin-test-runtime` against a throwaway PostgreSQL database, driven over
//! real HTTP.
//!
//! - [`db`]: a fresh database per test, migrated with `spinstack-migrate`, dropped after.
//! - [`app`]: the app on the runtime, started like `spin up` with `SPIN_VARIABLE_*`.
//! - [`http`]: a tiny HTTP/1.1 client that sends exactly the headers a test gives.
//! - [`cookies`]: an independent signer for Better Auth cookies, so tests do not trust
//!   the code under test to produce their inputs.

#![forbid(unsafe_code)]

pub mod app;
pub mod composed;
pub mod cookies;
pub mod db;
pub mod fault_proxy;
pub mod http;

/// Milliseconds since the Unix epoch (for seeding rows relative to now).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0))
}

/// The repository root (where `spin.toml` lives).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}
