//! Creating a session (spec §3.5, §3.7) and the cookies that carry it: a 7-day
//! session with a `Max-Age` cookie, or — with `rememberMe: false` — a 1-day session,
//! a browser-session cookie and a signed `dont_remember` flag. A stale
//! `dont_remember` cookie is cleared on a remembered sign-in (§12 item 9), which
//! upstream forgets to do. With the cookie cache on, the session and its user are
//! also written into `session_data`, after the session cookies (spec
//! cookie-cache-and-secrets.md §7).

use spinstack_cookie_cache::{JweRandomness, Persistence};
use spinstack_cookies::{SetCookie, cookie_value};

use crate::cache;
use crate::keys::SessionKeys;
use crate::lifetime::{COOKIE_MAX_AGE_SECS, DONT_REMEMBER_EXPIRES_IN_MS, EXPIRES_IN_MS};
use crate::model::{Session, SessionWithUser};

/// What the caller knows about the session to create.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Owner.
    pub user_id: String,
    /// `rememberMe` (`None` when the caller did not say, as change-password: the
    /// session lasts 7 days and a valid `dont_remember` request cookie decides its
    /// cookies, as Better Auth's `createSession(userId)` + `setSessionCookie` do).
    pub remember: Option<bool>,
    /// Client IP (`""` when unknown).
    pub ip_address: Option<String>,
    /// Client user agent (`""` when absent).
    pub user_agent: Option<String>,
}

/// The effective `rememberMe` of a request.
pub fn remembered(keys: &SessionKeys, remember: Option<bool>, cookie_header: Option<&str>) -> bool {
    remember.unwrap_or_else(|| !keys.has_dont_remember(cookie_header))
}

/// The session row for `new`, with a fresh id and token, created at `now_ms`.
pub fn session_row(
    new: &NewSession,
    remember: bool,
    id: String,
    token: String,
    now_ms: i64,
) -> Session {
    let lifetime = if remember {
        EXPIRES_IN_MS
    } else {
        DONT_REMEMBER_EXPIRES_IN_MS
    };
    Session {
        id,
        token,
        user_id: new.user_id.clone(),
        expires_at: now_ms + lifetime,
        created_at: now_ms,
        updated_at: now_ms,
        ip_address: new.ip_address.clone(),
        user_agent: new.user_agent.clone(),
    }
}

/// The cookies that hand `token` to the browser.
pub fn session_cookies(
    keys: &SessionKeys,
    token: &str,
    remember: bool,
    cookie_header: Option<&str>,
) -> Vec<SetCookie> {
    let mut cookies = vec![SetCookie {
        name: keys.names.session_token.clone(),
        value: keys.sign(token),
        max_age: remember.then_some(COOKIE_MAX_AGE_SECS),
    }];
    if !remember {
        cookies.push(SetCookie {
            name: keys.names.dont_remember.clone(),
            value: keys.sign("true"),
            max_age: None,
        });
    } else if cookie_header.is_some_and(|h| cookie_value(h, &keys.names.dont_remember).is_some()) {
        cookies.push(SetCookie::clear(&keys.names.dont_remember));
    }
    cookies
}

/// [`session_cookies`] for `live`, then its cache cookies when the cache is on: what
/// sign-in, sign-up, a password change and update-user send.
pub fn session_and_cache_cookies(
    keys: &SessionKeys,
    live: &SessionWithUser,
    remember: bool,
    cookie_header: Option<&str>,
    now_ms: i64,
    randomness: &JweRandomness,
) -> Vec<SetCookie> {
    let mut cookies = session_cookies(keys, &live.session.token, remember, cookie_header);
    let persistence = if remember {
        Persistence::Remembered
    } else {
        Persistence::DontRemember
    };
    cookies.extend(cache::write(
        keys,
        live,
        persistence,
        cookie_header,
        now_ms,
        randomness,
    ));
    cookies
}

#[cfg(test)]
mod tests {
    use super::*;
    use spinstack_cookies::{CookieNames, signed_cookie_value};

    const SECRET: &str = "test-secret-test-secret-test-secret!";

    fn keys() -> SessionKeys {
        SessionKeys::single(SECRET, CookieNames::new(false))
    }

    fn lines(cookies: &[SetCookie]) -> Vec<String> {
        cookies.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn remembered_session_lasts_a_week_with_max_age() {
        let new = NewSession {
            user_id: "u".into(),
            remember: Some(true),
            ip_address: Some(String::new()),
            user_agent: None,
        };
        let row = session_row(&new, true, "i".into(), "t".into(), 1000);
        assert_eq!(row.expires_at, 1000 + EXPIRES_IN_MS);
        let token = "abcdefghijklmnopqrstuvwxyzABCDEF";
        assert_eq!(
            lines(&session_cookies(&keys(), token, true, None)),
            [format!(
                "better-auth.session_token={}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=None",
                signed_cookie_value(SECRET, token)
            )]
        );
    }

    #[test]
    fn forgotten_session_lasts_a_day_with_browser_cookies() {
        let new = NewSession {
            user_id: "u".into(),
            remember: Some(false),
            ip_address: None,
            user_agent: None,
        };
        let row = session_row(&new, false, "i".into(), "t".into(), 0);
        assert_eq!(row.expires_at, DONT_REMEMBER_EXPIRES_IN_MS);
        let got = lines(&session_cookies(&keys(), "tok", false, None));
        assert_eq!(
            got,
            [
                format!(
                    "better-auth.session_token={}; Path=/; HttpOnly; Secure; SameSite=None",
                    signed_cookie_value(SECRET, "tok")
                ),
                format!(
                    "better-auth.dont_remember={}; Path=/; HttpOnly; Secure; SameSite=None",
                    signed_cookie_value(SECRET, "true")
                ),
            ]
        );
    }

    #[test]
    fn stale_dont_remember_is_cleared_on_remembered_sign_in() {
        let got = lines(&session_cookies(
            &keys(),
            "tok",
            true,
            Some("better-auth.dont_remember=x"),
        ));
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[1],
            "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None"
        );
    }

    #[test]
    fn unspecified_remember_follows_a_valid_dont_remember_cookie() {
        let valid = format!(
            "better-auth.dont_remember={}",
            signed_cookie_value(SECRET, "true")
        );
        assert!(!remembered(&keys(), None, Some(&valid)));
        assert!(remembered(
            &keys(),
            None,
            Some("better-auth.dont_remember=true")
        ));
        assert!(remembered(&keys(), None, None));
        assert!(!remembered(&keys(), Some(false), None));
    }
}
