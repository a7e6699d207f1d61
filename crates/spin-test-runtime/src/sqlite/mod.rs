//! Spin's SQLite on the host: `fermyon:spin/sqlite@2.0.0` (spin-sdk's `sqlite` module) and
//! `spin:sqlite/sqlite@3.0.0` (its `sqlite3` module), matching Spin's `factor-sqlite` with
//! the in-process backend (`sqlite-inproc`) and runtime configuration (`crates/sqlite`).
//!
//! - [`config`]: which databases exist (runtime config, the default database in the state
//!   directory), start-up checks and the start-up line;
//! - [`connection`]: one guest connection over rusqlite, statements on the blocking pool,
//!   and an instance's table of at most 256 connections;
//! - [`convert`]: the values, results and error variant shared by every WIT version;
//! - [`host`]: the generated `Host*` traits: access control, then the connection;
//!   and the denying variant linked for dependencies that do not inherit configuration.

pub mod config;
pub mod connection;
pub mod convert;
mod host;

use std::collections::HashSet;
use std::sync::Arc;

use wasmtime::component::HasData;

pub use config::Databases;

/// What one component may open: the labels of its `sqlite_databases`, and the app's
/// databases.
#[derive(Debug, Clone)]
pub struct Access {
    /// The component's `sqlite_databases`.
    pub allowed: HashSet<String>,
    /// Every database of the app, by label.
    pub databases: Arc<Databases>,
}

/// Per-instance SQLite state.
pub struct SqliteState {
    access: Arc<Access>,
    connections: connection::Table,
    pools: Arc<crate::pg::Pools>,
}

impl SqliteState {
    /// Fresh state for one instance; `pools` carries the call counters.
    pub fn new(access: Arc<Access>, pools: Arc<crate::pg::Pools>) -> Self {
        Self {
            access,
            connections: connection::Table::default(),
            pools,
        }
    }
}

/// [`HasData`] marker for linking the SQLite interfaces with [`SqliteState`].
pub struct Sqlite;

impl HasData for Sqlite {
    type Data<'a> = &'a mut SqliteState;
}
