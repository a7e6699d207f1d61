//! A small Spin-compatible runtime for this project's end-to-end tests and benchmarks.
//!
//! Spin cannot be installed where the tests run, so this crate serves the real compiled
//! components the way `spin up` (Spin 4.0.2) does wherever the app can observe it: the
//! manifest schema, route matching and `spin-*` headers, variables, component
//! dependencies, `allowed_outbound_hosts`, `spin:postgres@3.0.0`, and Spin's SQLite
//! (`fermyon:spin/sqlite@2.0.0`, `spin:sqlite/sqlite@3.0.0`, the state directory and
//! runtime config) with Spin's value conversions and error variants. It refuses manifests
//! Spin 3.6.3 would refuse, so the app keeps running on both Spin 3.x and 4.x. Each module
//! names the Spin source it follows.
//! It is a test tool: users run the app with the real `spin up`.

pub mod allowed_hosts;
pub mod app;
mod bindings;
pub mod compose;
pub mod manifest;
pub mod pg;
pub mod precompose;
pub mod routes;
pub mod runtime_config;
pub mod server;
pub mod sqlite;
pub mod state;
pub mod variables;

pub use app::{App, LoadError};
