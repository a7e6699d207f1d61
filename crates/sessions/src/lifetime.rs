//! Session lifetime parameters (spec §3.4), in milliseconds.

/// A new or refreshed session lives 7 days (`expiresIn`).
pub const EXPIRES_IN_MS: i64 = 604_800_000;
/// A `rememberMe: false` session lives one day and is never refreshed.
pub const DONT_REMEMBER_EXPIRES_IN_MS: i64 = 86_400_000;
/// The sliding refresh happens once a session is a day old (`updateAge`).
pub const UPDATE_AGE_MS: i64 = 86_400_000;
/// `Max-Age` of a remembered session cookie, in seconds.
pub const COOKIE_MAX_AGE_SECS: u64 = 604_800;

/// Whether the sliding refresh is due: the session was created or last refreshed at
/// least `updateAge` ago (`expiresAt - expiresIn + updateAge <= now`).
pub fn refresh_due(expires_at_ms: i64, now_ms: i64) -> bool {
    expires_at_ms - EXPIRES_IN_MS + UPDATE_AGE_MS <= now_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_is_due_after_one_day() {
        let created = 1_000_000_000_000;
        let expires = created + EXPIRES_IN_MS;
        assert!(!refresh_due(expires, created));
        assert!(!refresh_due(expires, created + UPDATE_AGE_MS - 1));
        assert!(refresh_due(expires, created + UPDATE_AGE_MS));
    }
}
