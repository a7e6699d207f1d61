//! Errors of this crate: hashing failures and password length violations.

/// Why a new password could not be hashed. Both are server faults, never the user's.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The OS random number generator failed to produce a salt.
    #[error("the OS random number generator failed: {0}")]
    Rng(#[from] getrandom::Error),
    /// Argon2 refused its inputs or could not allocate its memory.
    #[error("argon2 hashing failed: {0}")]
    Hash(#[from] argon2::password_hash::Error),
}

/// A new password outside Better Auth's length limits, counted in UTF-16 units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LengthError {
    /// Shorter than [`MIN_PASSWORD_LENGTH`](crate::MIN_PASSWORD_LENGTH):
    /// Better Auth's `PASSWORD_TOO_SHORT`.
    #[error("password too short")]
    TooShort,
    /// Longer than [`MAX_PASSWORD_LENGTH`](crate::MAX_PASSWORD_LENGTH):
    /// Better Auth's `PASSWORD_TOO_LONG`.
    #[error("password too long")]
    TooLong,
}
