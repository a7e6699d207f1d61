//! The generated `spin:postgres/postgres@3.0.0` traits, implemented over [`PgView`].
//!
//! Error variants follow Spin's `factor-outbound-pg` (`host.rs`, `client.rs`,
//! `allowed_hosts.rs`) after its 4.x → 3.0 narrowing:
//! - an address that does not parse, is not allowed, or cannot be connected to:
//!   `connection-failed` (blame: guest);
//! - a parameter that cannot be converted: `bad-parameter` in `query`,
//!   `value-conversion-failed` in `execute` (Spin differs between the two, and so do we);
//! - a statement PostgreSQL rejects, or a value that cannot be decoded: `query-failed`,
//!   carrying the driver's `Debug` text as Spin does;
//! - a connection handle the host does not know: a trap (host bug).
//!
//! One addition of this runtime: a `query` that returns zero rows fails with
//! `query-failed` and [`ZERO_ROW_MESSAGE`], because Spin 4.0.0–4.0.2 never answer such a
//! query (spinframework/spin#3671): the app must not depend on one.

use tokio_postgres::types::ToSql;
use wasmtime::component::Resource;

use super::stats::Call;
use super::{Connection, PgView, convert};
use crate::allowed_hosts::AllowedHosts;
use crate::bindings::pg3::{self, Error, ParameterValue, RowSet};

/// The `query-failed` text for a query that returned zero rows.
pub const ZERO_ROW_MESSAGE: &str = "spin-test-runtime: query returned zero rows; Spin 4.0.0–4.0.2 never answer such a query \
     (spinframework/spin#3671) — see DESIGN.md's zero-row rule: make every query return at least one row";

/// Checks every host of a connection string against the allow-list, as Spin's
/// `AllowedHostChecker::ensure_address_allowed` does.
///
/// # Errors
///
/// `connection-failed` with `address postgres://host[:port] is not permitted`, or the
/// parser's message for an unparsable address.
pub fn check_address(allowed: &AllowedHosts, address: &str) -> Result<(), Error> {
    let config: tokio_postgres::Config = address
        .parse()
        .map_err(|e: tokio_postgres::Error| Error::ConnectionFailed(e.to_string()))?;
    let ports = config.get_ports();
    for (i, host) in config.get_hosts().iter().enumerate() {
        match host {
            tokio_postgres::config::Host::Tcp(name) => {
                // The port at the host's index, or the only port given.
                let port = ports
                    .get(i)
                    .or_else(|| (ports.len() == 1).then(|| ports.first()).flatten());
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                let url = format!("{name}{port}");
                if !allowed.allows_url(&url, "postgres") {
                    eprintln!(
                        "spin-test-runtime: a component tried to connect to disallowed destination \
                         'postgres://{url}'; to allow it, add \"postgres://{url}\" to the component's \
                         allowed_outbound_hosts"
                    );
                    return Err(Error::ConnectionFailed(format!(
                        "address postgres://{url} is not permitted"
                    )));
                }
            }
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(_) => {
                return Err(Error::ConnectionFailed(
                    "Unix sockets are not supported on WebAssembly".to_owned(),
                ));
            }
        }
    }
    Ok(())
}

fn params(
    values: &[ParameterValue],
    wrap: fn(String) -> Error,
) -> Result<Vec<convert::SqlParam>, Error> {
    values
        .iter()
        .map(convert::parameter)
        .collect::<Result<_, _>>()
        .map_err(wrap)
}

fn refs(params: &[convert::SqlParam]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

impl PgView<'_> {
    fn client(
        &self,
        connection: &Resource<Connection>,
    ) -> wasmtime::Result<&deadpool_postgres::Object> {
        // The table is the host's: an unknown handle is a host bug, so trap.
        Ok(&self.table.get(connection)?.client)
    }
}

impl pg3::Host for PgView<'_> {}

impl pg3::HostConnection for PgView<'_> {
    async fn open(
        &mut self,
        address: String,
    ) -> wasmtime::Result<Result<Resource<Connection>, Error>> {
        self.state.pools.stats.record(Call::Open);
        if let Err(e) = check_address(&self.state.allowed_hosts, &address) {
            return Ok(Err(e));
        }
        let client = match self.state.pools.get(&address).await {
            Ok(client) => client,
            Err(e) => return Ok(Err(Error::ConnectionFailed(e))),
        };
        Ok(Ok(self.table.push(Connection { client })?))
    }

    async fn query(
        &mut self,
        connection: Resource<Connection>,
        statement: String,
        values: Vec<ParameterValue>,
    ) -> wasmtime::Result<Result<RowSet, Error>> {
        self.state.pools.stats.record(Call::Query);
        let params = match params(&values, Error::BadParameter) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let client = self.client(&connection)?;
        let rows = match client.query(statement.as_str(), &refs(&params)).await {
            Ok(rows) => rows,
            Err(e) => return Ok(Err(Error::QueryFailed(format!("{e:?}")))),
        };
        let Some(first) = rows.first() else {
            eprintln!("{ZERO_ROW_MESSAGE}\n  statement: {statement}");
            return Ok(Err(Error::QueryFailed(ZERO_ROW_MESSAGE.to_owned())));
        };
        let columns = convert::columns(first);
        let rows = match rows.iter().map(convert::row).collect::<Result<Vec<_>, _>>() {
            Ok(rows) => rows,
            Err(e) => return Ok(Err(Error::QueryFailed(e))),
        };
        Ok(Ok(RowSet { columns, rows }))
    }

    async fn execute(
        &mut self,
        connection: Resource<Connection>,
        statement: String,
        values: Vec<ParameterValue>,
    ) -> wasmtime::Result<Result<u64, Error>> {
        self.state.pools.stats.record(Call::Execute);
        let params = match params(&values, Error::ValueConversionFailed) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let client = self.client(&connection)?;
        Ok(client
            .execute(statement.as_str(), &refs(&params))
            .await
            .map_err(|e| Error::QueryFailed(format!("{e:?}"))))
    }

    async fn drop(&mut self, connection: Resource<Connection>) -> wasmtime::Result<()> {
        // Returning the client to its pool ends the guest's use of the session.
        self.table.delete(connection)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variables::Variables;

    fn denial(result: Result<(), Error>) -> String {
        match result {
            Err(Error::ConnectionFailed(m)) => m,
            other => format!("unexpected {other:?}"),
        }
    }

    fn allowed(entries: &[&str]) -> AllowedHosts {
        let entries: Vec<String> = entries.iter().map(|s| (*s).to_owned()).collect();
        AllowedHosts::parse(&entries, &Variables::default()).expect("allow-list")
    }

    #[test]
    fn allowed_addresses_pass() {
        let a = allowed(&["postgres://127.0.0.1:5432", "postgres://db.internal"]);
        for ok in [
            "postgres://u@127.0.0.1:5432/x?sslmode=disable",
            "postgresql://127.0.0.1/x",
            "host=127.0.0.1 port=5432 dbname=x",
            "postgres://db.internal/app",
        ] {
            assert!(check_address(&a, ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn denied_addresses_name_the_destination() {
        let a = allowed(&["postgres://127.0.0.1:5432"]);
        assert_eq!(
            denial(check_address(&a, "postgres://u@localhost:5432/x")),
            "address postgres://localhost:5432 is not permitted"
        );
        assert_eq!(
            denial(check_address(&a, "postgres://127.0.0.1:6543/x")),
            "address postgres://127.0.0.1:6543 is not permitted"
        );
        assert_eq!(
            denial(check_address(
                &AllowedHosts::default(),
                "postgres://127.0.0.1/x"
            )),
            "address postgres://127.0.0.1:5432 is not permitted"
        );
        assert!(matches!(
            check_address(&a, "not a url ::::"),
            Err(Error::ConnectionFailed(_))
        ));
        assert!(matches!(
            check_address(&a, "host=/var/run/postgresql"),
            Err(Error::ConnectionFailed(m)) if m.contains("Unix sockets")
        ));
    }
}
