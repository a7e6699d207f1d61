//! spinstack's SQLite schema, applied by the app itself on first use.
//!
//! The numbered files of the workspace's `migrations/sqlite/` directory
//! (`NNNN_name.sql`, statements separated by drizzle's `--> statement-breakpoint`) are
//! embedded at compile time. [`ensure_migrated`] is what the app runs at the first
//! database use of each request, through the [`spinstack_sql::Connection`] seam — inside
//! WebAssembly over Spin's SQLite, or natively over rusqlite:
//!
//! - **Up to date: one query.** `PRAGMA user_version` (kept equal to the ledger's latest
//!   version) and the main database's file name, read together.
//! - **In memory** (empty file name): [`SchemaError::InMemory`], the configuration
//!   error of sqlite-and-deploy.md §2.4, since no session could outlive a request.
//! - **Behind:** one `BEGIN IMMEDIATE` transaction that re-reads the ledger
//!   `spinstack_migrations` ([`LEDGER_TABLE`]) — so racing instances queue on the write
//!   lock and the later ones find the work done — applies each pending migration one
//!   statement per `execute`, records it, sets `user_version`, and commits; then
//!   `PRAGMA journal_mode=WAL` (after the commit, so that a refused or failed run leaves
//!   the file exactly as it was). Any failure rolls everything back. A migration edited
//!   after it was applied is refused ([`SchemaError::ChecksumMismatch`]) whenever the
//!   migrator runs (the one-query check trusts `user_version`).
//!
//! **Adoption.** A database that Better-T-Stack created (drizzle-kit 0.31 or 1.0
//! `db:push` of the template's SQLite/Turso auth schema) has Better Auth's four tables
//! and no ledger. When their shape — columns, declared types, nullability, defaults,
//! primary keys, unique and plain indexes, foreign keys with their actions, whatever
//! the names and statement order, and ignoring `NOT NULL` on the text ids — equals what
//! `0001` creates, `0001` is recorded as adopted without touching any row and the later
//! migrations run normally. Otherwise the run is refused with every difference listed
//! ([`SchemaError::ShapeMismatch`]) and nothing changes.
//!
//! What does not depend on SQLite — the [`Migration`] type and its checksum, the
//! ledger check, the [`Report`] and the shape comparison — comes from
//! `spinstack-migrations`, shared with `spinstack-migrate`.
//!
//! ```no_run
//! # fn example(conn: &impl spinstack_sql::Connection) -> Result<(), spinstack_sqlite_schema::SchemaError> {
//! use spinstack_sqlite_schema::{Status, ensure_migrated};
//! if let Status::Migrated(report) = ensure_migrated(conn)? {
//!     if report.changed() {
//!         println!("{report}");
//!     }
//! }
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod adopt;
mod error;
mod expected;
mod files;
mod ledger;
mod probe;
mod run;
mod shape;
mod status;

pub use error::{IN_MEMORY_MESSAGE, SchemaError};
pub use files::embedded;
// Shared with spinstack-migrate: one Migration type (and checksum), one report format.
pub use spinstack_migrations::{
    BREAKPOINT, Entry, LEDGER_TABLE, Migration, Outcome, Report, Statement,
};
pub use status::Status;

use spinstack_sql::Connection;

/// Brings the database `conn` is connected to up to date with the embedded migrations
/// ([`embedded`]); costs one query when it already is. Call it at the first database use
/// of a request, outside any transaction.
///
/// # Errors
///
/// [`SchemaError::InMemory`] for an in-memory or temporary database;
/// [`SchemaError::ShapeMismatch`], [`SchemaError::ChecksumMismatch`],
/// [`SchemaError::UnknownApplied`] and [`SchemaError::NewerSchema`] refuse without
/// changing anything; [`SchemaError::MigrationFailed`] and [`SchemaError::Database`]
/// (e.g. `database is locked` after the busy timeout) leave the database as it was.
pub fn ensure_migrated<C: Connection + ?Sized>(conn: &C) -> Result<Status, SchemaError> {
    run::ensure(conn, embedded())
}

/// [`ensure_migrated`] with another list of migrations, in increasing version order.
/// Adoption is considered only when the first one is the embedded `0001`. Meant for
/// tests of migration behaviour.
///
/// # Errors
///
/// As [`ensure_migrated`], plus [`SchemaError::InvalidMigrations`] for a list out of
/// order.
pub fn ensure_migrated_with<C: Connection + ?Sized>(
    conn: &C,
    migrations: &[Migration],
) -> Result<Status, SchemaError> {
    run::ensure(conn, migrations)
}

/// Runs the migrator even when `user_version` says the schema is up to date: takes the
/// write lock, checks every recorded checksum, and reports every migration. For tools
/// (`spinstack-migrate --database-url file:…`), not for the per-request path.
///
/// # Errors
///
/// As [`ensure_migrated`].
pub fn migrate<C: Connection + ?Sized>(conn: &C) -> Result<Report, SchemaError> {
    run::migrate(conn, embedded())
}

/// [`migrate`] with another list of migrations, in increasing version order.
///
/// # Errors
///
/// As [`ensure_migrated_with`].
pub fn migrate_with<C: Connection + ?Sized>(
    conn: &C,
    migrations: &[Migration],
) -> Result<Report, SchemaError> {
    run::migrate(conn, migrations)
}
