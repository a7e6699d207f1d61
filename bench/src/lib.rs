//! Native helpers of the benchmarks (`bench/run`):
//!
//! - [`hashrate`]: the native rate of the password check sign-in performs, with the
//!   app's own code and parameters (`spinstack_passwords`), the ceiling of
//!   `POST /api/auth/sign-in/email`;
//! - [`pgbench_script`]: the `pgbench` script of the exact statement `get-session`
//!   issues (`spinstack_sessions::postgres::FIND_BY_TOKEN`, the constant the `session`
//!   component runs), the ceiling of the session-bound requests;
//! - [`recycle_script`]: the batch the host's connection pool runs each time a guest
//!   opens a connection (deadpool-postgres `RecyclingMethod::Clean`, which Spin and
//!   spin-test-runtime both use), to show what the host's protocol costs PostgreSQL;
//! - [`soak`]: the soak's load driver (a mixed workload of every kind of request, each
//!   answer checked, per-phase accounting around an optional database cut, the
//!   runtime's RSS), over the keep-alive client of [`http`], with [`consistency`]
//!   checking the database afterwards and [`proxy`] cutting PostgreSQL;
//! - [`timing`]: sign-in's time for an unknown email against a known one with a wrong
//!   password.

#![forbid(unsafe_code)]

pub mod consistency;
pub mod hashrate;
pub mod http;
pub mod proxy;
pub mod soak;
pub mod stats;
pub mod timing;

use spinstack_sessions::postgres::FIND_BY_TOKEN;

/// The `pgbench` variable that carries the session token (`-D token=…`).
pub const TOKEN_VARIABLE: &str = "token";

/// A `pgbench` script running [`FIND_BY_TOKEN`] once per transaction, its `$1` bound
/// to `:token`. Run it with `-M extended` or `-M prepared`, so the token travels as a
/// parameter as it does from the app (in `simple` mode pgbench would paste it unquoted).
///
/// # Errors
/// When the statement has another placeholder than `$1`, or a semicolon (pgbench ends
/// a command there): the script would no longer be the app's statement.
pub fn pgbench_script() -> Result<String, String> {
    script_for(FIND_BY_TOKEN)
}

/// A `pgbench` script (for `-M simple`) running the connection-recycling batch of
/// deadpool-postgres' `RecyclingMethod::Clean`, exactly as the pool sends it.
///
/// # Errors
/// If deadpool-postgres ever stops running a batch for `Clean`.
pub fn recycle_script() -> Result<String, String> {
    let batch = deadpool_postgres::RecyclingMethod::Clean
        .query()
        .ok_or("RecyclingMethod::Clean runs no query")?;
    Ok(format!(
        "-- deadpool-postgres RecyclingMethod::Clean, run at every pooled checkout\n{}\n",
        batch.trim()
    ))
}

fn script_for(statement: &str) -> Result<String, String> {
    if statement.contains(';') {
        return Err("the statement contains a semicolon".to_owned());
    }
    let bound = statement.replace("$1", &format!(":{TOKEN_VARIABLE}"));
    if bound.contains('$') {
        return Err("the statement has placeholders other than $1".to_owned());
    }
    Ok(format!(
        "-- FIND_BY_TOKEN of crates/sessions/src/postgres.rs, the statement get-session runs\n{bound};\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_is_the_apps_statement_with_the_token_bound() -> Result<(), String> {
        let script = pgbench_script()?;
        let body = script
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
            .replace(":token", "$1");
        assert_eq!(body, format!("{FIND_BY_TOKEN};"));
        Ok(())
    }

    #[test]
    fn recycle_script_is_one_batch() -> Result<(), String> {
        let script = recycle_script()?;
        assert!(script.contains("DISCARD TEMP;"), "{script}");
        assert_eq!(script.lines().count(), 2);
        Ok(())
    }

    #[test]
    fn foreign_statements_are_refused() {
        assert!(script_for("SELECT $1, $2").is_err());
        assert!(script_for("SELECT 1; SELECT $1").is_err());
    }
}
