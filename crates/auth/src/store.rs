//! The user and account storage Better Auth's endpoints need, as a trait (PostgreSQL
//! through Spin in the `auth` component; fakes in tests; SQLite later), and the
//! `verification` table's in [`verification`]. Sessions are not here: they belong to
//! the `session` component.

mod verification;

pub use verification::{Verification, VerificationStore};

use spinstack_sessions::User;

/// A failure of the store. The message is for logs, never for clients.
pub type StoreError = String;

/// A user with their credential (email/password) account, if any.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The user.
    pub user: User,
    /// Id of the `credential` account row, if the user has one.
    pub account_id: Option<String>,
    /// Its stored password hash (PHC Argon2id, or Better Auth's legacy scrypt).
    pub password_hash: Option<String>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("user", &self.user)
            .field("account_id", &self.account_id)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// An account row as `list-accounts` shows it (never its tokens or password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Row id.
    pub id: String,
    /// The provider's id for the user (the user id for credentials).
    pub account_id: String,
    /// `credential`, or an OAuth provider.
    pub provider_id: String,
    /// Owner.
    pub user_id: String,
    /// Granted scopes, comma-separated.
    pub scope: Option<String>,
    /// Creation time.
    pub created_at: i64,
    /// Last update time.
    pub updated_at: i64,
}

/// What `verify-email` changes on a user found by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailChange<'a> {
    /// The new address (the change-email flows), stored as given.
    pub new_email: Option<&'a str>,
    /// The new `email_verified`.
    pub email_verified: bool,
}

/// Users and their accounts.
pub trait UserStore {
    /// The user with this id.
    ///
    /// # Errors
    /// When the backend fails.
    fn user_by_id(&self, user_id: &str) -> Result<Option<User>, StoreError>;

    /// The user with this (lower-cased) email.
    ///
    /// # Errors
    /// When the backend fails.
    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError>;

    /// The user with this (lower-cased) email and their credential account.
    ///
    /// # Errors
    /// When the backend fails.
    fn credential_by_email(&self, email: &str) -> Result<Option<Credential>, StoreError>;

    /// Whether a user has this (lower-cased) email.
    ///
    /// # Errors
    /// When the backend fails.
    fn email_taken(&self, email: &str) -> Result<bool, StoreError>;

    /// The user's credential account — provider `credential` whose `account_id` is the
    /// user id, as Better Auth's `findCredentialAccount` — as `(row id, password hash)`.
    ///
    /// # Errors
    /// When the backend fails.
    fn credential_of(&self, user_id: &str) -> Result<Option<(String, Option<String>)>, StoreError>;

    /// Every account of the user, oldest first.
    ///
    /// # Errors
    /// When the backend fails.
    fn accounts_of(&self, user_id: &str) -> Result<Vec<Account>, StoreError>;

    /// Sets the user's name and/or image (`Some(None)` clears the image) and
    /// `updated_at`.
    ///
    /// # Errors
    /// When the backend fails.
    fn update_user(
        &self,
        user_id: &str,
        name: Option<&str>,
        image: Option<Option<&str>>,
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// Replaces the password hash of credential account `account_id`.
    ///
    /// # Errors
    /// When the backend fails.
    fn set_password_hash(
        &self,
        account_id: &str,
        hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// Sets the password of the user's credential account, or — when they have none
    /// (a user who signed up through a provider) — creates it with row id
    /// `new_account_id`, as `POST /reset-password` does.
    ///
    /// # Errors
    /// When the backend fails.
    fn set_or_create_credential(
        &self,
        user_id: &str,
        new_account_id: &str,
        hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// Applies `change` to the user with this (lower-cased) email and `updated_at`;
    /// returns the updated user, `None` when there is none.
    ///
    /// # Errors
    /// When the backend fails (a new email that is taken, too).
    fn update_user_by_email(
        &self,
        email: &str,
        change: EmailChange<'_>,
        now_ms: i64,
    ) -> Result<Option<User>, StoreError>;

    /// Deletes the account row with this id.
    ///
    /// # Errors
    /// When the backend fails.
    fn delete_account(&self, id: &str) -> Result<(), StoreError>;
}
