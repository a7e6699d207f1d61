//! The per-request check: one query that tells the schema version (`PRAGMA
//! user_version`, kept equal to the ledger's latest version) and whether the database is
//! persistent (an empty `file` in `pragma_database_list` means in memory or temporary).

use spinstack_sql::{Cell, Connection};

use crate::SchemaError;

/// The one query of the fast path. Both subqueries always yield a value, so the query
/// always returns exactly one row.
pub(crate) const SQL: &str = "SELECT (SELECT user_version FROM pragma_user_version), \
     (SELECT file FROM pragma_database_list WHERE name = 'main')";

/// What the probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Probe {
    /// `PRAGMA user_version`.
    pub(crate) version: i64,
    /// Whether the main database is a file (not in memory, not temporary).
    pub(crate) persistent: bool,
}

/// Runs the probe.
pub(crate) fn run(conn: &(impl Connection + ?Sized)) -> Result<Probe, SchemaError> {
    let context = "checking the schema version";
    let rows = conn.query(SQL, &[]).map_err(SchemaError::db(context))?;
    let row = rows.first().ok_or_else(|| SchemaError::Database {
        context: context.to_owned(),
        cause: spinstack_sql::SqlError::Decode("the probe returned no row".to_owned()),
    })?;
    let version = row.i64(0).map_err(SchemaError::db(context))?;
    // The result on libsql is unverified (sqlite-and-deploy.md §2.4): only a non-empty
    // file name counts as persistent, as the contract says.
    let persistent = matches!(row.cell(1), Ok(Cell::Text(file)) if !file.is_empty());
    Ok(Probe {
        version,
        persistent,
    })
}
