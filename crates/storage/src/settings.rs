//! [`SettingsStore`]: the app's own settings in `spinstack_settings(name text primary
//! key, value text not null)`, e.g. the development secret generated on the first run
//! and kept across restarts (spec sqlite-and-deploy.md §3.2).
//!
//! `get_or_insert` reads first (one row, the common case once the value exists), and
//! only when the name is missing runs one upsert that either inserts the candidate or
//! — when another instance got there first — touches nothing but returns the stored
//! value: `ON CONFLICT (name) DO UPDATE SET value = <the stored value> RETURNING value`.
//! Unlike `DO NOTHING`, which returns no row on a conflict (and whose follow-up read
//! may not yet see a row committed after the statement's snapshot on PostgreSQL), the
//! no-op update always returns exactly one row, the stored one: on PostgreSQL it waits
//! for a racing insert and reads the committed row; SQLite serialises writers. Racing
//! instances therefore all end with the same value. The statements are the same in
//! both dialects but for the parameter markers.

use spinstack_sql::{Connection, Dialect, Param, SqlError};

use crate::{Store, StoreError, error::failed};

/// Settings that survive restarts.
pub trait SettingsStore {
    /// The value stored for `name`; when there is none, stores `candidate` and returns
    /// it. Atomic: instances racing with different candidates all get the one that was
    /// stored first.
    ///
    /// # Errors
    /// When the backend fails.
    fn get_or_insert(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}

/// The statements of one dialect.
struct Statements {
    /// `$1` name → its value, or NULL; exactly one row.
    get: &'static str,
    /// `$1` name, `$2` candidate → the stored value; exactly one row.
    insert_or_get: &'static str,
}

const POSTGRES: Statements = Statements {
    get: "SELECT s.value FROM (SELECT 1) AS one LEFT JOIN spinstack_settings AS s ON s.name = $1",
    insert_or_get: "INSERT INTO spinstack_settings (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = spinstack_settings.value
RETURNING value",
};

const SQLITE: Statements = Statements {
    get: "SELECT s.value FROM (SELECT 1) AS one LEFT JOIN spinstack_settings AS s ON s.name = ?1",
    insert_or_get: "INSERT INTO spinstack_settings (name, value) VALUES (?1, ?2)
ON CONFLICT (name) DO UPDATE SET value = spinstack_settings.value
RETURNING value",
};

fn statements(dialect: Dialect) -> &'static Statements {
    match dialect {
        Dialect::Postgres => &POSTGRES,
        Dialect::Sqlite => &SQLITE,
    }
}

impl<C: Connection> SettingsStore for Store<C> {
    fn get_or_insert(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        let sql = statements(self.dialect());
        let stored = self
            .connection
            .query(sql.get, &[Param::text(name)])
            .and_then(|rows| rows.first().map_or(Ok(None), |row| row.opt_text(0)))
            .map_err(failed("reading a setting"))?;
        if let Some(value) = stored {
            return Ok(value);
        }
        self.connection
            .query(
                sql.insert_or_get,
                &[Param::text(name), Param::text(candidate)],
            )
            .and_then(|rows| {
                rows.first()
                    .ok_or_else(|| {
                        SqlError::Decode("the settings upsert returned no row".to_owned())
                    })?
                    .text(0)
            })
            .map_err(failed("storing a setting"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_take_the_same_parameters() {
        crate::test_support::same_parameters(POSTGRES.get, SQLITE.get);
        crate::test_support::same_parameters(POSTGRES.insert_or_get, SQLITE.insert_or_get);
    }
}
