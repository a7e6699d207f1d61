//! Password length as JavaScript counts it (`string.length`, UTF-16 code units), and
//! Better Auth's limits (spec §8), checked on the password as typed, before NFKC.

use crate::error::LengthError;

/// Shortest accepted new password, in UTF-16 code units.
pub const MIN_PASSWORD_LENGTH: usize = 8;
/// Longest accepted new password, in UTF-16 code units.
pub const MAX_PASSWORD_LENGTH: usize = 128;

/// The length of `s` in UTF-16 code units, as JavaScript's `string.length`
/// (a character outside the Basic Multilingual Plane, such as an emoji, counts 2).
#[must_use]
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Checks a new password (sign-up, change-password, reset-password) against
/// [`MIN_PASSWORD_LENGTH`] and [`MAX_PASSWORD_LENGTH`]. Sign-in checks only the
/// maximum (no stored password can be longer), and answers as for a wrong password.
///
/// # Errors
/// [`LengthError::TooShort`] or [`LengthError::TooLong`].
pub fn check_length(password: &str) -> Result<(), LengthError> {
    match utf16_len(password) {
        n if n < MIN_PASSWORD_LENGTH => Err(LengthError::TooShort),
        n if n > MAX_PASSWORD_LENGTH => Err(LengthError::TooLong),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_code_units_like_javascript() {
        assert_eq!(utf16_len(""), 0);
        assert_eq!(utf16_len("password"), 8);
        assert_eq!(utf16_len("\u{e9}"), 1); // é, 2 bytes of UTF-8
        assert_eq!(utf16_len("e\u{301}"), 2); // e + combining acute
        assert_eq!(utf16_len("\u{20ac}"), 1); // €, 3 bytes of UTF-8
        assert_eq!(utf16_len("\u{1f600}"), 2); // 😀, a surrogate pair
        assert_eq!(utf16_len("a\u{1f600}b\u{1f468}\u{200d}\u{1f469}"), 9);
    }

    #[test]
    fn limits_count_emoji_twice_and_apply_before_nfkc() {
        assert_eq!(check_length("1234567"), Err(LengthError::TooShort));
        assert_eq!(check_length("12345678"), Ok(()));
        assert_eq!(check_length(&"\u{1f600}".repeat(4)), Ok(()));
        assert_eq!(
            check_length(&"\u{1f600}".repeat(3)),
            Err(LengthError::TooShort)
        );
        assert_eq!(check_length(&"\u{1f600}".repeat(64)), Ok(()));
        assert_eq!(
            check_length(&format!("{}a", "\u{1f600}".repeat(64))),
            Err(LengthError::TooLong)
        );
        assert_eq!(check_length(&"a".repeat(128)), Ok(()));
        assert_eq!(check_length(&"a".repeat(129)), Err(LengthError::TooLong));
        // U+FDFA is one unit but NFKC expands it to 18 characters: the typed form counts.
        assert_eq!(
            check_length(&"\u{fdfa}".repeat(7)),
            Err(LengthError::TooShort)
        );
    }
}
