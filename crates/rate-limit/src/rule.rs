//! Which bucket a request counts against (spec better-auth-protocol.md §6.1): the path
//! relative to Better Auth's base path, the rule (window and maximum) for that path, and
//! the key `"<ip>|<path>"`. One deliberate step beyond upstream: `/verify-password`,
//! which tells whether a password is the signed-in user's, counts as a credentials path
//! (upstream leaves it at the default 100 per 10 s, fast guessing with a stolen cookie).

use std::num::NonZeroU16;

/// Where Better Auth is mounted; rules and keys use the path below it.
pub const BASE_PATH: &str = "/api/auth";

/// The IP part of the key when the request carries no usable client IP (§6.3): every
/// such request shares one bucket per path, so the limiter fails closed.
pub const NO_TRUSTED_IP: &str = "no-trusted-ip";

/// How many requests a bucket allows, and over which window.
///
/// The maximum is at least 1 (a `NonZeroU16`): Better Auth always lets the first
/// request of a bucket through, and the PostgreSQL statement ([`crate::sql::HIT`])
/// relies on `max + 1` fitting an `integer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    window_secs: u32,
    max: NonZeroU16,
}

impl Rule {
    /// Everything without a special rule, `/get-session` and unknown paths included:
    /// 100 requests per 10 s.
    pub const DEFAULT: Rule = Rule::new(10, nonzero(100));
    /// `/sign-in*`, `/sign-up*`, `/change-password*`, `/change-email*` and (beyond
    /// upstream) `/verify-password*`: 3 per 10 s.
    pub const CREDENTIALS: Rule = Rule::new(10, nonzero(3));
    /// Mail-sending paths (`/request-password-reset`, `/send-verification-email`,
    /// `/forget-password*`, `/email-otp/*`): 3 per 60 s.
    pub const MAIL: Rule = Rule::new(60, nonzero(3));

    /// A rule allowing `max` requests per `window_secs` seconds.
    pub const fn new(window_secs: u32, max: NonZeroU16) -> Self {
        Self { window_secs, max }
    }

    /// The window in seconds, as Better Auth configures it.
    pub const fn window_secs(self) -> u32 {
        self.window_secs
    }

    /// The window in milliseconds (the unit of `last_request`).
    pub const fn window_ms(self) -> i64 {
        self.window_secs as i64 * 1000
    }

    /// The number of requests allowed per window.
    pub const fn max(self) -> u16 {
        self.max.get()
    }
}

/// `n` as a `NonZeroU16`, for the constants above (evaluated at compile time).
const fn nonzero(n: u16) -> NonZeroU16 {
    match NonZeroU16::new(n) {
        Some(n) => n,
        None => panic!("a rate-limit maximum must be at least 1"),
    }
}

/// The path the rules and the key use: `path` (a request path, without the query)
/// with the [`BASE_PATH`] prefix and any trailing slashes removed, as Better Auth
/// computes it. `/api/auth/sign-in/email/` gives `/sign-in/email`; `/api/auth/` gives
/// the empty string. A path outside the base path is kept whole.
pub fn relative_path(path: &str) -> &str {
    let relative = match path.strip_prefix(BASE_PATH) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
        _ => path,
    };
    relative.trim_end_matches('/')
}

/// The rule for a path relative to the base path (see [`relative_path`]).
pub fn rule_for(relative: &str) -> Rule {
    const CREDENTIAL_PREFIXES: [&str; 5] = [
        "/sign-in",
        "/sign-up",
        "/change-password",
        "/change-email",
        // Not upstream's: see the module documentation.
        "/verify-password",
    ];
    // Better Auth matches these with `startsWith`, so `/sign-inx` counts too.
    if CREDENTIAL_PREFIXES.iter().any(|p| relative.starts_with(p)) {
        return Rule::CREDENTIALS;
    }
    if matches!(
        relative,
        "/request-password-reset" | "/send-verification-email"
    ) || relative.starts_with("/forget-password")
        || relative.starts_with("/email-otp/")
    {
        return Rule::MAIL;
    }
    Rule::DEFAULT
}

/// The bucket key `"<ip>|<path>"`, with [`NO_TRUSTED_IP`] when `ip` is unknown.
///
/// `ip` is the client IP as the caller normalised it (§6.3), `relative` the path from
/// [`relative_path`]. An IP never contains `|`, so keys of different IPs cannot collide.
pub fn key(ip: Option<&str>, relative: &str) -> String {
    format!("{}|{relative}", ip.unwrap_or(NO_TRUSTED_IP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path("/api/auth/sign-in/email"), "/sign-in/email");
        assert_eq!(
            relative_path("/api/auth/sign-in/email///"),
            "/sign-in/email"
        );
        assert_eq!(relative_path("/api/auth/get-session"), "/get-session");
        assert_eq!(relative_path("/api/auth/"), "");
        assert_eq!(relative_path("/api/auth"), "");
        assert_eq!(relative_path("/api/authx/sign-in"), "/api/authx/sign-in");
        assert_eq!(relative_path("/sign-up/email/"), "/sign-up/email");
    }

    #[test]
    fn credential_paths_get_3_per_10_s() {
        for path in [
            "/sign-in/email",
            "/sign-in",
            "/sign-inx",
            "/sign-up/email",
            "/change-password",
            "/change-email",
        ] {
            assert_eq!(rule_for(path), Rule::CREDENTIALS, "{path}");
        }
        assert_eq!(Rule::CREDENTIALS.window_ms(), 10_000);
        assert_eq!(Rule::CREDENTIALS.max(), 3);
    }

    /// Beyond upstream: `/verify-password` checks the password of the cookie's user,
    /// so a stolen cookie must not allow 100 guesses per 10 s.
    #[test]
    fn verify_password_gets_the_credentials_rule() {
        assert_eq!(rule_for("/verify-password"), Rule::CREDENTIALS);
        assert_eq!(
            rule_for(relative_path("/api/auth/verify-password/")),
            Rule::CREDENTIALS
        );
        let store = crate::MemoryStore::new();
        let ip = Some("198.51.100.9");
        for now in 0..3 {
            let allowed = crate::check(&store, "/api/auth/verify-password", ip, now);
            assert!(matches!(allowed, Ok(None)), "request {now}");
        }
        let refused = crate::check(&store, "/api/auth/verify-password", ip, 3);
        assert!(matches!(refused, Ok(Some(response)) if response.status == 429));
    }

    #[test]
    fn mail_paths_get_3_per_60_s() {
        for path in [
            "/request-password-reset",
            "/send-verification-email",
            "/forget-password",
            "/forget-password/email-otp",
            "/email-otp/send-verification-otp",
        ] {
            assert_eq!(rule_for(path), Rule::MAIL, "{path}");
        }
        assert_eq!(Rule::MAIL.window_secs(), 60);
        assert_eq!(Rule::MAIL.max(), 3);
    }

    #[test]
    fn everything_else_gets_100_per_10_s() {
        for path in [
            "/get-session",
            "/sign-out",
            "/request-password-reset/x",
            "/send-verification-emails",
            "/email-otp",
            "/unknown",
            "",
            "/api/authx/sign-in",
        ] {
            assert_eq!(rule_for(path), Rule::DEFAULT, "{path}");
        }
        assert_eq!(Rule::DEFAULT.window_ms(), 10_000);
        assert_eq!(Rule::DEFAULT.max(), 100);
    }

    #[test]
    fn keys() {
        assert_eq!(
            key(Some("203.0.113.7"), "/sign-in/email"),
            "203.0.113.7|/sign-in/email"
        );
        assert_eq!(
            key(Some("2001:db8:0:0:0:0:0:0"), "/get-session"),
            "2001:db8:0:0:0:0:0:0|/get-session"
        );
        assert_eq!(key(None, "/sign-in/email"), "no-trusted-ip|/sign-in/email");
        assert_eq!(key(None, ""), "no-trusted-ip|");
    }
}
