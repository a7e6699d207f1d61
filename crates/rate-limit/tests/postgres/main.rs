//! Integration tests of the limiter's SQL against a real PostgreSQL server.
//!
//! The server comes from `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`, a role that may create databases);
//! every test works in a throwaway database of its own, migrated with
//! `spinstack_migrate::migrate` and dropped when the test ends, pass or fail. One test
//! binary with modules, so it links once.

mod hit;
mod support;
mod sweep;
