//! Every store of the app, written once over the [`spinstack_sql::Connection`] seam and
//! speaking both of its dialects: PostgreSQL (through Spin's outbound PostgreSQL) and
//! SQLite (Spin's built-in database, Better-T-Stack's drizzle SQLite schema). The
//! components only bind Spin's host calls to the seam and hand the connection to a
//! [`Store`]; endpoint logic sees the storage traits it always had.
//!
//! [`Store<C>`] implements, one module per table family:
//! - `users`: [`spinstack_auth::store::UserStore`] (`user` and `account`),
//!   `verifications`: [`spinstack_auth::store::VerificationStore`] (feature `users`);
//! - `sessions`: [`spinstack_sessions::SessionStore`] and
//!   [`spinstack_sessions::SessionLifecycle`] (feature `sessions`);
//! - `rate_limit`: [`spinstack_rate_limit::RateLimitStore`] (feature `rate-limit`);
//! - `todos`: [`spinstack_api::store::TodoStore`] (feature `todos`);
//! - `settings`: [`SettingsStore`], the app's own key/value settings (always).
//!
//! Each module holds its statements as a `postgres` and a `sqlite` set with the same
//! parameter order and row shape, and one decoding path over the dialect-free
//! [`spinstack_sql::Row`] accessors. Where the algorithm itself differs (PostgreSQL's
//! data-modifying CTEs against SQLite's `BEGIN IMMEDIATE` transactions), the store
//! matches on the dialect once, in the method concerned.
//!
//! Rules both dialects keep: parameters are always bound, never spliced in; every
//! PostgreSQL query returns at least one row (Spin 4.0.0–4.0.2 hang on empty results:
//! DESIGN.md); one statement per call; writes of several rows run in one transaction
//! ([`spinstack_sql::in_transaction`]); a user's sessions and accounts are deleted
//! explicitly, never through `ON DELETE CASCADE`. Constructing a store never touches the
//! database: the first statement does.
//!
//! ```
//! use spinstack_sql::{Connection, native::SqliteConnection};
//! use spinstack_storage::{SettingsStore, Store};
//!
//! let connection = SqliteConnection::open(":memory:")?;
//! connection.execute(
//!     "CREATE TABLE spinstack_settings (name text PRIMARY KEY, value text NOT NULL)",
//!     &[],
//! )?;
//! let store = Store::new(&connection);
//! assert_eq!(store.get_or_insert("secret", "first")?, "first");
//! assert_eq!(store.get_or_insert("secret", "second")?, "first");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod error;
#[cfg(feature = "rate-limit")]
mod rate_limit;
#[cfg(feature = "sessions")]
mod rows;
#[cfg(feature = "sessions")]
mod sessions;
mod settings;
#[cfg(feature = "todos")]
mod todos;
#[cfg(feature = "users")]
mod users;
#[cfg(feature = "users")]
mod verifications;

pub use error::StoreError;
pub use settings::SettingsStore;
pub use spinstack_sql::{Connection, Dialect};

/// The app's stores over one database connection `C` (the request's connection; pass
/// `&connection` to share it between several stores).
///
/// Implements every storage trait of the enabled features (see the crate
/// documentation). Creating one does nothing but keep `C`: a lazily opened connection
/// stays unopened until a method needs the database.
#[derive(Debug, Clone)]
pub struct Store<C> {
    connection: C,
}

impl<C> Store<C> {
    /// The stores over `connection`. Touches nothing.
    pub const fn new(connection: C) -> Self {
        Self { connection }
    }

    /// The connection.
    pub fn connection(&self) -> &C {
        &self.connection
    }

    /// Gives the connection back.
    pub fn into_inner(self) -> C {
        self.connection
    }
}

impl<C: Connection> Store<C> {
    fn dialect(&self) -> Dialect {
        self.connection.dialect()
    }
}

/// How many rows a write changed, from the rows of a statement that reports them: on
/// PostgreSQL one row per changed row's id, or a single all-NULL row when none changed
/// (`… FROM (SELECT 1) AS one LEFT JOIN changed ON true`, the one-row rule); on SQLite
/// the rows of `RETURNING id`. Counts the rows whose first column is not NULL.
#[cfg(any(feature = "sessions", feature = "todos"))]
fn changed(rows: &[spinstack_sql::Row]) -> Result<u64, spinstack_sql::SqlError> {
    let mut count = 0;
    for row in rows {
        if !row.is_null(0)? {
            count += 1;
        }
    }
    Ok(count)
}

/// Checks on the statement texts, shared by the modules' unit tests.
#[cfg(test)]
mod test_support {
    use std::collections::BTreeSet;

    /// The numbers of the parameters `sql` writes as `<marker><n>`.
    fn numbers(sql: &str, marker: char) -> BTreeSet<u32> {
        sql.split(marker)
            .skip(1)
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .collect()
    }

    /// `sql` is one SQLite statement with parameters `?1 … ?n`, none missing (SQLite
    /// counts up to the highest, and a gap would be an unbound NULL).
    pub(crate) fn sqlite_only(sql: &str) -> BTreeSet<u32> {
        assert!(!sql.contains(';'), "one statement: {sql}");
        assert!(!sql.contains('$'), "SQLite parameters are ?N: {sql}");
        let found = numbers(sql, '?');
        assert!(
            found.iter().copied().eq(1..=found.len() as u32),
            "parameters ?1…?n without gaps: {sql}"
        );
        found
    }

    /// The PostgreSQL and SQLite forms of one statement take the same parameters.
    pub(crate) fn same_parameters(postgres: &str, sqlite: &str) {
        assert!(!postgres.contains(';'), "one statement: {postgres}");
        assert!(
            !postgres.contains('?'),
            "PostgreSQL parameters are $N: {postgres}"
        );
        assert_eq!(
            numbers(postgres, '$'),
            sqlite_only(sqlite),
            "{postgres}\n{sqlite}"
        );
    }
}

#[cfg(test)]
mod tests {
    use spinstack_sql::{Param, Row, SqlError};

    use super::*;

    /// A connection that must never be used.
    struct Untouched;

    impl Connection for Untouched {
        fn dialect(&self) -> Dialect {
            unreachable!("asked for the dialect")
        }

        fn query(&self, _: &str, _: &[Param]) -> Result<Vec<Row>, SqlError> {
            unreachable!("queried")
        }

        fn execute(&self, _: &str, _: &[Param]) -> Result<(), SqlError> {
            unreachable!("executed")
        }
    }

    #[test]
    fn creating_a_store_touches_nothing() {
        let store = Store::new(Untouched);
        let _ = store.connection();
        let shared = Store::new(store.connection());
        let _ = shared.into_inner();
    }
}
