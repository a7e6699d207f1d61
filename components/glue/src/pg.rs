//! Helpers for Spin's PostgreSQL (`spin:postgres@3.0.0`) shared by the components'
//! stores: timestamp parameters and columns as milliseconds (Better Auth's UTC
//! wall-clock `timestamp` columns), positional column access, and the `user` row
//! decoder.
//!
//! Remember DESIGN.md's zero-row rule: every query must return at least one row.

use chrono::{DateTime, NaiveDateTime};
use spin_sdk::pg3::{DbValue, Decode, Error as PgError, ParameterValue};
use spinstack_sessions::User;

/// A `timestamp` parameter from milliseconds since the epoch (UTC).
pub fn timestamp(ms: i64) -> ParameterValue {
    DateTime::from_timestamp_millis(ms).map_or(ParameterValue::DbNull, |t| t.naive_utc().into())
}

/// A text parameter.
pub fn text(value: &str) -> ParameterValue {
    ParameterValue::Str(value.to_owned())
}

/// A nullable text parameter.
pub fn optional_text(value: Option<&str>) -> ParameterValue {
    value.map_or(ParameterValue::DbNull, text)
}

/// A `timestamp` column as milliseconds since the epoch.
///
/// # Errors
/// When the value is not a timestamp.
pub fn millis(value: &DbValue) -> Result<i64, PgError> {
    Ok(NaiveDateTime::decode(value)?.and_utc().timestamp_millis())
}

/// Column `index` of `row`.
///
/// # Errors
/// When the row is shorter.
pub fn column(row: &[DbValue], index: usize) -> Result<&DbValue, PgError> {
    row.get(index)
        .ok_or_else(|| PgError::Decode(format!("missing column {index}")))
}

/// The `user` columns `id, name, email, email_verified, image, created_at, updated_at`
/// starting at `first`; `None` when `id` is NULL (no row joined).
///
/// # Errors
/// When a column has an unexpected type.
pub fn user_at(row: &[DbValue], first: usize) -> Result<Option<User>, PgError> {
    let Some(id) = Option::<String>::decode(column(row, first)?)? else {
        return Ok(None);
    };
    Ok(Some(User {
        id,
        name: String::decode(column(row, first + 1)?)?,
        email: String::decode(column(row, first + 2)?)?,
        email_verified: bool::decode(column(row, first + 3)?)?,
        image: Option::<String>::decode(column(row, first + 4)?)?,
        created_at: millis(column(row, first + 5)?)?,
        updated_at: millis(column(row, first + 6)?)?,
    }))
}
