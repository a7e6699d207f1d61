//! Better Auth's session cookie cache and secret rotation, byte for byte (spec
//! cookie-cache-and-secrets.md), host-independent so that the `session` component
//! only wires it to Spin variables, the clock and the OS random number generator.
//!
//! - [`secrets`]: the versioned secrets list `better_auth_secrets` (Better Auth's
//!   `BETTER_AUTH_SECRETS`) and `better_auth_secret` as an ordered [`KeyRing`]
//!   (current secret first), with verification across every secret that reports
//!   which one matched ([`Verified`], [`KeyMatch`]).
//! - [`cache`]: the `session_data` value in each strategy — `compact` (default),
//!   `jwt`, `jwe` — written from a session and user ([`SessionCache::encode`]) and read
//!   back into a hit or a typed fallback to the database ([`SessionCache::read`]).
//! - [`chunks`]: the cookie on the wire: chunking into `session_data.0`, `.1`, …,
//!   reassembly from a `Cookie` header, and the names to expire.
//! - [`payload`]: the cached session and user and their JSON.
//!
//! Nothing here draws randomness or reads the clock: callers pass `now_ms` and, for
//! the jwe strategy, [`JweRandomness`].
//!
//! ```
//! use spinstack_cookie_cache::{
//!     CacheRead, CacheSettings, CachedSession, CachedUser, JweRandomness, KeyRing,
//!     Persistence, SessionCache, Strategy, chunks,
//! };
//!
//! let ring = KeyRing::from_variables(
//!     Some("2:rotated-secret-0123456789abcdefghijklmnopqrstuvwxyzABCD"),
//!     Some("better-auth-secret-123456789012345678901234567890"),
//! )?;
//! let settings = CacheSettings { strategy: Strategy::Jwe, ..CacheSettings::default() };
//! let cache = SessionCache::new(ring, settings);
//! # let now_ms = 1_767_225_600_000;
//! # let session = CachedSession {
//! #     id: "s".repeat(32), token: "t".repeat(32), user_id: "u".repeat(32),
//! #     expires_at: now_ms + 604_800_000, created_at: now_ms, updated_at: now_ms,
//! #     ip_address: None, user_agent: None,
//! # };
//! # let user = CachedUser {
//! #     id: "u".repeat(32), name: "Alice".into(), email: "alice@example.com".into(),
//! #     email_verified: false, image: None, created_at: now_ms, updated_at: now_ms,
//! # };
//! let random = JweRandomness::from_bytes([7; 32]); // from the OS in a component
//! let value = cache.encode(&session, &user, Persistence::Remembered, now_ms, &random);
//! let name = "better-auth.session_data";
//! let cookies = chunks::write(name, &value, cache.cookie_max_age(Persistence::Remembered), None);
//! assert!(cookies.written);
//!
//! let header = format!("{name}={value}");
//! let raw = chunks::read(&header, name).unwrap_or_default();
//! match cache.read(&raw, &session.token, now_ms + 1000) {
//!     CacheRead::Hit(hit) => assert_eq!(hit.data.user.name, "Alice"),
//!     CacheRead::Fallback(reason) => panic!("{reason:?}"),
//! }
//! # Ok::<(), spinstack_cookie_cache::SecretsError>(())
//! ```

#![forbid(unsafe_code)]

mod b64;
pub mod cache;
pub mod chunks;
mod compact;
mod jwe;
mod jwt;
pub mod payload;
pub mod secrets;
mod time;
pub mod variables;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod vectors;

pub use cache::{
    CacheHit, CacheRead, CacheSettings, Fallback, JweRandomness, Persistence, SessionCache,
    Strategy,
};
pub use payload::{CachedSession, CachedUser, SessionData};
pub use secrets::{KeyMatch, KeyRing, Secret, SecretWarning, SecretsError, Verified};
pub use time::iso_millis;
pub use variables::{CacheVariableError, cache_settings};
