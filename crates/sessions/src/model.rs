//! The `user` and `session` rows every consumer works with. Times are milliseconds
//! since the Unix epoch (UTC), the precision Better Auth stores.

use std::fmt;

/// A Better Auth user.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct User {
    /// 32-character id.
    pub id: String,
    /// Display name (may be empty).
    pub name: String,
    /// Lower-cased email address.
    pub email: String,
    /// Whether the email was verified.
    pub email_verified: bool,
    /// Avatar URL, if any.
    pub image: Option<String>,
    /// Creation time.
    pub created_at: i64,
    /// Last update time.
    pub updated_at: i64,
}

/// A Better Auth session.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// 32-character id.
    pub id: String,
    /// The 32-character token carried (signed) by the session cookie.
    pub token: String,
    /// Owner.
    pub user_id: String,
    /// Expiry time.
    pub expires_at: i64,
    /// Creation time (never changed by refreshes).
    pub created_at: i64,
    /// Last refresh time.
    pub updated_at: i64,
    /// Client IP at creation (`""` when unknown).
    pub ip_address: Option<String>,
    /// Client user agent at creation.
    pub user_agent: Option<String>,
}

// The token is a bearer credential: keep it out of logs.
impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("token", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("ip_address", &self.ip_address)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// A live session and its user.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SessionWithUser {
    /// The session.
    pub session: Session,
    /// Its user.
    pub user: User,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_session_but_not_its_token() {
        let session = Session {
            id: "sid".into(),
            token: "bearer-credential".into(),
            user_id: "uid".into(),
            expires_at: 3,
            created_at: 1,
            updated_at: 2,
            ip_address: Some("203.0.113.1".into()),
            user_agent: None,
        };
        assert_eq!(
            format!("{session:?}"),
            r#"Session { id: "sid", token: "<redacted>", user_id: "uid", expires_at: 3, created_at: 1, updated_at: 2, ip_address: Some("203.0.113.1"), user_agent: None }"#
        );
    }
}
