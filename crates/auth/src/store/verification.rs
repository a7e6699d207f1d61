//! The `verification` table as the endpoints use it: password-reset tokens
//! (`reset-password:<token>` → user id) and OAuth states (`<state>` → JSON). Better
//! Auth reads the newest row of an identifier; a plain read also purges every expired
//! row, and a consuming read deletes the identifier's rows in one atomic step, so two
//! racing resets of one token cannot both succeed.

use super::StoreError;

/// A row of the `verification` table, as the endpoints need it.
#[derive(Clone, PartialEq, Eq)]
pub struct Verification {
    /// What the identifier stands for (a user id, or an OAuth state's JSON).
    pub value: String,
    /// Expiry time, milliseconds since the epoch.
    pub expires_at: i64,
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verification")
            .field("value", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Reads and consumes verification rows.
pub trait VerificationStore {
    /// The newest row for `identifier` (expired or not), after purging — in the same
    /// statement — every row that expired before `now_ms` (`findVerificationValue`).
    ///
    /// # Errors
    /// When the backend fails.
    fn find_verification(
        &self,
        identifier: &str,
        now_ms: i64,
    ) -> Result<Option<Verification>, StoreError>;

    /// Deletes every row for `identifier` atomically and returns the newest of them
    /// (`consumeVerificationValue`); the caller checks its expiry.
    ///
    /// # Errors
    /// When the backend fails.
    fn consume_verification(&self, identifier: &str) -> Result<Option<Verification>, StoreError>;
}
