//! A small Spin-compatible runtime for this project's end-to-end tests and benchmarks.
//!
//! Spin cannot be installed where the tests run, so this crate serves the real compiled
//! components the way `spin up` (Spin 4.0.2) does wherever the app can observe it: the
//! manifest schema, route matching and `spin-*` headers, variables, component
//! dependencies, `allowed_outbound_hosts`, and `spin:postgres@3.0.0` with Spin's value
//! conversions and error variants. Each module names the Spin source it follows.
//! It is a test tool: users run the app with the real `spin up`.

pub mod allowed_hosts;
pub mod app;
mod bindings;
pub mod compose;
pub mod manifest;
pub mod pg;
pub mod routes;
pub mod server;
pub mod state;
pub mod variables;

pub use app::{App, LoadError};
