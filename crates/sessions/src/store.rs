//! The storage the session logic needs, as a trait: PostgreSQL through Spin in the
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
