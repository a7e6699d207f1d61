//! Values between SQLite (as rusqlite surfaces them) and the SQLite WIT interfaces,
//! following Spin's in-process backend (`crates/sqlite-inproc`) and the v2 ⇄ v3 adapters
//! of `crates/factor-sqlite/src/host.rs`:
//!
//! | WIT `value` | parameter bound as | read back from storage class |
//! | --- | --- | --- |
//! | `integer(s64)` | INTEGER | INTEGER |
//! | `real(f64)` | REAL | REAL |
//! | `text(string)` | TEXT | TEXT (must be UTF-8, see [`Value::from_sql`]) |
//! | `blob(list<u8>)` | BLOB | BLOB |
//! | `null` | NULL | NULL |
//!
//! Parameters bind positionally; column affinity still applies afterwards, so values come
//! back with their storage class, not the declared type. All WIT versions share the same
//! value, row and error shapes, so one internal [`Value`] and [`Error`] serve them all.

use rusqlite::types::ValueRef;

use crate::bindings::{deny_sqlite2, deny_sqlite3, sqlite2, sqlite3};

/// One SQLite value, the shape of every version's WIT `value`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `integer(s64)`.
    Integer(i64),
    /// `real(f64)`.
    Real(f64),
    /// `text(string)`.
    Text(String),
    /// `blob(list<u8>)`.
    Blob(Vec<u8>),
    /// `null`.
    Null,
}

/// A TEXT value that is not UTF-8. Spin converts it unchecked and panics inside the
/// blocking task, which the guest sees as `io("internal runtime error")` on this and every
/// later statement of the connection (its lock is poisoned); [`super::connection`]
/// reproduces that without panicking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidUtf8;

impl Value {
    /// The value as a rusqlite parameter.
    pub fn to_sql(&self) -> rusqlite::types::Value {
        match self {
            Value::Integer(i) => rusqlite::types::Value::Integer(*i),
            Value::Real(r) => rusqlite::types::Value::Real(*r),
            Value::Text(t) => rusqlite::types::Value::Text(t.clone()),
            Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
            Value::Null => rusqlite::types::Value::Null,
        }
    }

    /// The value of a result column, by its storage class.
    ///
    /// # Errors
    ///
    /// [`InvalidUtf8`] for TEXT that is not UTF-8.
    pub fn from_sql(value: ValueRef<'_>) -> Result<Self, InvalidUtf8> {
        Ok(match value {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(r) => Value::Real(r),
            ValueRef::Text(t) => {
                Value::Text(String::from_utf8(t.to_vec()).map_err(|_| InvalidUtf8)?)
            }
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        })
    }

    /// What the value counts against the result limit: Spin's `Value::memory_size`, the
    /// size of the WIT value type plus the bytes of a text or blob.
    pub fn memory_size(&self) -> usize {
        let base = std::mem::size_of::<sqlite3::Value>();
        match self {
            Value::Null | Value::Integer(_) | Value::Real(_) => base,
            Value::Text(t) => base + t.len(),
            Value::Blob(b) => base + b.len(),
        }
    }
}

/// A query's columns and rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    /// Column names as SQLite reports them.
    pub columns: Vec<String>,
    /// One list of values per row.
    pub rows: Vec<Vec<Value>>,
}

/// The WIT `error` variant, common to every version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// `no-such-database`.
    #[error("no-such-database")]
    NoSuchDatabase,
    /// `access-denied`.
    #[error("access-denied")]
    AccessDenied,
    /// `invalid-connection`.
    #[error("invalid-connection")]
    InvalidConnection,
    /// `database-full` (declared, never produced, as in Spin).
    #[error("database-full")]
    DatabaseFull,
    /// `io(message)`.
    #[error("io: {0}")]
    Io(String),
}

/// Generates the conversions between the internal types and one generated WIT module;
/// the four modules are structurally identical.
macro_rules! wit_conversions {
    ($wit:ident) => {
        impl From<$wit::Value> for Value {
            fn from(value: $wit::Value) -> Self {
                match value {
                    $wit::Value::Integer(i) => Value::Integer(i),
                    $wit::Value::Real(r) => Value::Real(r),
                    $wit::Value::Text(t) => Value::Text(t),
                    $wit::Value::Blob(b) => Value::Blob(b),
                    $wit::Value::Null => Value::Null,
                }
            }
        }

        impl From<Value> for $wit::Value {
            fn from(value: Value) -> Self {
                match value {
                    Value::Integer(i) => $wit::Value::Integer(i),
                    Value::Real(r) => $wit::Value::Real(r),
                    Value::Text(t) => $wit::Value::Text(t),
                    Value::Blob(b) => $wit::Value::Blob(b),
                    Value::Null => $wit::Value::Null,
                }
            }
        }

        impl From<QueryResult> for $wit::QueryResult {
            fn from(result: QueryResult) -> Self {
                $wit::QueryResult {
                    columns: result.columns,
                    rows: result
                        .rows
                        .into_iter()
                        .map(|values| $wit::RowResult {
                            values: values.into_iter().map(Into::into).collect(),
                        })
                        .collect(),
                }
            }
        }

        impl From<Error> for $wit::Error {
            fn from(error: Error) -> Self {
                match error {
                    Error::NoSuchDatabase => $wit::Error::NoSuchDatabase,
                    Error::AccessDenied => $wit::Error::AccessDenied,
                    Error::InvalidConnection => $wit::Error::InvalidConnection,
                    Error::DatabaseFull => $wit::Error::DatabaseFull,
                    Error::Io(message) => $wit::Error::Io(message),
                }
            }
        }
    };
}

wit_conversions!(sqlite2);
wit_conversions!(sqlite3);
wit_conversions!(deny_sqlite2);
wit_conversions!(deny_sqlite3);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_bind_as_their_own_storage_class() {
        use rusqlite::types::Value as Sql;
        assert_eq!(Value::Integer(-7).to_sql(), Sql::Integer(-7));
        assert_eq!(Value::Real(1.5).to_sql(), Sql::Real(1.5));
        assert_eq!(Value::Text("é".into()).to_sql(), Sql::Text("é".into()));
        assert_eq!(Value::Blob(vec![0, 255]).to_sql(), Sql::Blob(vec![0, 255]));
        assert_eq!(Value::Null.to_sql(), Sql::Null);
    }

    #[test]
    fn results_map_by_storage_class() {
        assert_eq!(Value::from_sql(ValueRef::Null), Ok(Value::Null));
        assert_eq!(Value::from_sql(ValueRef::Integer(3)), Ok(Value::Integer(3)));
        assert_eq!(Value::from_sql(ValueRef::Real(0.25)), Ok(Value::Real(0.25)));
        assert_eq!(
            Value::from_sql(ValueRef::Text(b"abc")),
            Ok(Value::Text("abc".into()))
        );
        assert_eq!(
            Value::from_sql(ValueRef::Blob(&[1, 2])),
            Ok(Value::Blob(vec![1, 2]))
        );
        assert_eq!(
            Value::from_sql(ValueRef::Text(&[0xff, 0xfe])),
            Err(InvalidUtf8)
        );
    }

    #[test]
    fn memory_size_counts_payload_bytes() {
        let base = std::mem::size_of::<sqlite3::Value>();
        assert_eq!(Value::Null.memory_size(), base);
        assert_eq!(Value::Integer(1).memory_size(), base);
        assert_eq!(Value::Text("abcd".into()).memory_size(), base + 4);
        assert_eq!(Value::Blob(vec![0; 10]).memory_size(), base + 10);
    }

    #[test]
    fn wit_values_round_trip_in_every_version() {
        let values = [
            Value::Integer(i64::MIN),
            Value::Real(-0.5),
            Value::Text("t".into()),
            Value::Blob(vec![9]),
            Value::Null,
        ];
        for v in values {
            let v2: sqlite2::Value = v.clone().into();
            assert_eq!(Value::from(v2), v);
            let v3: sqlite3::Value = v.clone().into();
            assert_eq!(Value::from(v3), v);
        }
        let result = QueryResult {
            columns: vec!["a".into()],
            rows: vec![vec![Value::Integer(1)]],
        };
        let wit: sqlite2::QueryResult = result.into();
        assert_eq!(wit.columns, vec!["a".to_owned()]);
        assert!(matches!(
            wit.rows.as_slice(),
            [sqlite2::RowResult { values }] if matches!(values.as_slice(), [sqlite2::Value::Integer(1)])
        ));
        assert!(matches!(
            sqlite3::Error::from(Error::Io("x".into())),
            sqlite3::Error::Io(m) if m == "x"
        ));
        assert!(matches!(
            deny_sqlite2::Error::from(Error::AccessDenied),
            deny_sqlite2::Error::AccessDenied
        ));
    }
}
