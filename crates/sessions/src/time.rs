//! Timestamps as Better Auth writes them in JSON: ISO 8601 with milliseconds, UTC
//! (`Date.prototype.toJSON`). One formatter for the whole workspace: the cookie
//! cache's, which also writes them into `session_data`.

pub use spinstack_cookie_cache::iso_millis;

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
