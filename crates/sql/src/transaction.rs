//! A multi-statement write as one transaction on one connection: `BEGIN IMMEDIATE` on
//! SQLite (takes the write lock up front, so a concurrent writer waits for the busy
//! timeout instead of failing at once), `BEGIN` on PostgreSQL; `COMMIT` on success and
//! an explicit `ROLLBACK` on any error (dropping the connection would roll back too,
//! but not before the request ends).

use crate::{Connection, Dialect, SqlError};

/// Runs `work` inside a transaction on `connection`.
///
/// # Errors
/// `work`'s error (after rolling back), or the failure of `BEGIN`/`COMMIT`.
pub fn in_transaction<C, T, E>(
    connection: &C,
    work: impl FnOnce(&C) -> Result<T, E>,
) -> Result<T, E>
where
    C: Connection + ?Sized,
    E: From<SqlError>,
{
    let begin = match connection.dialect() {
        Dialect::Sqlite => "BEGIN IMMEDIATE",
        Dialect::Postgres => "BEGIN",
    };
    connection.execute(begin, &[])?;
    match work(connection) {
        Ok(value) => match connection.execute("COMMIT", &[]) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = connection.execute("ROLLBACK", &[]);
                Err(e.into())
            }
        },
        Err(e) => {
            let _ = connection.execute("ROLLBACK", &[]);
            Err(e)
        }
    }
}
