//! Timestamps as Better Auth writes them in JSON: `Date.toJSON()`, i.e. ISO-8601 UTC
//! with exactly three fractional digits and `Z`.

use chrono::DateTime;

/// Formats milliseconds since the Unix epoch as `2026-11-29T17:59:07.177Z`.
/// Values outside chrono's range (never produced by PostgreSQL timestamps) give `None`.
pub fn iso_millis(ms: i64) -> Option<String> {
    DateTime::from_timestamp_millis(ms).map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_milliseconds() {
        assert_eq!(iso_millis(0).as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(
            iso_millis(1_796_580_324_022).as_deref(),
            Some("2026-12-06T18:05:24.022Z")
        );
        assert_eq!(iso_millis(-1).as_deref(), Some("1969-12-31T23:59:59.999Z"));
    }
}
