//! The storage the session logic needs, as traits (lookup for resolution, lifecycle
//! for creating, listing and revoking): PostgreSQL through Spin in the
//! `session` component, fakes in tests, SQLite later.

use crate::model::{Session, User};

/// A session row with its user, if the user row still exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The session row.
    pub session: Session,
    /// The user it belongs to (`None` for an orphan row).
    pub user: Option<User>,
}

/// Session storage.
pub trait SessionStore {
    /// The backend's error.
    type Error;

    /// The session with this token, joined with its user, in one round trip.
    ///
    /// # Errors
    /// When the backend fails.
    fn find_by_token(&mut self, token: &str) -> Result<Option<StoredSession>, Self::Error>;

    /// Deletes the session with this token (no error if it is gone).
    ///
    /// # Errors
    /// When the backend fails.
    fn delete_by_token(&mut self, token: &str) -> Result<(), Self::Error>;

    /// Sets `expires_at` and `updated_at` of session `id`; `false` when no row matched.
    ///
    /// # Errors
    /// When the backend fails.
    fn extend(&mut self, id: &str, expires_at: i64, updated_at: i64) -> Result<bool, Self::Error>;
}

/// A user created together with their first session (sign-up), atomically.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    /// 32-character id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Lower-cased email.
    pub email: String,
    /// Avatar URL.
    pub image: Option<String>,
    /// Id of the credential account row.
    pub account_id: String,
    /// PHC string of the password, stored on the credential account.
    pub password_hash: String,
}

impl NewUser {
    /// The `user` row a sign-up inserts at `created_at`: unverified, created and
    /// updated then.
    pub fn user_row(&self, created_at: i64) -> crate::model::User {
        crate::model::User {
            id: self.id.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            email_verified: false,
            image: self.image.clone(),
            created_at,
            updated_at: created_at,
        }
    }
}

// The password hash stays out of logs.
impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("id", &self.id)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// Creating, listing and revoking sessions.
pub trait SessionLifecycle {
    /// The backend's error.
    type Error;

    /// Inserts `session`; with `new_user`, inserts the user, its credential account
    /// and the session in one atomic statement, and returns `false` (inserting
    /// nothing) when the email is already taken.
    ///
    /// # Errors
    /// When the backend fails.
    fn insert(
        &mut self,
        session: &Session,
        new_user: Option<&NewUser>,
    ) -> Result<bool, Self::Error>;

    /// Deletes the session with `token` if it belongs to `user_id`.
    ///
    /// # Errors
    /// When the backend fails.
    fn delete_for_user(&mut self, user_id: &str, token: &str) -> Result<(), Self::Error>;

    /// Deletes every session of `user_id` except the one with `except_token`.
    ///
    /// # Errors
    /// When the backend fails.
    fn delete_all_for_user(
        &mut self,
        user_id: &str,
        except_token: Option<&str>,
    ) -> Result<(), Self::Error>;

    /// The unexpired sessions of `user_id`.
    ///
    /// # Errors
    /// When the backend fails.
    fn list_for_user(&mut self, user_id: &str, now_ms: i64) -> Result<Vec<Session>, Self::Error>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_new_user_but_not_the_password_hash() {
        let user = NewUser {
            id: "uid".into(),
            name: "Alice".into(),
            email: "alice@example.com".into(),
            image: None,
            account_id: "aid".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$salt$hash".into(),
        };
        assert_eq!(
            format!("{user:?}"),
            r#"NewUser { id: "uid", email: "alice@example.com", .. }"#
        );
    }
}
