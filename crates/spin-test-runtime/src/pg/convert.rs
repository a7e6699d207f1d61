//! Conversions between PostgreSQL values (as tokio-postgres surfaces them) and the
//! `spin:postgres@3.0.0` WIT values, following Spin's `factor-outbound-pg/src/types.rs`
//! and `types/convert.rs` plus the 4.x → 3.0 narrowing in `crates/world/src/conversions.rs`:
//!
//! | PostgreSQL | column type | value |
//! | --- | --- | --- |
//! | `bool` | `boolean` | `boolean` |
//! | `bytea` | `binary` | `binary` |
//! | `float4` / `float8` | `floating32` / `floating64` | same |
//! | `int2` / `int4` / `int8` | `int16` / `int32` / `int64` | same |
//! | `text`, `varchar`, `bpchar` | `str` | `str` |
//! | `timestamp` | `datetime` | `datetime(y, m, d, h, min, s, ns)` |
//! | `timestamptz` | `datetime` | decoding fails → `query-failed` (Spin reads it as a naive timestamp, which tokio-postgres refuses) |
//! | `date` / `time` | `date` / `time` | tuples |
//! | anything else | `other` | `unsupported` (SQL `NULL` stays `db-null`) |
//!
//! Parameters go the other way; `datetime` is sent as `timestamp` (naive), `timestamp(s)`
//! as `timestamptz` seconds since the epoch, `db-null` as a typeless NULL.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use crate::bindings::pg3::{Column, DbDataType, DbValue, ParameterValue};

/// A WIT `datetime` tuple.
pub type WitDatetime = (i32, u8, u8, u8, u8, u8, u32);

/// The column type Spin reports for a PostgreSQL type.
pub fn data_type(ty: &Type) -> DbDataType {
    match *ty {
        Type::BOOL => DbDataType::Boolean,
        Type::BYTEA => DbDataType::Binary,
        Type::FLOAT4 => DbDataType::Floating32,
        Type::FLOAT8 => DbDataType::Floating64,
        Type::INT2 => DbDataType::Int16,
        Type::INT4 => DbDataType::Int32,
        Type::INT8 => DbDataType::Int64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR => DbDataType::Str,
        Type::TIMESTAMP | Type::TIMESTAMPTZ => DbDataType::Datetime,
        Type::DATE => DbDataType::Date,
        Type::TIME => DbDataType::Time,
        _ => DbDataType::Other,
    }
}

/// Column descriptions, taken from a row as Spin does.
pub fn columns(row: &Row) -> Vec<Column> {
    row.columns()
        .iter()
        .map(|c| Column {
            name: c.name().to_owned(),
            data_type: data_type(c.type_()),
        })
        .collect()
}

/// Converts every value of a row.
///
/// # Errors
///
/// A message when a value cannot be decoded (Spin maps it to `query-failed`).
pub fn row(row: &Row) -> Result<Vec<DbValue>, String> {
    (0..row.len()).map(|i| value(row, i)).collect()
}

fn get<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> Result<Option<T>, String> {
    row.try_get::<_, Option<T>>(i).map_err(|e| format!("{e:?}"))
}

fn map<'a, T: FromSql<'a>>(
    row: &'a Row,
    i: usize,
    f: impl FnOnce(T) -> Result<DbValue, String>,
) -> Result<DbValue, String> {
    match get::<T>(row, i)? {
        Some(v) => f(v),
        None => Ok(DbValue::DbNull),
    }
}

fn value(row: &Row, i: usize) -> Result<DbValue, String> {
    let ty = row.columns()[i].type_().clone();
    match ty {
        Type::BOOL => map(row, i, |v| Ok(DbValue::Boolean(v))),
        Type::BYTEA => map(row, i, |v| Ok(DbValue::Binary(v))),
        Type::FLOAT4 => map(row, i, |v| Ok(DbValue::Floating32(v))),
        Type::FLOAT8 => map(row, i, |v| Ok(DbValue::Floating64(v))),
        Type::INT2 => map(row, i, |v| Ok(DbValue::Int16(v))),
        Type::INT4 => map(row, i, |v| Ok(DbValue::Int32(v))),
        Type::INT8 => map(row, i, |v| Ok(DbValue::Int64(v))),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR => map(row, i, |v| Ok(DbValue::Str(v))),
        // Spin decodes both as `NaiveDateTime`, which tokio-postgres accepts only for
        // `timestamp`: a `timestamptz` column fails here exactly as it does in Spin.
        Type::TIMESTAMP | Type::TIMESTAMPTZ => map(row, i, |v: NaiveDateTime| {
            datetime_to_wit(v).map(DbValue::Datetime)
        }),
        Type::DATE => map(row, i, |v: NaiveDate| date_to_wit(v).map(DbValue::Date)),
        Type::TIME => map(row, i, |v: NaiveTime| time_to_wit(v).map(DbValue::Time)),
        _ => map(row, i, |_: Opaque| Ok(DbValue::Unsupported)),
    }
}

/// Any value of any type, undecoded: only its NULL-ness matters.
struct Opaque;

impl<'a> FromSql<'a> for Opaque {
    fn from_sql(_: &Type, _: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Opaque)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// `NaiveDateTime` → `(year, month, day, hour, minute, second, nanosecond)`.
///
/// # Errors
///
/// Never in practice (chrono's components fit); kept fallible like Spin's.
pub fn datetime_to_wit(v: NaiveDateTime) -> Result<WitDatetime, String> {
    let narrow = |x: u32| u8::try_from(x).map_err(|e| e.to_string());
    Ok((
        v.year(),
        narrow(v.month())?,
        narrow(v.day())?,
        narrow(v.hour())?,
        narrow(v.minute())?,
        narrow(v.second())?,
        v.nanosecond(),
    ))
}

/// `NaiveDate` → `(year, month, day)`.
///
/// # Errors
///
/// As [`datetime_to_wit`].
pub fn date_to_wit(v: NaiveDate) -> Result<(i32, u8, u8), String> {
    let narrow = |x: u32| u8::try_from(x).map_err(|e| e.to_string());
    Ok((v.year(), narrow(v.month())?, narrow(v.day())?))
}

/// `NaiveTime` → `(hour, minute, second, nanosecond)`.
///
/// # Errors
///
/// As [`datetime_to_wit`].
pub fn time_to_wit(v: NaiveTime) -> Result<(u8, u8, u8, u32), String> {
    let narrow = |x: u32| u8::try_from(x).map_err(|e| e.to_string());
    Ok((
        narrow(v.hour())?,
        narrow(v.minute())?,
        narrow(v.second())?,
        v.nanosecond(),
    ))
}

/// The tuple → `NaiveDateTime`, with Spin's messages for impossible dates and times.
///
/// # Errors
///
/// `invalid date …` / `invalid time …`.
pub fn datetime_from_wit((y, mon, d, h, min, s, ns): WitDatetime) -> Result<NaiveDateTime, String> {
    let date = date_from_wit((y, mon, d))?;
    let time = time_from_wit((h, min, s, ns))?;
    Ok(NaiveDateTime::new(date, time))
}

/// The tuple → `NaiveDate`.
///
/// # Errors
///
/// `invalid date y=…, m=…, d=…`.
pub fn date_from_wit((y, mon, d): (i32, u8, u8)) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, mon.into(), d.into())
        .ok_or_else(|| format!("invalid date y={y}, m={mon}, d={d}"))
}

/// The tuple → `NaiveTime`.
///
/// # Errors
///
/// `invalid time h:m:s:ns`.
pub fn time_from_wit((h, min, s, ns): (u8, u8, u8, u32)) -> Result<NaiveTime, String> {
    NaiveTime::from_hms_nano_opt(h.into(), min.into(), s.into(), ns)
        .ok_or_else(|| format!("invalid time {h}:{min}:{s}:{ns}"))
}

/// Seconds since the epoch → a UTC instant.
///
/// # Errors
///
/// `invalid epoch timestamp …` out of chrono's range.
pub fn timestamp_from_wit(secs: i64) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::<chrono::Utc>::from_timestamp(secs, 0)
        .ok_or_else(|| format!("invalid epoch timestamp {secs}"))
}

/// A parameter ready for tokio-postgres.
pub type SqlParam = Box<dyn ToSql + Send + Sync>;

/// Converts one guest parameter.
///
/// # Errors
///
/// A message for an impossible date, time or timestamp.
pub fn parameter(p: &ParameterValue) -> Result<SqlParam, String> {
    Ok(match p {
        ParameterValue::Boolean(v) => Box::new(*v),
        ParameterValue::Int8(v) => Box::new(*v),
        ParameterValue::Int16(v) => Box::new(*v),
        ParameterValue::Int32(v) => Box::new(*v),
        ParameterValue::Int64(v) => Box::new(*v),
        ParameterValue::Floating32(v) => Box::new(*v),
        ParameterValue::Floating64(v) => Box::new(*v),
        ParameterValue::Str(v) => Box::new(v.clone()),
        ParameterValue::Binary(v) => Box::new(v.clone()),
        ParameterValue::Date(v) => Box::new(date_from_wit(*v)?),
        ParameterValue::Time(v) => Box::new(time_from_wit(*v)?),
        ParameterValue::Datetime(v) => Box::new(datetime_from_wit(*v)?),
        ParameterValue::Timestamp(v) => Box::new(timestamp_from_wit(*v)?),
        ParameterValue::DbNull => Box::new(Null),
    })
}

/// SQL NULL for a parameter of any type.
#[derive(Debug)]
struct Null;

impl ToSql for Null {
    fn to_sql(
        &self,
        _: &Type,
        _: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        Ok(IsNull::Yes)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_round_trips() -> Result<(), String> {
        let wit = (2024, 2, 29, 23, 59, 58, 123_456_000);
        let pg = datetime_from_wit(wit)?;
        assert_eq!(pg.to_string(), "2024-02-29 23:59:58.123456");
        assert_eq!(datetime_to_wit(pg)?, wit);
        assert_eq!(date_to_wit(date_from_wit((1999, 12, 31))?)?, (1999, 12, 31));
        assert_eq!(time_to_wit(time_from_wit((7, 8, 9, 10))?)?, (7, 8, 9, 10));
        Ok(())
    }

    #[test]
    fn impossible_values_are_refused_with_spins_messages() {
        assert_eq!(
            datetime_from_wit((2023, 2, 29, 0, 0, 0, 0)),
            Err("invalid date y=2023, m=2, d=29".to_owned())
        );
        assert_eq!(
            time_from_wit((24, 0, 0, 0)),
            Err("invalid time 24:0:0:0".to_owned())
        );
        assert!(timestamp_from_wit(i64::MAX).is_err());
        assert!(parameter(&ParameterValue::Date((2023, 13, 1))).is_err());
    }

    #[test]
    fn timestamps_are_seconds_since_the_epoch() -> Result<(), String> {
        assert_eq!(
            timestamp_from_wit(0)?.to_rfc3339(),
            "1970-01-01T00:00:00+00:00"
        );
        assert_eq!(
            timestamp_from_wit(-86_400)?.date_naive().to_string(),
            "1969-12-31"
        );
        Ok(())
    }

    #[test]
    fn column_types_follow_spin() {
        assert_eq!(data_type(&Type::INT8), DbDataType::Int64);
        assert_eq!(data_type(&Type::VARCHAR), DbDataType::Str);
        assert_eq!(data_type(&Type::BPCHAR), DbDataType::Str);
        assert_eq!(data_type(&Type::TIMESTAMPTZ), DbDataType::Datetime);
        assert_eq!(data_type(&Type::UUID), DbDataType::Other);
        assert_eq!(data_type(&Type::JSONB), DbDataType::Other);
        assert_eq!(data_type(&Type::CHAR), DbDataType::Other);
    }

    #[test]
    fn parameters_accept_their_postgres_types() -> Result<(), String> {
        let accepts = |p: ParameterValue, ty: Type| -> Result<bool, String> {
            let sql = parameter(&p)?;
            Ok(sql.to_sql_checked(&ty, &mut bytes::BytesMut::new()).is_ok())
        };
        assert!(accepts(ParameterValue::Str("x".to_owned()), Type::TEXT)?);
        assert!(accepts(ParameterValue::Int64(1), Type::INT8)?);
        assert!(!accepts(ParameterValue::Int32(1), Type::INT8)?);
        assert!(accepts(
            ParameterValue::Datetime((2020, 1, 1, 0, 0, 0, 0)),
            Type::TIMESTAMP
        )?);
        assert!(!accepts(
            ParameterValue::Datetime((2020, 1, 1, 0, 0, 0, 0)),
            Type::TIMESTAMPTZ
        )?);
        assert!(accepts(ParameterValue::Timestamp(0), Type::TIMESTAMPTZ)?);
        assert!(accepts(ParameterValue::DbNull, Type::UUID)?);
        assert!(accepts(ParameterValue::Binary(vec![1]), Type::BYTEA)?);
        Ok(())
    }
}
