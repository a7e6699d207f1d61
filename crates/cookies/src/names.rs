//! Cookie names (spec §3.2): `better-auth.<name>`, prefixed with `__Secure-` when the
//! configured base URL is `https://` (or, with no base URL, in production), and the
//! clearing sequence Better Auth sends when a session ends.

use crate::parse::cookie_names;
use crate::set_cookie::SetCookie;

const COOKIE_PREFIX: &str = "better-auth";
const SECURE_PREFIX: &str = "__Secure-";

/// The names of Better Auth's cookies for one configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieNames {
    /// The signed session token cookie.
    pub session_token: String,
    /// The cookie cache (never set here; only ever expired).
    pub session_data: String,
    /// The signed "don't remember me" flag.
    pub dont_remember: String,
}

impl CookieNames {
    /// Names with or without the `__Secure-` prefix.
    pub fn new(secure_prefix: bool) -> Self {
        let prefix = if secure_prefix { SECURE_PREFIX } else { "" };
        let name = |suffix: &str| format!("{prefix}{COOKIE_PREFIX}.{suffix}");
        Self {
            session_token: name("session_token"),
            session_data: name("session_data"),
            dont_remember: name("dont_remember"),
        }
    }

    /// The `__Secure-` rule: an `https://` base URL, or production when no base URL
    /// is configured.
    pub fn for_base_url(base_url: Option<&str>, production: bool) -> Self {
        let secure = match base_url {
            Some(url) => url.starts_with("https://"),
            None => production,
        };
        Self::new(secure)
    }

    /// The cookies that end a session, in Better Auth's order: `session_token`,
    /// `session_data`, one more `session_data` expiry for each request cookie whose name
    /// starts with the `session_data` name (chunk clean-up), then `dont_remember`.
    pub fn clearing_sequence(&self, request_cookie_header: Option<&str>) -> Vec<SetCookie> {
        let mut cookies = vec![
            SetCookie::clear(&self.session_token),
            SetCookie::clear(&self.session_data),
        ];
        if let Some(header) = request_cookie_header {
            cookies.extend(
                cookie_names(header)
                    .filter(|name| name.starts_with(&self.session_data))
                    .map(SetCookie::clear),
            );
        }
        cookies.push(SetCookie::clear(&self.dont_remember));
        cookies
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_names() {
        let names = CookieNames::for_base_url(Some("http://localhost:3000"), true);
        assert_eq!(names.session_token, "better-auth.session_token");
        assert_eq!(names.dont_remember, "better-auth.dont_remember");
    }

    #[test]
    fn https_names_are_prefixed() {
        let names = CookieNames::for_base_url(Some("https://api.example.com"), false);
        assert_eq!(names.session_token, "__Secure-better-auth.session_token");
        assert_eq!(names.session_data, "__Secure-better-auth.session_data");
    }

    #[test]
    fn clearing_sequence_matches_transcript() {
        let lines: Vec<String> = CookieNames::new(false)
            .clearing_sequence(Some("better-auth.session_token=x"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None",
                "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None",
                "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None",
            ]
        );
    }

    #[test]
    fn clearing_sequence_expires_session_data_chunks() {
        let names = CookieNames::new(false);
        let cleared: Vec<String> = names
            .clearing_sequence(Some(
                "better-auth.session_data.0=a; better-auth.session_data.1=b",
            ))
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(
            cleared,
            [
                "better-auth.session_token",
                "better-auth.session_data",
                "better-auth.session_data.0",
                "better-auth.session_data.1",
                "better-auth.dont_remember",
            ]
        );
    }
}
