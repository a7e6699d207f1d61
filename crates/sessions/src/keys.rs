//! What one configuration signs, names and caches sessions with: the key ring of
//! `better_auth_secrets` / `better_auth_secret`, the cookie names, and the cookie
//! cache when it is on. Signed cookies are always written with the current secret
//! and verified with every secret of the ring (beyond Better Auth 1.7.x, which signs
//! every user out on rotation; spec cookie-cache-and-secrets.md §9.5), reporting
//! which secret matched so a cookie signed with an older one can be re-signed.

use spinstack_cookie_cache::{KeyRing, SessionCache, Verified};
use spinstack_cookies::{CookieNames, cookie_value, signed_cookie_value};

/// The secrets, cookie names and cookie cache of one configuration.
#[derive(Debug, Clone)]
pub struct SessionKeys {
    /// The secrets, current first.
    pub ring: KeyRing,
    /// The cookie names (with or without `__Secure-`).
    pub names: CookieNames,
    /// The `session_data` cookie cache, when `session_cookie_cache_max_age` is set.
    pub cache: Option<SessionCache>,
}

impl SessionKeys {
    /// One secret, no cookie cache.
    pub fn single(secret: impl Into<String>, names: CookieNames) -> Self {
        Self {
            ring: KeyRing::single(secret),
            names,
            cache: None,
        }
    }

    /// `value` signed with the current secret, as a cookie value.
    pub fn sign(&self, value: &str) -> String {
        signed_cookie_value(self.ring.current().value(), value)
    }

    /// The value of the signed cookie `name` in `cookie_header` and the secret that
    /// signed it, if any secret of the ring did.
    pub fn verified_cookie(
        &self,
        cookie_header: Option<&str>,
        name: &str,
    ) -> Option<Verified<String>> {
        let value = cookie_value(cookie_header?, name)?;
        self.ring.verify_signed_cookie(&value)
    }

    /// The verified session token of a request's cookies.
    pub fn session_token(&self, cookie_header: Option<&str>) -> Option<Verified<String>> {
        self.verified_cookie(cookie_header, &self.names.session_token)
    }

    /// Whether the request carries a validly signed `dont_remember` cookie.
    pub fn has_dont_remember(&self, cookie_header: Option<&str>) -> bool {
        self.verified_cookie(cookie_header, &self.names.dont_remember)
            .is_some()
    }

    /// The payload of an HS256 JWS (Better Auth's email-verification token) signed
    /// with any secret of the ring ([`crate::jws::verify_hs256`]).
    pub fn verify_token(&self, token: &str) -> Option<String> {
        self.ring
            .verify(|secret| crate::jws::verify_hs256(secret, token))
            .map(|verified| verified.value)
    }
}
