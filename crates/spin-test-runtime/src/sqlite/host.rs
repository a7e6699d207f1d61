//! The generated SQLite traits, implemented over [`SqliteState`] as Spin's
//! `factor-sqlite/src/host.rs` does (v2 is a thin adapter over the v3 behaviour):
//!
//! - `open(label)`: `access-denied` unless the component lists `label` in
//!   `sqlite_databases` (checked first, so an unlisted unknown label is denied too), then
//!   `no-such-database` for a label without a database, `invalid-connection` when the
//!   database directory cannot be created, then `io("too many connections opened")` past
//!   256 open connections;
//! - `execute`: `invalid-connection` for a handle the instance does not hold, otherwise
//!   the statement ([`super::connection`]);
//! - v3's `changes` and `last-insert-rowid` trap on an unknown handle, as in Spin;
//! - the `deny-*` interfaces, which [`crate::compose`] wires to a dependency that does not
//!   inherit configuration in place of Spin's deny-all adapter, answer `access-denied` to
//!   everything.

use wasmtime::component::Resource;

use super::SqliteState;
use super::connection::{Connection, Location, create_parent_dir};
use super::convert::{Error, QueryResult, Value};
use crate::bindings::{deny_sqlite2, deny_sqlite3, sqlite2, sqlite3};
use crate::pg::stats::Call;

impl SqliteState {
    fn open_impl(&mut self, label: &str) -> Result<u32, Error> {
        self.pools.stats.record(Call::SqliteOpen);
        if !self.access.allowed.contains(label) {
            return Err(Error::AccessDenied);
        }
        let database = self
            .access
            .databases
            .get(label)
            .ok_or(Error::NoSuchDatabase)?
            .clone();
        if let Location::Path(path) = &database.location {
            // Spin's connection creator prepares the directory; its failure is reported
            // as an invalid connection.
            create_parent_dir(path).map_err(|_| Error::InvalidConnection)?;
        }
        self.connections.push(Connection::new(database))
    }

    async fn execute_impl(
        &mut self,
        handle: u32,
        sql: String,
        params: Vec<Value>,
    ) -> Result<QueryResult, Error> {
        self.pools.stats.record(Call::SqliteQuery);
        let connection = self.connections.get(handle)?;
        connection.query(sql, params).await
    }

    fn trap(error: Error) -> wasmtime::Error {
        wasmtime::Error::msg(format!("SQLite connection: {error}"))
    }
}

impl sqlite2::Host for SqliteState {}

impl sqlite2::HostConnection for SqliteState {
    async fn open(
        &mut self,
        database: String,
    ) -> wasmtime::Result<Result<Resource<sqlite2::Connection>, sqlite2::Error>> {
        Ok(self
            .open_impl(&database)
            .map(Resource::new_own)
            .map_err(Into::into))
    }

    async fn execute(
        &mut self,
        connection: Resource<sqlite2::Connection>,
        statement: String,
        parameters: Vec<sqlite2::Value>,
    ) -> wasmtime::Result<Result<sqlite2::QueryResult, sqlite2::Error>> {
        let params = parameters.into_iter().map(Into::into).collect();
        Ok(self
            .execute_impl(connection.rep(), statement, params)
            .await
            .map(Into::into)
            .map_err(Into::into))
    }

    async fn drop(&mut self, connection: Resource<sqlite2::Connection>) -> wasmtime::Result<()> {
        self.connections.remove(connection.rep());
        Ok(())
    }
}

impl sqlite3::Host for SqliteState {}

impl sqlite3::HostConnection for SqliteState {
    async fn open(
        &mut self,
        database: String,
    ) -> wasmtime::Result<Result<Resource<sqlite3::Connection>, sqlite3::Error>> {
        Ok(self
            .open_impl(&database)
            .map(Resource::new_own)
            .map_err(Into::into))
    }

    async fn execute(
        &mut self,
        connection: Resource<sqlite3::Connection>,
        statement: String,
        parameters: Vec<sqlite3::Value>,
    ) -> wasmtime::Result<Result<sqlite3::QueryResult, sqlite3::Error>> {
        let params = parameters.into_iter().map(Into::into).collect();
        Ok(self
            .execute_impl(connection.rep(), statement, params)
            .await
            .map(Into::into)
            .map_err(Into::into))
    }

    async fn last_insert_rowid(
        &mut self,
        connection: Resource<sqlite3::Connection>,
    ) -> wasmtime::Result<i64> {
        let connection = self.connections.get(connection.rep()).map_err(Self::trap)?;
        connection.last_insert_rowid().await.map_err(Self::trap)
    }

    async fn changes(
        &mut self,
        connection: Resource<sqlite3::Connection>,
    ) -> wasmtime::Result<u64> {
        let connection = self.connections.get(connection.rep()).map_err(Self::trap)?;
        connection.changes().await.map_err(Self::trap)
    }

    async fn drop(&mut self, connection: Resource<sqlite3::Connection>) -> wasmtime::Result<()> {
        self.connections.remove(connection.rep());
        Ok(())
    }
}

impl deny_sqlite2::Host for SqliteState {}

impl deny_sqlite2::HostConnection for SqliteState {
    async fn open(
        &mut self,
        _database: String,
    ) -> wasmtime::Result<Result<Resource<deny_sqlite2::Connection>, deny_sqlite2::Error>> {
        self.pools.stats.record(Call::SqliteOpen);
        Ok(Err(Error::AccessDenied.into()))
    }

    async fn execute(
        &mut self,
        _connection: Resource<deny_sqlite2::Connection>,
        _statement: String,
        _parameters: Vec<deny_sqlite2::Value>,
    ) -> wasmtime::Result<Result<deny_sqlite2::QueryResult, deny_sqlite2::Error>> {
        self.pools.stats.record(Call::SqliteQuery);
        Ok(Err(Error::AccessDenied.into()))
    }

    async fn drop(
        &mut self,
        _connection: Resource<deny_sqlite2::Connection>,
    ) -> wasmtime::Result<()> {
        Ok(())
    }
}

impl deny_sqlite3::Host for SqliteState {}

impl deny_sqlite3::HostConnection for SqliteState {
    async fn open(
        &mut self,
        _database: String,
    ) -> wasmtime::Result<Result<Resource<deny_sqlite3::Connection>, deny_sqlite3::Error>> {
        self.pools.stats.record(Call::SqliteOpen);
        Ok(Err(Error::AccessDenied.into()))
    }

    async fn execute(
        &mut self,
        _connection: Resource<deny_sqlite3::Connection>,
        _statement: String,
        _parameters: Vec<deny_sqlite3::Value>,
    ) -> wasmtime::Result<Result<deny_sqlite3::QueryResult, deny_sqlite3::Error>> {
        self.pools.stats.record(Call::SqliteQuery);
        Ok(Err(Error::AccessDenied.into()))
    }

    async fn last_insert_rowid(
        &mut self,
        _connection: Resource<deny_sqlite3::Connection>,
    ) -> wasmtime::Result<i64> {
        // No connection can exist: `open` never succeeds here.
        Err(Self::trap(Error::InvalidConnection))
    }

    async fn changes(
        &mut self,
        _connection: Resource<deny_sqlite3::Connection>,
    ) -> wasmtime::Result<u64> {
        Err(Self::trap(Error::InvalidConnection))
    }

    async fn drop(
        &mut self,
        _connection: Resource<deny_sqlite3::Connection>,
    ) -> wasmtime::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use super::*;
    use crate::sqlite::{Access, Databases};

    fn state(allowed: &[&str], location: Location) -> SqliteState {
        SqliteState::new(
            Arc::new(Access {
                allowed: allowed
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect::<HashSet<_>>(),
                databases: Arc::new(Databases::with_default(location)),
            }),
            Arc::default(),
        )
    }

    #[test]
    fn access_is_checked_before_existence() {
        let mut s = state(&["default", "ghost"], Location::InMemory);
        assert_eq!(s.open_impl("other").err(), Some(Error::AccessDenied));
        assert_eq!(
            s.open_impl("unknown-and-unlisted").err(),
            Some(Error::AccessDenied)
        );
        assert_eq!(s.open_impl("ghost").err(), Some(Error::NoSuchDatabase));
        assert!(s.open_impl("default").is_ok());
        let mut none = state(&[], Location::InMemory);
        assert_eq!(none.open_impl("default").err(), Some(Error::AccessDenied));
    }

    #[test]
    fn at_most_256_connections_per_instance() {
        let mut s = state(&["default"], Location::InMemory);
        for _ in 0..256 {
            assert!(s.open_impl("default").is_ok());
        }
        assert_eq!(
            s.open_impl("default").err(),
            Some(Error::Io("too many connections opened".to_owned()))
        );
        assert!(s.pools.stats.json().contains("\"sqlite_opens\":257"));
    }

    #[tokio::test]
    async fn stale_handles_are_invalid_connections() -> Result<(), Error> {
        let mut s = state(&["default"], Location::InMemory);
        let handle = s.open_impl("default")?;
        let r = s
            .execute_impl(handle, "SELECT 1 AS one".to_owned(), vec![])
            .await?;
        assert_eq!(r.rows, vec![vec![Value::Integer(1)]]);
        s.connections.remove(handle);
        assert_eq!(
            s.execute_impl(handle, "SELECT 1".to_owned(), vec![])
                .await
                .err(),
            Some(Error::InvalidConnection)
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_file_database_persists_across_instances() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("nested/state/sqlite_db.db");
        let mut first = state(&["default"], Location::Path(path.clone()));
        let h = first.open_impl("default")?;
        first
            .execute_impl(h, "CREATE TABLE t(x TEXT)".to_owned(), vec![])
            .await?;
        first
            .execute_impl(
                h,
                "INSERT INTO t VALUES (?)".to_owned(),
                vec![Value::Text("kept".into())],
            )
            .await?;
        drop(first);
        let mut second = state(&["default"], Location::Path(path.clone()));
        let h = second.open_impl("default")?;
        let r = second
            .execute_impl(h, "SELECT x FROM t".to_owned(), vec![])
            .await?;
        assert_eq!(r.rows, vec![vec![Value::Text("kept".into())]]);
        assert!(path.is_file());
        Ok(())
    }
}
