//! Better Auth's rate limiter (spec better-auth-protocol.md §6) with its buckets in a
//! store every Spin instance shares: Better Auth keeps them in process memory, which
//! is useless when each request gets a fresh, short-lived instance.
//!
//! - [`rule`]: which bucket a request counts against — the path relative to
//!   `/api/auth`, its [`Rule`], the key `"<ip>|<path>"`;
//! - [`decision`]: the algorithm in its plain form ([`decide`]), `X-Retry-After` and
//!   the 429 response;
//! - [`store`]: the [`RateLimitStore`] trait and an in-memory store for tests;
//! - [`sql`]: the same algorithm as one atomic PostgreSQL statement, plus the
//!   housekeeping statement, for the `auth` component to run through Spin.
//!
//! The caller enables the limiter only when `node_env` is `production` (§6.1) and runs
//! [`check`] first for every request Better Auth handles, before routing (§2.4).
//!
//! ```
//! use spinstack_rate_limit::{MemoryStore, check};
//!
//! let store = MemoryStore::new();
//! for _ in 0..3 {
//!     assert!(check(&store, "/api/auth/sign-in/email", None, 0)?.is_none());
//! }
//! let refused = check(&store, "/api/auth/sign-in/email", None, 5)?.expect("4th refused");
//! assert_eq!(refused.status, 429);
//! assert_eq!(refused.header("x-retry-after"), Some("10"));
//! # Ok::<(), spinstack_rate_limit::Error>(())
//! ```

#![forbid(unsafe_code)]

pub mod decision;
pub mod rule;
pub mod sql;
pub mod store;

use spinstack_http::Response;

pub use decision::{Decision, Entry, decide, retry_after_secs, too_many_requests};
pub use rule::{BASE_PATH, NO_TRUSTED_IP, Rule, key, relative_path, rule_for};
pub use store::{Error, MemoryStore, RateLimitStore};

/// Counts a request to `path` (the request path, e.g. `/api/auth/sign-in/email`) from
/// client `ip` (`None` when it has no usable IP) at `now_ms`, milliseconds since the
/// Unix epoch. Returns the 429 response to send when the request is refused, `None`
/// when it may go on.
///
/// # Errors
/// [`Error::Store`] when the store fails.
pub fn check<S: RateLimitStore + ?Sized>(
    store: &S,
    path: &str,
    ip: Option<&str>,
    now_ms: i64,
) -> Result<Option<Response>, Error> {
    let relative = relative_path(path);
    let rule = rule_for(relative);
    let decision = store.hit(&key(ip, relative), rule, now_ms)?;
    Ok(decision.response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_uses_the_paths_rule_and_key() -> Result<(), Error> {
        let store = MemoryStore::new();
        let ip = Some("198.51.100.4");
        for now in 0..3 {
            assert_eq!(check(&store, "/api/auth/sign-up/email/", ip, now)?, None);
        }
        let refused = check(&store, "/api/auth/sign-up/email", ip, 3)?;
        assert_eq!(refused, Some(too_many_requests(10)));
        // Same path, no IP: the shared bucket, still empty.
        assert_eq!(check(&store, "/api/auth/sign-up/email", None, 3)?, None);
        assert!(store.entry("no-trusted-ip|/sign-up/email").is_some());
        assert_eq!(
            store.entry("198.51.100.4|/sign-up/email"),
            Some(Entry {
                count: 3,
                last_request_ms: 2
            })
        );
        // The default rule allows 100.
        for now in 0..100 {
            assert_eq!(check(&store, "/api/auth/get-session", ip, now)?, None);
        }
        assert!(check(&store, "/api/auth/get-session", ip, 100)?.is_some());
        Ok(())
    }
}
