//! The inputs of the spec's test vectors (cookie-cache-and-secrets.md §11).

use crate::payload::{CachedSession, CachedUser};

/// 2026-01-01T00:00:00.000Z, the frozen clock of every vector.
pub(crate) const NOW: i64 = 1_767_225_600_000;
/// The §11 secret (BASE §3.3's vector secret).
pub(crate) const SECRET: &str = "better-auth-secret-123456789012345678901234567890";
/// The §11.4 rotated (current) secret.
pub(crate) const ROTATED: &str = "rotated-secret-0123456789abcdefghijklmnopqrstuvwxyzABCD";
/// The session token of the vectors.
pub(crate) const TOKEN: &str = "abcdefghijklmnopqrstuvwxyzABCDEF";

/// The §11 session row.
pub(crate) fn session() -> CachedSession {
    CachedSession {
        id: "SES0000000000000000000000000001".into(),
        token: TOKEN.into(),
        user_id: "USR0000000000000000000000000001".into(),
        expires_at: 1_767_826_800_000,
        created_at: 1_767_222_000_000,
        updated_at: 1_767_222_000_000,
        ip_address: Some("203.0.113.7".into()),
        user_agent: Some("Mozilla/5.0 (vector)".into()),
    }
}

/// The §11 user row.
pub(crate) fn user() -> CachedUser {
    CachedUser {
        id: "USR0000000000000000000000000001".into(),
        name: "Alice Example".into(),
        email: "alice@example.com".into(),
        email_verified: false,
        image: None,
        created_at: 1_764_583_200_000,
        updated_at: 1_764_583_200_000,
    }
}
