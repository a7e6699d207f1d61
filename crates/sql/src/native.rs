//! Native [`Connection`]s for tests and command-line tools (never in a component):
//! SQLite over rusqlite with the semantics of Spin's in-process SQLite (a cached
//! prepare that runs only the first statement of the text, rusqlite's 5 s busy
//! timeout, foreign keys on as Spin's bundled build has them), and PostgreSQL over the
//! synchronous `postgres` client with Spin's value conversions.

#[cfg(feature = "postgres")]
pub use pg::{PostgresConnection, postgres_cells, postgres_param};
#[cfg(feature = "rusqlite")]
pub use sqlite::SqliteConnection;

#[cfg(feature = "rusqlite")]
mod sqlite {
    use rusqlite::types::{Value, ValueRef};

    use crate::{Cell, Connection, Dialect, Param, Row, SqlError};

    /// A SQLite database file (or `:memory:`), used as Spin uses one.
    pub struct SqliteConnection {
        inner: rusqlite::Connection,
    }

    impl SqliteConnection {
        /// Opens (creating) the database at `path`, with foreign keys on as in Spin.
        ///
        /// # Errors
        /// When the file cannot be opened.
        pub fn open(path: impl AsRef<std::path::Path>) -> Result<Self, SqlError> {
            let inner = rusqlite::Connection::open(path)
                .map_err(|e| SqlError::Unavailable(e.to_string()))?;
            inner
                .pragma_update(None, "foreign_keys", true)
                .map_err(|e| SqlError::Unavailable(e.to_string()))?;
            Ok(Self { inner })
        }

        /// The underlying rusqlite connection (for test set-up).
        pub fn raw(&self) -> &rusqlite::Connection {
            &self.inner
        }

        fn run(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError> {
            let failed = |e: rusqlite::Error| SqlError::Statement(e.to_string());
            let mut statement = self.inner.prepare_cached(sql).map_err(failed)?;
            let values: Vec<Value> = params.iter().map(value).collect();
            let columns = statement.column_count();
            let mut rows = statement
                .query(rusqlite::params_from_iter(values))
                .map_err(failed)?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(failed)? {
                let mut cells = Vec::with_capacity(columns);
                for index in 0..columns {
                    cells.push(cell(row.get_ref(index).map_err(failed)?)?);
                }
                out.push(Row(cells));
            }
            Ok(out)
        }
    }

    fn value(param: &Param) -> Value {
        match param {
            Param::Null => Value::Null,
            Param::Text(text) => Value::Text(text.clone()),
            Param::I32(n) => Value::Integer(i64::from(*n)),
            Param::I64(n) | Param::Millis(n) => Value::Integer(*n),
            Param::Bool(b) => Value::Integer(i64::from(*b)),
        }
    }

    fn cell(value: ValueRef<'_>) -> Result<Cell, SqlError> {
        Ok(match value {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(n) => Cell::Int(n),
            ValueRef::Real(x) => Cell::Real(x),
            ValueRef::Text(bytes) => Cell::Text(
                String::from_utf8(bytes.to_vec())
                    .map_err(|_| SqlError::Decode("TEXT that is not UTF-8".to_owned()))?,
            ),
            ValueRef::Blob(_) => Cell::Other("blob".to_owned()),
        })
    }

    impl Connection for SqliteConnection {
        fn dialect(&self) -> Dialect {
            Dialect::Sqlite
        }

        fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError> {
            self.run(sql, params)
        }

        fn execute(&self, sql: &str, params: &[Param]) -> Result<(), SqlError> {
            self.run(sql, params).map(drop)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn runs_the_first_statement_only_as_spin_does() -> Result<(), SqlError> {
            let db = SqliteConnection::open(":memory:")?;
            db.execute("CREATE TABLE t (x integer); INSERT INTO t VALUES (1);", &[])?;
            let rows = db.query("SELECT count(*) FROM t", &[])?;
            assert_eq!(rows[0].i64(0)?, 0);
            Ok(())
        }

        #[test]
        fn foreign_keys_are_on() -> Result<(), SqlError> {
            let db = SqliteConnection::open(":memory:")?;
            db.execute("CREATE TABLE p (id text PRIMARY KEY)", &[])?;
            db.execute("CREATE TABLE c (p text REFERENCES p(id))", &[])?;
            assert!(
                db.execute("INSERT INTO c VALUES (?1)", &[Param::text("x")])
                    .is_err()
            );
            Ok(())
        }
    }
}

#[cfg(feature = "postgres")]
mod pg {
    use std::cell::RefCell;

    use chrono::{DateTime, NaiveDateTime};
    use postgres::types::{ToSql, Type};

    use crate::{Cell, Connection, Dialect, Param, Row, SqlError};

    /// A PostgreSQL connection, converting values as Spin's outbound PostgreSQL does.
    pub struct PostgresConnection {
        client: RefCell<postgres::Client>,
    }

    impl PostgresConnection {
        /// Connects to `url` without TLS.
        ///
        /// # Errors
        /// When the server cannot be reached. Must not be called inside a Tokio runtime.
        pub fn connect(url: &str) -> Result<Self, SqlError> {
            let client = postgres::Client::connect(url, postgres::NoTls)
                .map_err(|e| SqlError::Unavailable(e.to_string()))?;
            Ok(Self {
                client: RefCell::new(client),
            })
        }
    }

    /// `param` as the `postgres`/`tokio-postgres` clients bind it (timestamps as
    /// `timestamp` without time zone, UTC).
    pub fn postgres_param(param: &Param) -> Box<dyn ToSql + Sync + Send> {
        match param {
            Param::Null => Box::new(Option::<String>::None),
            Param::Text(text) => Box::new(text.clone()),
            Param::I32(n) => Box::new(*n),
            Param::I64(n) => Box::new(*n),
            Param::Bool(b) => Box::new(*b),
            Param::Millis(ms) => {
                Box::new(DateTime::from_timestamp_millis(*ms).map(|t| t.naive_utc()))
            }
        }
    }

    /// The cells of a `postgres`/`tokio-postgres` row, converted as Spin converts them.
    ///
    /// # Errors
    /// When a value does not decode as its column type says.
    pub fn postgres_cells(row: &postgres::Row) -> Result<Row, SqlError> {
        (0..row.len())
            .map(|i| cell(row, i))
            .collect::<Result<Vec<_>, _>>()
            .map(Row)
    }

    fn cell(row: &postgres::Row, index: usize) -> Result<Cell, SqlError> {
        let failed = |e: postgres::Error| SqlError::Decode(e.to_string());
        let column_type = row.columns()[index].type_().clone();
        Ok(match column_type {
            Type::BOOL => row
                .try_get::<_, Option<bool>>(index)
                .map_err(failed)?
                .map_or(Cell::Null, Cell::Bool),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(index)
                .map_err(failed)?
                .map_or(Cell::Null, |n| Cell::Int(n.into())),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(index)
                .map_err(failed)?
                .map_or(Cell::Null, |n| Cell::Int(n.into())),
            Type::INT8 => row
                .try_get::<_, Option<i64>>(index)
                .map_err(failed)?
                .map_or(Cell::Null, Cell::Int),
            Type::FLOAT8 => row
                .try_get::<_, Option<f64>>(index)
                .map_err(failed)?
                .map_or(Cell::Null, Cell::Real),
            Type::TEXT | Type::VARCHAR | Type::NAME => row
                .try_get::<_, Option<String>>(index)
                .map_err(failed)?
                .map_or(Cell::Null, Cell::Text),
            Type::TIMESTAMP => row
                .try_get::<_, Option<NaiveDateTime>>(index)
                .map_err(failed)?
                .map_or(Cell::Null, |t| Cell::Millis(t.and_utc().timestamp_millis())),
            other => Cell::Other(other.name().to_owned()),
        })
    }

    impl Connection for PostgresConnection {
        fn dialect(&self) -> Dialect {
            Dialect::Postgres
        }

        fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError> {
            let boxed: Vec<_> = params.iter().map(postgres_param).collect();
            let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref() as _).collect();
            let rows = self
                .client
                .borrow_mut()
                .query(sql, &refs)
                .map_err(|e| SqlError::Statement(e.to_string()))?;
            rows.iter().map(postgres_cells).collect()
        }

        fn execute(&self, sql: &str, params: &[Param]) -> Result<(), SqlError> {
            let boxed: Vec<_> = params.iter().map(postgres_param).collect();
            let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref() as _).collect();
            self.client
                .borrow_mut()
                .execute(sql, &refs)
                .map(drop)
                .map_err(|e| SqlError::Statement(e.to_string()))
        }
    }
}
