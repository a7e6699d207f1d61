//! The `session_data` cookie cache itself (spec §3–§5): [`SessionCache`] writes the
//! value of the configured strategy and reads one back into a [`CacheRead`] — a hit
//! carrying the cached session and user, or a typed [`Fallback`] telling the caller
//! to expire the cookie and take the database path. Reading never panics and never
//! fails otherwise: every defect of a value is a fallback.
//!
//! The checks of a read, in Better Auth's order (§5.1 steps 7 and 9): the value is of
//! the configured strategy; it verifies (compact, jwt) or decrypts (jwe) under a secret
//! of the ring, the key reported in the hit; `jose`'s time claims (jwt, jwe); the
//! payload schema (§5.2); the cache was written for this session token; its version
//! (`"1"` when absent or empty) equals the configured one; the cache's own expiry
//! (`expiresAt`, or `exp · 1000`) is not before `now_ms`; the cached session's
//! `expiresAt` is not before `now_ms`.
//!
//! Rotation: the cache is always written with the current secret. Reads accept any
//! secret of the ring, for every strategy (upstream: jwe only); a hit names the secret
//! ([`CacheHit::key`]) so the caller can rewrite a cache signed with an older one, or
//! refuse it for strict parity.

use std::fmt;

use serde_json::Value;

use crate::jwe::{self, JweKey, SESSION_SALT};
use crate::payload::{CachedSession, CachedUser, SessionData, append_members, data_json};
use crate::secrets::{KeyMatch, KeyRing};
use crate::{compact, jwt};

/// The default cache lifetime, in seconds (`maxAge`; also used for 0).
pub const DEFAULT_MAX_AGE_SECS: u64 = 300;
/// Better Auth's cookie serializer refuses a larger `Max-Age` (a 500 upstream).
pub const MAX_AGE_LIMIT_SECS: u64 = 34_560_000;
/// Lifetime written into a don't-remember compact cache, in seconds.
const DONT_REMEMBER_COMPACT_SECS: i64 = 60;
/// Lifetime written into a don't-remember jwt or jwe cache, in seconds.
const DONT_REMEMBER_TOKEN_SECS: i64 = 300;
/// `jose`'s clock tolerance in Better Auth's JWE decryption.
const JWE_CLOCK_TOLERANCE_S: f64 = 15.0;

/// How the cache is encoded (`session.cookieCache.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Base64url JSON with an HMAC-SHA-256 signature (the default).
    #[default]
    Compact,
    /// An HS256 JWT.
    Jwt,
    /// An A256CBC-HS512 JWE under an HKDF-derived key.
    Jwe,
}

impl Strategy {
    /// The option's value as Better Auth reads it: `jwt`, `jwe`, anything else compact.
    pub fn from_option(value: &str) -> Self {
        match value {
            "jwt" => Self::Jwt,
            "jwe" => Self::Jwe,
            _ => Self::Compact,
        }
    }

    /// The option's name for the strategy.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compact => "compact",
            Self::Jwt => "jwt",
            Self::Jwe => "jwe",
        }
    }

    /// The strategy a value's shape belongs to: compact values have no `.`, jwt
    /// tokens two, jwe tokens four. `None` for any other shape.
    pub fn of_value(value: &str) -> Option<Self> {
        // `matches` finds each `.` with a fast byte search.
        match value.matches('.').count() {
            0 => Some(Self::Compact),
            2 => Some(Self::Jwt),
            4 => Some(Self::Jwe),
            _ => None,
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the session is remembered (§3.3): a remembered cache lives `maxAge` and its
/// cookie has that `Max-Age`; a don't-remember one is a browser-session cookie whose
/// payload lives 60 s (compact) or 300 s (jwt, jwe).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// `rememberMe` (the default).
    Remembered,
    /// `rememberMe: false`, or a valid `dont_remember` cookie.
    DontRemember,
}

/// `session.cookieCache`'s options that shape the cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSettings {
    /// The encoding.
    pub strategy: Strategy,
    /// `maxAge` in seconds; 0 means the default 300, as upstream's `||` does. Keep it
    /// at most [`MAX_AGE_LIMIT_SECS`], which upstream refuses.
    pub max_age_secs: u64,
    /// `version`: a cache written under another version is not used.
    pub version: String,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            strategy: Strategy::Compact,
            max_age_secs: DEFAULT_MAX_AGE_SECS,
            version: "1".to_owned(),
        }
    }
}

impl CacheSettings {
    /// `maxAge` with upstream's default applied.
    pub fn effective_max_age(&self) -> u64 {
        if self.max_age_secs == 0 {
            DEFAULT_MAX_AGE_SECS
        } else {
            self.max_age_secs
        }
    }

    /// The version a cache must carry (an empty configured version means `"1"`).
    fn expected_version(&self) -> &str {
        if self.version.is_empty() {
            "1"
        } else {
            &self.version
        }
    }
}

/// Fresh random bytes for one jwe write: the IV and the `jti`. Draw them from the OS
/// random number generator for every write (the other strategies ignore them); tests
/// pass fixed ones.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct JweRandomness {
    /// The AES-CBC initialisation vector.
    pub iv: [u8; 16],
    /// The bytes of the `jti` UUID v4 (its version and variant bits are set on use).
    pub jti: [u8; 16],
}

impl JweRandomness {
    /// Splits 32 random bytes into the IV (first 16) and the `jti` (last 16).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let mut iv = [0; 16];
        let mut jti = [0; 16];
        iv.copy_from_slice(&bytes[..16]);
        jti.copy_from_slice(&bytes[16..]);
        Self { iv, jti }
    }
}

impl fmt::Debug for JweRandomness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JweRandomness(<redacted>)")
    }
}

/// Why a cache cannot be used: expire `session_data` and take the database path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// The value has the shape of another strategy (e.g. a jwt token read by a compact
    /// server, after a configuration change).
    OtherStrategy(Strategy),
    /// Not decodable as the configured strategy: bad base64, JSON or structure. For
    /// the compact strategy upstream answers some of these with a 500 (§4.1).
    Malformed,
    /// No secret of the ring verifies or decrypts it (tampered, signed with a removed
    /// secret, or a jwe `kid` matching no secret).
    Unverified,
    /// The payload fails Better Auth's schema (§5.2), or a time claim is not a number.
    InvalidPayload,
    /// The cache's own lifetime is over (or a jwt `nbf` is in the future).
    Expired,
    /// Written for another session token.
    OtherSession,
    /// Written under another `version` (e.g. an older format).
    VersionMismatch,
    /// The cached session itself has expired.
    SessionExpired,
}

/// A usable cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheHit {
    /// The cached session and user, as the schema read them.
    pub data: SessionData,
    /// The cache's own expiry (ms since the epoch).
    pub expires_at: i64,
    /// The secret that verified it; not the current one: rewrite the cache.
    pub key: KeyMatch,
}

/// What a `session_data` value amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheRead {
    /// Answer from the cache, without the database (boxed: it is large).
    Hit(Box<CacheHit>),
    /// Do not use it.
    Fallback(Fallback),
}

/// The cookie cache of one configuration: the key ring, the settings, and the jwe keys
/// derived from the ring once.
#[derive(Clone)]
pub struct SessionCache {
    ring: KeyRing,
    settings: CacheSettings,
    jwe_keys: Vec<JweKey>,
}

impl fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCache")
            .field("ring", &self.ring)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl SessionCache {
    /// The cache for `ring` and `settings`. Derives the jwe keys (one HKDF per secret)
    /// when the strategy is jwe.
    pub fn new(ring: KeyRing, settings: CacheSettings) -> Self {
        let jwe_keys = if settings.strategy == Strategy::Jwe {
            JweKey::derive_all(&ring, SESSION_SALT)
        } else {
            Vec::new()
        };
        Self {
            ring,
            settings,
            jwe_keys,
        }
    }

    /// The key ring.
    pub fn ring(&self) -> &KeyRing {
        &self.ring
    }

    /// The settings.
    pub fn settings(&self) -> &CacheSettings {
        &self.settings
    }

    /// The `Max-Age` of the cache cookie: `maxAge` when remembered, none (a
    /// browser-session cookie) otherwise.
    pub fn cookie_max_age(&self, persistence: Persistence) -> Option<u64> {
        match persistence {
            Persistence::Remembered => Some(self.settings.effective_max_age()),
            Persistence::DontRemember => None,
        }
    }

    /// The cookie value caching `session` and `user`, written at `now_ms` with the
    /// current secret (§3, §4): `updatedAt` = `now_ms`, `version` as configured, and
    /// the lifetime of §3.3. `randomness` is used by the jwe strategy only.
    pub fn encode(
        &self,
        session: &CachedSession,
        user: &CachedUser,
        persistence: Persistence,
        now_ms: i64,
        randomness: &JweRandomness,
    ) -> String {
        let data = data_json(session, user, now_ms, &self.settings.version);
        // `maxAge` never exceeds `i64` in practice; saturate rather than wrap.
        let max_age = i64::try_from(self.settings.effective_max_age()).unwrap_or(i64::MAX);
        let remembered = persistence == Persistence::Remembered;
        let current = self.ring.current().value();
        match self.settings.strategy {
            Strategy::Compact => {
                let lifetime = if remembered {
                    max_age
                } else {
                    DONT_REMEMBER_COMPACT_SECS
                };
                let expires_at = now_ms.saturating_add(lifetime.saturating_mul(1000));
                compact::encode(current, &data, expires_at)
            }
            Strategy::Jwt | Strategy::Jwe => {
                let lifetime = if remembered {
                    max_age
                } else {
                    DONT_REMEMBER_TOKEN_SECS
                };
                let iat = now_ms.div_euclid(1000);
                let (iat, exp) = (iat.to_string(), iat.saturating_add(lifetime).to_string());
                if self.settings.strategy == Strategy::Jwt {
                    let claims = append_members(&data, &[("iat", &iat), ("exp", &exp)]);
                    jwt::sign(current, &claims)
                } else {
                    let jti = Value::from(jwe::uuid_v4(randomness.jti)).to_string();
                    let claims =
                        append_members(&data, &[("iat", &iat), ("exp", &exp), ("jti", &jti)]);
                    match self.jwe_keys.first() {
                        Some(key) => jwe::encrypt(key, &claims, randomness.iv),
                        None => unreachable!("a jwe cache derives one key per secret"),
                    }
                }
            }
        }
    }

    /// What the `session_data` value `value` (reassembled from its chunks) amounts to
    /// for a request whose verified session token is `session_token`, at `now_ms`.
    pub fn read(&self, value: &str, session_token: &str, now_ms: i64) -> CacheRead {
        match self.check(value, session_token, now_ms) {
            Ok(hit) => CacheRead::Hit(Box::new(hit)),
            Err(fallback) => CacheRead::Fallback(fallback),
        }
    }

    fn check(&self, value: &str, session_token: &str, now_ms: i64) -> Result<CacheHit, Fallback> {
        let strategy = self.settings.strategy;
        match Strategy::of_value(value) {
            Some(found) if found == strategy => {}
            Some(found) => return Err(Fallback::OtherStrategy(found)),
            None => return Err(Fallback::Malformed),
        }
        let (payload, expires_at, key) = match strategy {
            Strategy::Compact => {
                let (data, expires_at, key) = compact::decode(&self.ring, value)?;
                (data, Some(expires_at), key)
            }
            Strategy::Jwt => {
                let (claims, key) = jwt::verify(&self.ring, value)?;
                let expires_at = jwt::check_claims(&claims, now_ms, 0.0)?;
                (claims, expires_at, key)
            }
            Strategy::Jwe => {
                let (claims, key) = jwe::decrypt_claims(&self.jwe_keys, value)?;
                let expires_at = jwt::check_claims(&claims, now_ms, JWE_CLOCK_TOLERANCE_S)?;
                (claims, expires_at, key)
            }
        };
        let data = payload.data(now_ms).ok_or(Fallback::InvalidPayload)?;
        if data.session.token != session_token {
            return Err(Fallback::OtherSession);
        }
        let version = data.version.as_deref().filter(|v| !v.is_empty());
        if version.unwrap_or("1") != self.settings.expected_version() {
            return Err(Fallback::VersionMismatch);
        }
        // Better Auth takes an absent `exp` as "now", then requires expiry ≥ a later
        // "now": we count it as expired.
        let expires_at = expires_at
            .filter(|&expiry| expiry >= now_ms as f64)
            .ok_or(Fallback::Expired)?;
        if data.session.expires_at < now_ms {
            return Err(Fallback::SessionExpired);
        }
        Ok(CacheHit {
            data,
            expires_at: expires_at as i64,
            key,
        })
    }
}
