//! What spinstack's two migrators share: `spinstack-migrate` (PostgreSQL, native, over
//! tokio-postgres) and `spinstack-sqlite-schema` (SQLite, run by the app itself inside
//! its WebAssembly components). Everything here is host-independent — no I/O at run
//! time, no database client — so it compiles for `wasm32-wasip2` and costs the
//! components little.
//!
//! - [`embed`]: the build-script half — the `NNNN_name.sql` naming rule, and the
//!   generated list of a directory's migrations (`include_str!`, sorted, one version
//!   each).
//! - [`Migration`]: one numbered migration, its id (`0001_better_auth`) and the SHA-256
//!   checksum both ledgers record; [`Migration::statements`] splits drizzle-kit's
//!   `--> statement-breakpoint` files.
//! - [`ledger`]: the ledger table's name and the check of its rows against the
//!   migrations (an edited or unknown migration is refused).
//! - [`Report`]: what a run did, migration by migration, printed the same way by both.
//! - [`TableShape`] and [`differences`]: the shape of a table as each dialect reads it
//!   from its catalog, and the list of differences that adoption refuses with.
//! - [`message`]: the refusal sentences both migrators say the same way.

#![forbid(unsafe_code)]

mod compare;
pub mod embed;
mod file_name;
pub mod ledger;
pub mod message;
mod migration;
mod report;
mod shape;
mod statements;

pub use compare::differences;
pub use ledger::LEDGER_TABLE;
pub use migration::{Migration, OrderError, check_order};
pub use report::{Entry, Outcome, Report};
pub use shape::{Column, ForeignKey, TableShape};
pub use statements::{BREAKPOINT, Statement};
