//! The JSON Better Auth returns for sessions and users (spec §2.3, §3.6): camelCase
//! keys in the schema's field order with `id` last, ISO dates with milliseconds, and
//! `null` for empty nullable columns as PostgreSQL yields them.

use serde::Serialize;
use serde_json::Value;

use crate::model::{Session, SessionWithUser, User};
use crate::time::iso_millis;

/// A user as Better Auth serialises it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserJson<'a> {
    name: &'a str,
    email: &'a str,
    email_verified: bool,
    image: Option<&'a str>,
    created_at: Option<String>,
    updated_at: Option<String>,
    id: &'a str,
}

impl<'a> From<&'a User> for UserJson<'a> {
    fn from(user: &'a User) -> Self {
        Self {
            name: &user.name,
            email: &user.email,
            email_verified: user.email_verified,
            image: user.image.as_deref(),
            created_at: iso_millis(user.created_at),
            updated_at: iso_millis(user.updated_at),
            id: &user.id,
        }
    }
}

/// A session as Better Auth serialises it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionJson<'a> {
    expires_at: Option<String>,
    token: &'a str,
    created_at: Option<String>,
    updated_at: Option<String>,
    ip_address: Option<&'a str>,
    user_agent: Option<&'a str>,
    user_id: &'a str,
    id: &'a str,
}

impl<'a> From<&'a Session> for SessionJson<'a> {
    fn from(session: &'a Session) -> Self {
        Self {
            expires_at: iso_millis(session.expires_at),
            token: &session.token,
            created_at: iso_millis(session.created_at),
            updated_at: iso_millis(session.updated_at),
            ip_address: session.ip_address.as_deref(),
            user_agent: session.user_agent.as_deref(),
            user_id: &session.user_id,
            id: &session.id,
        }
    }
}

/// `{"session": …, "user": …}` as `GET /get-session` returns it.
#[derive(Serialize)]
pub struct SessionWithUserJson<'a> {
    session: SessionJson<'a>,
    user: UserJson<'a>,
}

impl<'a> From<&'a SessionWithUser> for SessionWithUserJson<'a> {
    fn from(live: &'a SessionWithUser) -> Self {
        Self {
            session: (&live.session).into(),
            user: (&live.user).into(),
        }
    }
}

/// The user as a JSON value (for embedding in other payloads).
pub fn user_value(user: &User) -> Value {
    serde_json::to_value(UserJson::from(user)).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_value_is_the_users_json() {
        let user = User {
            id: "1RMSZCORK3hH13jEVteKMBllfAkMcfbC".into(),
            name: "Ref User".into(),
            email: "ref-user@example.com".into(),
            email_verified: true,
            image: Some("https://example.com/a.png".into()),
            created_at: 1_795_975_524_006,
            updated_at: 1_795_975_524_007,
        };
        // Keys in Better Auth's order, `id` last.
        assert_eq!(
            user_value(&user).to_string(),
            r#"{"name":"Ref User","email":"ref-user@example.com","emailVerified":true,"image":"https://example.com/a.png","createdAt":"2026-11-29T18:05:24.006Z","updatedAt":"2026-11-29T18:05:24.007Z","id":"1RMSZCORK3hH13jEVteKMBllfAkMcfbC"}"#
        );
    }

    #[test]
    fn matches_transcript_bytes() {
        let live = SessionWithUser {
            session: Session {
                id: "jYHQapMCQ9FwJ2E5fXOEq6pjYm70Rbiv".into(),
                token: "DVuNK6inPZIKoDGgu8ONEHsAcppgCKoG".into(),
                user_id: "1RMSZCORK3hH13jEVteKMBllfAkMcfbC".into(),
                expires_at: 1_796_580_324_022,
                created_at: 1_795_975_524_022,
                updated_at: 1_795_975_524_022,
                ip_address: Some(String::new()),
                user_agent: Some("curl/7.88.1".into()),
            },
            user: User {
                id: "1RMSZCORK3hH13jEVteKMBllfAkMcfbC".into(),
                name: "Ref User".into(),
                email: "ref-user@example.com".into(),
                email_verified: false,
                image: None,
                created_at: 1_795_975_524_006,
                updated_at: 1_795_975_524_006,
            },
        };
        let text = serde_json::to_string(&SessionWithUserJson::from(&live)).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"session":{"expiresAt":"2026-12-06T18:05:24.022Z","token":"DVuNK6inPZIKoDGgu8ONEHsAcppgCKoG","createdAt":"2026-11-29T18:05:24.022Z","updatedAt":"2026-11-29T18:05:24.022Z","ipAddress":"","userAgent":"curl/7.88.1","userId":"1RMSZCORK3hH13jEVteKMBllfAkMcfbC","id":"jYHQapMCQ9FwJ2E5fXOEq6pjYm70Rbiv"},"user":{"name":"Ref User","email":"ref-user@example.com","emailVerified":false,"image":null,"createdAt":"2026-11-29T18:05:24.006Z","updatedAt":"2026-11-29T18:05:24.006Z","id":"1RMSZCORK3hH13jEVteKMBllfAkMcfbC"}}"#
        );
    }
}
