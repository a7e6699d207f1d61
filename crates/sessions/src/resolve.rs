//! Better Auth's `GET /get-session` algorithm (spec better-auth-protocol.md §3.6 and,
//! with the cookie cache, cookie-cache-and-secrets.md §5.1), shared by every endpoint
//! and procedure that needs the caller's session.
//!
//! With the cache on, a valid `session_data` cookie written for the request's session
//! answers without the store; an invalid one is expired and the store decides, and
//! the store's answer is written back into the cache. A session cookie signed with an
//! older secret of the ring is accepted and re-signed with the current one.

use spinstack_cookie_cache::{CacheRead, JweRandomness, Persistence, Verified, chunks};
use spinstack_cookies::SetCookie;

use crate::cache;
use crate::create::session_cookies;
use crate::keys::SessionKeys;
use crate::lifetime::{COOKIE_MAX_AGE_SECS, EXPIRES_IN_MS, refresh_due};
use crate::model::SessionWithUser;
use crate::store::SessionStore;

/// One resolution request.
#[derive(Debug, Clone, Copy)]
pub struct ResolveRequest<'a> {
    /// The request's `Cookie` header.
    pub cookie_header: Option<&'a str>,
    /// `disableRefresh`: never extend the session.
    pub disable_refresh: bool,
    /// `disableCookieCache`, or an endpoint that must confirm the session in the
    /// database: the cache is not read (it is still rewritten from the database).
    pub disable_cookie_cache: bool,
    /// The current time, milliseconds since the epoch.
    pub now_ms: i64,
    /// Fresh random bytes for a jwe cache write.
    pub randomness: JweRandomness,
}

/// What the cookies amount to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// No validly signed cookie, or an unknown or expired session.
    Anonymous,
    /// A live session (boxed: it is large, the other outcomes are empty).
    SignedIn(Box<SessionWithUser>),
    /// The refresh found its row gone: 401 `FAILED_TO_GET_SESSION`.
    RefreshFailed,
}

/// The outcome and the cookies to send with the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// What the cookies amount to.
    pub outcome: Outcome,
    /// `Set-Cookie` lines to send, in order.
    pub set_cookies: Vec<SetCookie>,
}

impl Resolution {
    fn anonymous(set_cookies: Vec<SetCookie>) -> Self {
        Self {
            outcome: Outcome::Anonymous,
            set_cookies,
        }
    }

    fn signed_in(live: SessionWithUser, set_cookies: Vec<SetCookie>) -> Self {
        Self {
            outcome: Outcome::SignedIn(Box::new(live)),
            set_cookies,
        }
    }
}

/// Resolves the session of a request. The store is only touched when a validly signed
/// session cookie is present and no valid cache cookie answers for it.
///
/// # Errors
/// Whatever the store reports; nothing is half-done that a retry would not redo.
pub fn resolve<S: SessionStore>(
    store: &mut S,
    keys: &SessionKeys,
    request: ResolveRequest<'_>,
) -> Result<Resolution, S::Error> {
    let header = request.cookie_header;
    let raw_cache = header.and_then(|h| chunks::read(h, &keys.names.session_data));
    // Step 5: with the cache off, any cache cookie is cleaned, session or not.
    let mut set_cookies = match (&keys.cache, &raw_cache) {
        (None, Some(_)) => chunks::clear(header, &keys.names.session_data),
        _ => Vec::new(),
    };
    // Step 3: an absent or badly signed cookie is no session, and clears nothing more.
    let Some(token) = keys.session_token(header) else {
        return Ok(Resolution::anonymous(set_cookies));
    };
    // Verified once: whether it is there, and whether an older secret signed it.
    let dont_remember_cookie = keys.verified_cookie(header, &keys.names.dont_remember);
    let dont_remember = dont_remember_cookie.is_some();
    // Steps 7, 9 and 10: a valid cache answers; an invalid one is expired.
    if let (Some(cache), Some(raw), false) = (&keys.cache, &raw_cache, request.disable_cookie_cache)
    {
        match cache.read(raw, &token.value, request.now_ms) {
            CacheRead::Hit(hit) => {
                let live = cache::live_from(hit.data);
                let resigned = resign(keys, &token, dont_remember_cookie.as_ref(), header);
                return Ok(Resolution::signed_in(live, resigned));
            }
            CacheRead::Fallback(_) => {
                set_cookies.push(SetCookie::clear(&keys.names.session_data));
            }
        }
    }
    // The database path (BASE steps 6–9).
    let found = store.find_by_token(&token.value)?;
    let live = match found {
        Some(stored) if stored.session.expires_at >= request.now_ms => {
            stored.user.map(|user| SessionWithUser {
                session: stored.session,
                user,
            })
        }
        Some(_expired) => {
            store.delete_by_token(&token.value)?;
            None
        }
        None => None,
    };
    let Some(mut live) = live else {
        // The clearing sequence expires the cache itself: it replaces any expiry
        // queued above, as Better Auth's `expire` does.
        return Ok(Resolution::anonymous(keys.names.clearing_sequence(header)));
    };
    if dont_remember || request.disable_refresh {
        set_cookies.extend(resign(keys, &token, dont_remember_cookie.as_ref(), header));
        return Ok(Resolution::signed_in(live, set_cookies));
    }
    if refresh_due(live.session.expires_at, request.now_ms) {
        let expires_at = request.now_ms + EXPIRES_IN_MS;
        if !store.extend(&live.session.id, expires_at, request.now_ms)? {
            return Ok(Resolution {
                outcome: Outcome::RefreshFailed,
                set_cookies: keys.names.clearing_sequence(header),
            });
        }
        live.session.expires_at = expires_at;
        live.session.updated_at = request.now_ms;
        // Signed with the current secret: this also re-signs an older cookie.
        set_cookies.push(SetCookie {
            name: keys.names.session_token.clone(),
            value: keys.sign(&live.session.token),
            max_age: Some(COOKIE_MAX_AGE_SECS),
        });
    } else {
        set_cookies.extend(resign(keys, &token, dont_remember_cookie.as_ref(), header));
    }
    set_cookies.extend(cache::write(
        keys,
        &live,
        Persistence::Remembered,
        header,
        request.now_ms,
        &request.randomness,
    ));
    Ok(Resolution::signed_in(live, set_cookies))
}

/// The session cookies again, signed with the current secret, when the request's
/// were signed with an older secret of the ring; nothing otherwise.
fn resign(
    keys: &SessionKeys,
    token: &Verified<String>,
    dont_remember: Option<&Verified<String>>,
    cookie_header: Option<&str>,
) -> Vec<SetCookie> {
    let dont_remember_is_old = dont_remember.is_some_and(|verified| !verified.key.is_current());
    if token.key.is_current() && !dont_remember_is_old {
        return Vec::new();
    }
    session_cookies(keys, &token.value, dont_remember.is_none(), cookie_header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifetime::UPDATE_AGE_MS;
    use crate::model::{Session, User};
    use crate::store::StoredSession;
    use spinstack_cookies::{CookieNames, signed_cookie_value};

    const SECRET: &str = "test-secret-test-secret-test-secret!";
    const TOKEN: &str = "abcdefghijklmnopqrstuvwxyzABCDEF";
    const NOW: i64 = 1_800_000_000_000;

    #[derive(Default)]
    struct FakeStore {
        rows: Vec<StoredSession>,
        lookups: usize,
        deleted: Vec<String>,
        lose_row_on_extend: bool,
    }

    impl SessionStore for FakeStore {
        type Error = String;
        fn find_by_token(&mut self, token: &str) -> Result<Option<StoredSession>, String> {
            self.lookups += 1;
            Ok(self.rows.iter().find(|r| r.session.token == token).cloned())
        }
        fn delete_by_token(&mut self, token: &str) -> Result<(), String> {
            self.deleted.push(token.to_owned());
            self.rows.retain(|r| r.session.token != token);
            Ok(())
        }
        fn extend(&mut self, id: &str, expires_at: i64, updated_at: i64) -> Result<bool, String> {
            if self.lose_row_on_extend {
                return Ok(false);
            }
            let row = self.rows.iter_mut().find(|r| r.session.id == id);
            Ok(row.is_some_and(|r| {
                r.session.expires_at = expires_at;
                r.session.updated_at = updated_at;
                true
            }))
        }
    }

    fn keys() -> SessionKeys {
        SessionKeys::single(SECRET, CookieNames::new(false))
    }

    fn stored(created_at: i64) -> StoredSession {
        StoredSession {
            session: Session {
                id: "s".repeat(32),
                token: TOKEN.to_owned(),
                user_id: "u".repeat(32),
                expires_at: created_at + EXPIRES_IN_MS,
                created_at,
                updated_at: created_at,
                ip_address: Some(String::new()),
                user_agent: None,
            },
            user: Some(User {
                id: "u".repeat(32),
                name: "Alice".into(),
                email: "alice@example.com".into(),
                email_verified: false,
                image: None,
                created_at,
                updated_at: created_at,
            }),
        }
    }

    fn cookie(extra: &str) -> String {
        format!(
            "better-auth.session_token={}{extra}",
            signed_cookie_value(SECRET, TOKEN)
        )
    }

    fn run(store: &mut FakeStore, header: Option<&str>, disable_refresh: bool) -> Resolution {
        let request = ResolveRequest {
            cookie_header: header,
            disable_refresh,
            disable_cookie_cache: false,
            now_ms: NOW,
            randomness: JweRandomness::from_bytes([7; 32]),
        };
        match resolve(store, &keys(), request) {
            Ok(resolution) => resolution,
            Err(e) => panic!("fake store failed: {e}"),
        }
    }

    /// A store of `n` users, each with one live session; user `i`'s token is
    /// `token_of(i)`.
    fn many_users(n: usize) -> FakeStore {
        let mut store = FakeStore::default();
        for i in 0..n {
            let mut row = stored(NOW);
            row.session.token = token_of(i);
            row.session.id = format!("session{i:025}");
            row.session.user_id = format!("user{i:028}");
            if let Some(user) = row.user.as_mut() {
                user.id = format!("user{i:028}");
            }
            store.rows.push(row);
        }
        store
    }

    /// `%XX` escapes decoded (their hex digits are case-insensitive).
    fn percent_decoded(value: &str) -> Vec<u8> {
        let bytes = value.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut at = 0;
        while at < bytes.len() {
            let hex = bytes
                .get(at + 1..at + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[at], hex) {
                (b'%', Some(byte)) => {
                    out.push(byte);
                    at += 3;
                }
                (byte, _) => {
                    out.push(byte);
                    at += 1;
                }
            }
        }
        out
    }

    fn token_of(i: usize) -> String {
        format!("token{i:027}")
    }

    /// Property (issue #13): over many users and tampered cookies, a cookie resolves a
    /// session only when it is exactly the signed cookie of that session's token — never
    /// another user's, never a tampered one.
    #[test]
    fn a_cookie_never_resolves_another_users_session() {
        const USERS: usize = 40;
        let mut store = many_users(USERS);
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % 1_000_003).unwrap_or_default()
        };
        let alphabet: Vec<char> =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=.%"
                .chars()
                .collect();
        let (mut resolved, mut refused) = (0, 0);
        for _ in 0..4000 {
            let i = next() % USERS;
            let j = next() % USERS;
            let genuine = signed_cookie_value(SECRET, &token_of(i));
            let other = signed_cookie_value(SECRET, &token_of(j));
            let mut value: Vec<char> = genuine.chars().collect();
            match next() % 5 {
                0 => {}
                1 => {
                    let at = next() % value.len();
                    value[at] = alphabet[next() % alphabet.len()];
                }
                2 => {
                    // i's token with j's signature.
                    let dot = genuine.find('.').unwrap_or_default();
                    let other_dot = other.find('.').unwrap_or_default();
                    value = format!("{}{}", &genuine[..dot], &other[other_dot..])
                        .chars()
                        .collect();
                }
                3 => value.truncate(next() % value.len()),
                _ => {
                    // Signed with another secret.
                    value = signed_cookie_value("another-secret-another-secret-!!", &token_of(i))
                        .chars()
                        .collect();
                }
            }
            let value: String = value.into_iter().collect();
            let header = format!("better-auth.session_token={value}");
            match run(&mut store, Some(&header), true).outcome {
                Outcome::SignedIn(live) => {
                    resolved += 1;
                    assert_eq!(
                        percent_decoded(&value),
                        percent_decoded(&signed_cookie_value(SECRET, &live.session.token)),
                        "only the exact signed cookie of a session resolves it"
                    );
                    assert_eq!(live.user.id, live.session.user_id);
                }
                Outcome::Anonymous | Outcome::RefreshFailed => refused += 1,
            }
        }
        assert!(
            resolved > 500 && refused > 2000,
            "{resolved} resolved, {refused} refused"
        );
    }

    #[test]
    fn no_cookie_is_anonymous_without_lookup() {
        let mut store = FakeStore::default();
        let res = run(&mut store, None, false);
        assert_eq!(res.outcome, Outcome::Anonymous);
        assert!(res.set_cookies.is_empty());
        assert_eq!(store.lookups, 0);
    }

    #[test]
    fn tampered_cookie_is_anonymous_and_clears_nothing() {
        let mut store = FakeStore {
            rows: vec![stored(NOW)],
            ..FakeStore::default()
        };
        let header = cookie("").replacen("abc", "abd", 1);
        let res = run(&mut store, Some(&header), false);
        assert_eq!(res.outcome, Outcome::Anonymous);
        assert!(res.set_cookies.is_empty());
        assert_eq!(store.lookups, 0);
    }

    #[test]
    fn fresh_session_resolves_without_refresh() {
        let mut store = FakeStore {
            rows: vec![stored(NOW - 1000)],
            ..FakeStore::default()
        };
        let res = run(&mut store, Some(&cookie("")), false);
        let Outcome::SignedIn(live) = res.outcome else {
            panic!("expected a session, got {:?}", res.outcome);
        };
        assert_eq!(live.user.name, "Alice");
        assert!(res.set_cookies.is_empty());
    }

    #[test]
    fn unknown_token_clears_cookies_without_delete() {
        let mut store = FakeStore::default();
        let res = run(&mut store, Some(&cookie("")), false);
        assert_eq!(res.outcome, Outcome::Anonymous);
        assert_eq!(res.set_cookies.len(), 3);
        assert!(store.deleted.is_empty());
    }

    #[test]
    fn expired_session_is_deleted_and_cookies_cleared() {
        let mut store = FakeStore {
            rows: vec![stored(NOW - EXPIRES_IN_MS - 1)],
            ..FakeStore::default()
        };
        let res = run(&mut store, Some(&cookie("")), false);
        assert_eq!(res.outcome, Outcome::Anonymous);
        let names: Vec<_> = res.set_cookies.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "better-auth.session_token",
                "better-auth.session_data",
                "better-auth.dont_remember"
            ]
        );
        assert_eq!(store.deleted, [TOKEN]);
        assert!(store.rows.is_empty());
    }

    #[test]
    fn day_old_session_is_refreshed_with_same_cookie() {
        let mut store = FakeStore {
            rows: vec![stored(NOW - UPDATE_AGE_MS)],
            ..FakeStore::default()
        };
        let res = run(&mut store, Some(&cookie("")), false);
        let Outcome::SignedIn(live) = &res.outcome else {
            panic!("expected a session");
        };
        assert_eq!(live.session.expires_at, NOW + EXPIRES_IN_MS);
        assert_eq!(live.session.updated_at, NOW);
        assert_eq!(store.rows[0].session.expires_at, NOW + EXPIRES_IN_MS);
        assert_eq!(
            res.set_cookies
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [format!(
                "{}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=None",
                cookie("")
            )]
        );
    }

    #[test]
    fn disable_refresh_and_dont_remember_skip_refresh() {
        for (extra, disable) in [("", true), ("DONT", false)] {
            let mut store = FakeStore {
                rows: vec![stored(NOW - UPDATE_AGE_MS)],
                ..FakeStore::default()
            };
            let header = if extra == "DONT" {
                cookie(&format!(
                    "; better-auth.dont_remember={}",
                    signed_cookie_value(SECRET, "true")
                ))
            } else {
                cookie("")
            };
            let res = run(&mut store, Some(&header), disable);
            assert!(matches!(res.outcome, Outcome::SignedIn(_)));
            assert!(res.set_cookies.is_empty());
            assert_eq!(
                store.rows[0].session.expires_at,
                NOW - UPDATE_AGE_MS + EXPIRES_IN_MS
            );
        }
    }

    #[test]
    fn unsigned_dont_remember_is_ignored() {
        let mut store = FakeStore {
            rows: vec![stored(NOW - UPDATE_AGE_MS)],
            ..FakeStore::default()
        };
        let res = run(
            &mut store,
            Some(&cookie("; better-auth.dont_remember=true")),
            false,
        );
        assert_eq!(res.set_cookies.len(), 1, "refresh still happens");
    }

    #[test]
    fn refresh_of_vanished_row_fails_and_clears() {
        let mut store = FakeStore {
            rows: vec![stored(NOW - UPDATE_AGE_MS)],
            lose_row_on_extend: true,
            ..FakeStore::default()
        };
        let res = run(&mut store, Some(&cookie("")), false);
        assert_eq!(res.outcome, Outcome::RefreshFailed);
        assert_eq!(res.set_cookies.len(), 3);
    }

    #[test]
    fn orphan_session_is_anonymous() {
        let mut row = stored(NOW);
        row.user = None;
        let mut store = FakeStore {
            rows: vec![row],
            ..FakeStore::default()
        };
        let res = run(&mut store, Some(&cookie("")), false);
        assert_eq!(res.outcome, Outcome::Anonymous);
        assert_eq!(res.set_cookies.len(), 3);
    }

    mod with_the_cookie_cache {
        use super::*;
        use spinstack_cookie_cache::{CacheSettings, KeyRing, SessionCache, Strategy};

        const MAX_AGE_SECS: u64 = 300;
        const OLD: &str = "older-secret-older-secret-older-secret";

        fn cached_keys(strategy: Strategy) -> SessionKeys {
            let mut keys = keys();
            let settings = CacheSettings {
                strategy,
                max_age_secs: MAX_AGE_SECS,
                ..CacheSettings::default()
            };
            keys.cache = Some(SessionCache::new(keys.ring.clone(), settings));
            keys
        }

        fn resolve_at(
            store: &mut FakeStore,
            keys: &SessionKeys,
            header: &str,
            now_ms: i64,
            disable_cookie_cache: bool,
        ) -> Resolution {
            let request = ResolveRequest {
                cookie_header: Some(header),
                disable_refresh: false,
                disable_cookie_cache,
                now_ms,
                randomness: JweRandomness::from_bytes([9; 32]),
            };
            match resolve(store, keys, request) {
                Ok(resolution) => resolution,
                Err(e) => panic!("fake store failed: {e}"),
            }
        }

        /// The request's cookies after a response's `Set-Cookie` lines.
        fn after(header: &str, set_cookies: &[SetCookie]) -> String {
            let mut pairs: Vec<(String, String)> = header
                .split("; ")
                .filter_map(|pair| pair.split_once('='))
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            for cookie in set_cookies {
                pairs.retain(|(name, _)| *name != cookie.name);
                if cookie.max_age != Some(0) && !cookie.value.is_empty() {
                    pairs.push((cookie.name.clone(), cookie.value.clone()));
                }
            }
            pairs
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        }

        fn names(set_cookies: &[SetCookie]) -> Vec<String> {
            set_cookies
                .iter()
                .map(|c| format!("{}{}", c.name, if c.value.is_empty() { "=" } else { "" }))
                .collect()
        }

        /// A header carrying a cache written by the store path at `at`.
        fn with_cache(store: &mut FakeStore, keys: &SessionKeys, at: i64) -> String {
            let first = resolve_at(store, keys, &cookie(""), at, false);
            assert_eq!(names(&first.set_cookies), ["better-auth.session_data"]);
            after(&cookie(""), &first.set_cookies)
        }

        #[test]
        fn a_valid_cache_answers_without_the_store_in_every_strategy() {
            for strategy in [Strategy::Compact, Strategy::Jwt, Strategy::Jwe] {
                let keys = cached_keys(strategy);
                let mut store = FakeStore {
                    rows: vec![stored(NOW - 1000)],
                    ..FakeStore::default()
                };
                let header = with_cache(&mut store, &keys, NOW);
                assert_eq!(store.lookups, 1);
                let hit = resolve_at(&mut store, &keys, &header, NOW + 1000, false);
                assert_eq!(store.lookups, 1, "{strategy}: a hit reads nothing");
                assert!(hit.set_cookies.is_empty(), "{strategy}");
                let Outcome::SignedIn(live) = hit.outcome else {
                    panic!("{strategy}: expected a session");
                };
                let expected = stored(NOW - 1000);
                assert_eq!(Some(live.user), expected.user, "{strategy}");
                assert_eq!(live.session, expected.session, "{strategy}");
            }
        }

        /// Issue #14 item 2: a deleted row stays usable from its cache until exactly
        /// one max age after the cache was written, never longer.
        #[test]
        fn a_revoked_session_lives_at_most_one_max_age() {
            for strategy in [Strategy::Compact, Strategy::Jwt, Strategy::Jwe] {
                let keys = cached_keys(strategy);
                let mut store = FakeStore {
                    rows: vec![stored(NOW)],
                    ..FakeStore::default()
                };
                let header = with_cache(&mut store, &keys, NOW);
                store.rows.clear();
                let window_ms = i64::try_from(MAX_AGE_SECS).unwrap_or_default() * 1000;
                // The last millisecond of the window (jose counts `exp` itself as past).
                let last = resolve_at(&mut store, &keys, &header, NOW + window_ms - 1, false);
                assert!(matches!(last.outcome, Outcome::SignedIn(_)), "{strategy}");
                // Past the window (jwt/jwe count whole seconds: `exp` is in seconds).
                let gone = resolve_at(&mut store, &keys, &header, NOW + window_ms + 1000, false);
                assert_eq!(gone.outcome, Outcome::Anonymous, "{strategy}");
                assert_eq!(
                    names(&gone.set_cookies),
                    [
                        "better-auth.session_token=",
                        "better-auth.session_data=",
                        "better-auth.session_data=",
                        "better-auth.dont_remember="
                    ],
                    "{strategy}"
                );
                // A caller that must confirm the session never trusts the cache.
                let confirmed = resolve_at(&mut store, &keys, &header, NOW + 1, true);
                assert_eq!(confirmed.outcome, Outcome::Anonymous, "{strategy}");
            }
        }

        #[test]
        fn an_invalid_cache_is_expired_then_rewritten_from_the_store() {
            let keys = cached_keys(Strategy::Compact);
            let mut store = FakeStore {
                rows: vec![stored(NOW)],
                ..FakeStore::default()
            };
            let header = with_cache(&mut store, &keys, NOW);
            let tampered = header.replacen("session_data=e", "session_data=f", 1);
            assert_ne!(tampered, header);
            let res = resolve_at(&mut store, &keys, &tampered, NOW + 1, false);
            assert!(matches!(res.outcome, Outcome::SignedIn(_)));
            assert_eq!(store.lookups, 2);
            assert_eq!(
                names(&res.set_cookies),
                ["better-auth.session_data=", "better-auth.session_data"]
            );
            // Another session's cache is not this one's.
            let mut other = stored(NOW);
            other.session.token = "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvu".into();
            let mut other_store = FakeStore {
                rows: vec![other],
                ..FakeStore::default()
            };
            let foreign = format!(
                "better-auth.session_token={}; {}",
                signed_cookie_value(SECRET, "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvu"),
                header.split("; ").nth(1).unwrap_or_default()
            );
            let res = resolve_at(&mut other_store, &keys, &foreign, NOW + 1, false);
            assert_eq!(other_store.lookups, 1, "the foreign cache is not trusted");
            assert_eq!(names(&res.set_cookies)[0], "better-auth.session_data=");
        }

        #[test]
        fn dont_remember_and_disable_refresh_write_no_cache() {
            let keys = cached_keys(Strategy::Jwt);
            let mut store = FakeStore {
                rows: vec![stored(NOW)],
                ..FakeStore::default()
            };
            let header = cookie(&format!(
                "; better-auth.dont_remember={}",
                signed_cookie_value(SECRET, "true")
            ));
            let res = resolve_at(&mut store, &keys, &header, NOW, false);
            assert!(matches!(res.outcome, Outcome::SignedIn(_)));
            assert!(res.set_cookies.is_empty());
            let request = ResolveRequest {
                cookie_header: Some(&cookie("")),
                disable_refresh: true,
                disable_cookie_cache: false,
                now_ms: NOW,
                randomness: JweRandomness::from_bytes([1; 32]),
            };
            let res = resolve(&mut store, &keys, request);
            assert!(res.is_ok_and(|r| r.set_cookies.is_empty()));
        }

        #[test]
        fn with_the_cache_off_cache_cookies_are_cleaned_even_without_a_session() {
            let mut store = FakeStore::default();
            let header = "better-auth.session_data=x; better-auth.session_data.0=y; other=z";
            let res = resolve_at(&mut store, &keys(), header, NOW, false);
            assert_eq!(res.outcome, Outcome::Anonymous);
            assert_eq!(
                names(&res.set_cookies),
                ["better-auth.session_data=", "better-auth.session_data.0="]
            );
            // With the cache on and no session cookie: nothing at all.
            let res = resolve_at(
                &mut store,
                &cached_keys(Strategy::Compact),
                header,
                NOW,
                false,
            );
            assert!(res.set_cookies.is_empty());
        }

        #[test]
        fn cookies_signed_with_an_older_listed_secret_are_accepted_and_re_signed() {
            let list = format!("2:{SECRET},1:{OLD}");
            let rotated = SessionKeys {
                ring: KeyRing::from_list(&list, None).unwrap_or_else(|e| panic!("{e}")),
                names: CookieNames::new(false),
                cache: None,
            };
            let mut store = FakeStore {
                rows: vec![stored(NOW)],
                ..FakeStore::default()
            };
            let old = format!(
                "better-auth.session_token={}",
                signed_cookie_value(OLD, TOKEN)
            );
            let res = resolve_at(&mut store, &rotated, &old, NOW, false);
            assert!(matches!(res.outcome, Outcome::SignedIn(_)));
            assert_eq!(
                res.set_cookies
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
                [format!(
                    "{}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=None",
                    cookie("")
                )],
                "re-signed with the current secret"
            );
            // Current cookies are not re-sent.
            let res = resolve_at(&mut store, &rotated, &cookie(""), NOW, false);
            assert!(res.set_cookies.is_empty());
            // Without the old secret in the ring, the old cookie is no session.
            let res = resolve_at(&mut store, &keys(), &old, NOW, false);
            assert_eq!(res.outcome, Outcome::Anonymous);
        }
    }
}
