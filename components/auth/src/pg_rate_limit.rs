//! [`RateLimitStore`] over Spin's PostgreSQL: runs `spinstack_rate_limit::sql::HIT`
//! (one atomic upsert that always returns one row) on the request's connection, and
//! now and then the sweep of expired buckets it asks for.

use spin_sdk::pg3::{Decode, ParameterValue};
use spinstack_glue::pg::{column, text};
use spinstack_rate_limit::sql::{HIT, HitParams, HitRow, SWEEP};
use spinstack_rate_limit::{Decision, Error, RateLimitStore, Rule};

use crate::pg_users::PgUsers;

fn store_error(e: impl std::fmt::Display) -> Error {
    Error::Store(e.to_string())
}

impl RateLimitStore for PgUsers {
    fn hit(&self, key: &str, rule: Rule, now_ms: i64) -> Result<Decision, Error> {
        let params = HitParams::new(key, rule, now_ms);
        let connection = self.connection().map_err(store_error)?;
        let rows = connection
            .query(
                HIT,
                &[
                    text(params.key),
                    ParameterValue::Int64(params.now_ms),
                    ParameterValue::Int64(params.window_ms),
                    ParameterValue::Int32(params.max),
                ],
            )
            .map_err(store_error)?
            .rows;
        let row = rows
            .first()
            .ok_or_else(|| Error::Store("the rate-limit upsert returned no row".to_owned()))?;
        let decoded = (|| {
            Ok::<_, spin_sdk::pg3::Error>(HitRow {
                allowed: bool::decode(column(row, 0)?)?,
                count: i32::decode(column(row, 1)?)?,
                last_request: i64::decode(column(row, 2)?)?,
                sweep: bool::decode(column(row, 3)?)?,
            })
        })()
        .map_err(store_error)?;
        let swept = decoded
            .sweep_before(now_ms)
            .map(|cutoff| connection.execute(SWEEP, &[ParameterValue::Int64(cutoff)]));
        if let Some(Err(e)) = swept {
            eprintln!("auth: sweeping expired rate-limit buckets failed: {e}");
        }
        Ok(decoded.decision(rule, now_ms))
    }
}
