//! What every endpoint may use: the trusted origins, Better Auth's base URL, the mode,
//! the services, the clock.

use spinstack_auth_rules::origin::TrustedOrigins;
use spinstack_config::ClientIpSource;
use spinstack_rate_limit::RateLimitStore;
use spinstack_sessions::SessionManager;

use crate::router::BASE_PATH;
use crate::store::{UserStore, VerificationStore};

/// The per-request context of the auth endpoints.
pub struct AuthContext<'a> {
    /// `better_auth_url`'s origin and every `cors_origin` entry.
    pub trusted: TrustedOrigins,
    /// Better Auth's `baseURL` (see [`auth_base_url`]): redirects to `/error` and to
    /// relative callback URLs are built on it.
    pub base_url: String,
    /// `node_env` is `production`: `GET /error` redirects instead of rendering a page.
    pub production: bool,
    /// Where the client IP comes from (`trusted_proxy_header`/`trusted_proxy_hops`):
    /// the rate limiter's key and `session.ip_address`.
    pub client_ip: ClientIpSource,
    /// The session component.
    pub sessions: &'a dyn SessionManager,
    /// Users and accounts.
    pub users: &'a dyn UserStore,
    /// The `verification` table.
    pub verifications: &'a dyn VerificationStore,
    /// The shared rate-limit store, set only in production (spec §6.1: Better Auth
    /// limits rates only when `NODE_ENV` is production).
    pub rate_limit: Option<&'a dyn RateLimitStore>,
    /// The current time, milliseconds since the epoch.
    pub now_ms: i64,
}

/// Better Auth's `baseURL` for `better_auth_url` (its `withPath`): the URL itself when
/// it has a path, else the URL without trailing slashes followed by `/api/auth`.
pub fn auth_base_url(better_auth_url: &str) -> String {
    let has_path = url::Url::parse(better_auth_url)
        .is_ok_and(|url| !matches!(url.path().trim_end_matches('/'), ""));
    if has_path {
        better_auth_url.to_owned()
    } else {
        format!("{}{BASE_PATH}", better_auth_url.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::auth_base_url;

    #[test]
    fn appends_the_mount_unless_there_is_a_path() {
        assert_eq!(
            auth_base_url("http://localhost:3000"),
            "http://localhost:3000/api/auth"
        );
        assert_eq!(
            auth_base_url("https://api.example.com//"),
            "https://api.example.com/api/auth"
        );
        assert_eq!(
            auth_base_url("https://example.com/auth"),
            "https://example.com/auth"
        );
    }
}
