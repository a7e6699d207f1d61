//! Password hashing for spinstack: new hashes are Argon2id PHC strings, and the
//! `salt:key` scrypt hashes Better Auth wrote (spec §4) still verify and are flagged
//! for upgrade, so the caller can rehash them at the next successful sign-in.
//!
//! Every password is NFKC-normalised before it is hashed or verified, as Better Auth
//! does, so a password verifies whatever Unicode form the keyboard produced.
//!
//! ```
//! use spinstack_passwords::{Verification, hash_password, verify_password};
//!
//! let stored = hash_password("correct horse")?;
//! assert_eq!(
//!     verify_password(&stored, "correct horse"),
//!     Verification::Valid { needs_upgrade: false }
//! );
//! assert_eq!(verify_password(&stored, "wrong horse"), Verification::Invalid);
//! # Ok::<(), spinstack_passwords::PasswordError>(())
//! ```
#![forbid(unsafe_code)]

mod argon;
mod error;
mod legacy;
mod length;
mod timing;

use unicode_normalization::UnicodeNormalization;

pub use argon::{CURRENT_M_COST_KIB, CURRENT_P_COST, CURRENT_T_COST};
pub use error::{LengthError, PasswordError};
pub use length::{MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, check_length, utf16_len};
pub use timing::verify_against_dummy;

/// The outcome of checking a password against a stored hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verification {
    /// The password matches.
    Valid {
        /// The stored hash is legacy scrypt, or Argon2id with parameters other than the
        /// ones [`hash_password`] uses now (another of OWASP's equal-strength sets, such
        /// as the m=19456,t=2 this crate wrote before, or a weaker or costlier one): store
        /// a fresh [`hash_password`] of the password.
        needs_upgrade: bool,
    },
    /// The password does not match.
    Invalid,
    /// The stored value is no hash this crate can check (wrong shape, unknown
    /// algorithm, absurd parameters). The row is at fault, not the user; sign-in
    /// answers `INVALID_EMAIL_OR_PASSWORD` all the same.
    Malformed,
}

impl Verification {
    /// Whether the password matched.
    #[must_use]
    pub fn is_valid(self) -> bool {
        matches!(self, Self::Valid { .. })
    }
}

/// Hashes a new password as an Argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`)
/// with the current parameters and a random 16-byte salt from the OS.
///
/// The caller checks the length ([`check_length`]) first; this function hashes anything.
///
/// # Errors
/// [`PasswordError::Rng`] when the OS random number generator fails, and
/// [`PasswordError::Hash`] if Argon2 rejects its input (it does not for our parameters).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    argon::hash(normalize(password).as_bytes())
}

/// Checks `password` against a stored hash: an Argon2id PHC string (`v=19` or `v=16`,
/// any parameters up to m=256 MiB, t=32, p=16), or Better Auth's legacy scrypt
/// `salt:key` string.
///
/// A password longer than [`MAX_PASSWORD_LENGTH`] (UTF-16 units, as [`check_length`]
/// counts) is [`Verification::Invalid`] without being normalised or hashed: no password
/// the app sets is longer, and a caller must not make NFKC and the hash chew on a
/// megabyte.
///
/// The derived key is compared in constant time. Never panics: whatever the stored
/// value holds, the answer is one of the three [`Verification`] cases.
#[must_use]
pub fn verify_password(stored: &str, password: &str) -> Verification {
    if utf16_len(password) > MAX_PASSWORD_LENGTH {
        return Verification::Invalid;
    }
    let password = normalize(password);
    if stored.starts_with('$') {
        argon::verify(stored, password.as_bytes())
    } else if stored.contains(':') {
        legacy::verify(stored, password.as_bytes())
    } else {
        Verification::Malformed
    }
}

/// Better Auth normalises with NFKC before hashing (`@better-auth/utils/password`);
/// we do the same for both algorithms so old and new hashes agree on what was typed.
fn normalize(password: &str) -> String {
    password.nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_over_the_maximum_never_verify() -> Result<(), Box<dyn std::error::Error>> {
        // Hashes of a 129- and a 128-unit password, as a looser server could have stored.
        let long = "p".repeat(MAX_PASSWORD_LENGTH + 1);
        let stored = argon::hash(long.as_bytes())?;
        assert_eq!(verify_password(&stored, &long), Verification::Invalid);
        let max = "p".repeat(MAX_PASSWORD_LENGTH);
        let stored = hash_password(&max)?;
        assert!(verify_password(&stored, &max).is_valid());
        Ok(())
    }

    #[test]
    fn round_trip_accepts_any_unicode_form_and_rejects_others()
    -> Result<(), Box<dyn std::error::Error>> {
        // Typed with a ligature and fullwidth letters; NFKC makes it "fine pass 12".
        let stored = hash_password("\u{fb01}ne \u{ff50}\u{ff41}ss 12")?;
        assert!(stored.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"));
        let parsed = argon2::PasswordHash::new(&stored)?;
        assert_eq!(parsed.salt.map(|salt| salt.len()), Some(16));
        assert_eq!(parsed.hash.map(|hash| hash.len()), Some(32));
        assert_eq!(
            verify_password(&stored, "fine pass 12"),
            Verification::Valid {
                needs_upgrade: false
            }
        );
        assert_eq!(
            verify_password(&stored, "fine pass 13"),
            Verification::Invalid
        );
        Ok(())
    }

    #[test]
    fn strings_of_neither_format_are_malformed() {
        for stored in ["", "plaintext", "e8b256b6f9f4b164", "null", "\u{1f600}"] {
            assert_eq!(
                verify_password(stored, "password123"),
                Verification::Malformed
            );
        }
    }

    #[test]
    fn only_valid_is_valid() {
        assert!(
            Verification::Valid {
                needs_upgrade: true
            }
            .is_valid()
        );
        assert!(!Verification::Invalid.is_valid());
        assert!(!Verification::Malformed.is_valid());
    }
}
