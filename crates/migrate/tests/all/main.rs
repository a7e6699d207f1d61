//! Integration tests of `spinstack-migrate` against a real PostgreSQL server, and on
//! SQLite files (`sqlite`, and `drizzle`: databases created by the real npm drizzle-kit
//! and better-auth from `tests/drizzle`).
//!
//! The server comes from `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`, a role that may create databases);
//! every test works in a throwaway database (or SQLite file) of its own, dropped when
//! the test ends, pass or fail. One test binary with modules, so it links once.

mod adopt;
mod apply;
mod cli;
mod drizzle;
mod refuse;
mod schema;
mod sqlite;
mod support;
