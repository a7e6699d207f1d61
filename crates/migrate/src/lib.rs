//! spinstack's database migrations for PostgreSQL, and the same tool for SQLite files.
//!
//! The numbered files of the workspace's `migrations/` directory (`NNNN_name.sql`) are
//! embedded at compile time and applied in order to the connection's current schema.
//! Each migration commits together with its row in the ledger table
//! `spinstack_migrations` ([`LEDGER_TABLE`]) (version, name, checksum, adopted,
//! applied_at); concurrent runs wait for each other on an advisory lock
//! ([`LOCK_KEY`]); a second run is a no-op; a migration edited after it was applied is
//! refused.
//!
//! **Adoption.** A database that Better-T-Stack already created (drizzle-kit's
//! `db:push`) has Better Auth's tables but no ledger. When every table of the baseline
//! migration `0001` exists with the shape `0001` would create — columns, types,
//! nullability, defaults, primary key, unique and plain indexes, foreign keys with their
//! actions, whatever the constraint names — `0001` is recorded as adopted without
//! touching any row, and later migrations run normally. Some tables missing, or a shape
//! that differs, is refused with every difference listed, and nothing is changed.
//!
//! **SQLite.** A `file:` (or `sqlite:`) database URL names a SQLite file
//! ([`sqlite::file_from_url`]); [`sqlite::migrate_sqlite_file`] runs the app's own
//! migrator on it (`spinstack-sqlite-schema`: the files of `migrations/sqlite/`, its
//! ledger and its adoption of Better-T-Stack's SQLite/Turso schema), natively.
//!
//! What does not depend on PostgreSQL — the [`Migration`] type and its checksum, the
//! ledger check, the [`Report`] and the shape comparison — comes from
//! `spinstack-migrations`, shared with `spinstack-sqlite-schema`.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let (mut client, connection) =
//!     tokio_postgres::connect("postgres://postgres@127.0.0.1/app", tokio_postgres::NoTls).await?;
//! tokio::spawn(connection);
//! let report = spinstack_migrate::migrate(&mut client).await?;
//! println!("{report}");
//! # Ok(()) }
//! ```

mod adopt;
mod error;
mod files;
mod ledger;
mod lock;
mod run;
mod shape;
pub mod sqlite;

pub use error::MigrateError;
pub use files::embedded;
pub use lock::KEY as LOCK_KEY;
// Shared with spinstack-sqlite-schema: one Migration type (and checksum), one ledger
// table, one report format.
pub use spinstack_migrations::{Entry, LEDGER_TABLE, Migration, Outcome, Report};

/// Applies the embedded migrations ([`embedded`]) to the database `client` is connected
/// to, adopting an existing Better-T-Stack schema when there is no ledger yet.
///
/// Waits while another run holds the lock. Uses `client` for transactions, so it must
/// not be inside one.
///
/// # Errors
///
/// Refusals ([`MigrateError::PartialSchema`], [`MigrateError::ShapeMismatch`],
/// [`MigrateError::ChecksumMismatch`], [`MigrateError::UnknownApplied`]) change nothing.
/// A failing migration ([`MigrateError::MigrationFailed`]) is rolled back, with the
/// migrations before it committed.
pub async fn migrate(client: &mut tokio_postgres::Client) -> Result<Report, MigrateError> {
    migrate_with(client, embedded()).await
}

/// [`migrate`] with another list of migrations, in increasing version order; the first
/// one is the baseline that may be adopted. Meant for tests of migration behaviour.
///
/// # Errors
///
/// As [`migrate`], plus [`MigrateError::InvalidMigrations`] for a list out of order.
pub async fn migrate_with(
    client: &mut tokio_postgres::Client,
    migrations: &[Migration],
) -> Result<Report, MigrateError> {
    run::run(client, migrations).await
}
