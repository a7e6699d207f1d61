//! Row ids and tokens as Better Auth generates them (spec §3.1): strings over the 62
//! symbols `a-z`, `A-Z`, `0-9`, drawn uniformly from the OS random number generator.
//!
//! ```
//! let id = spinstack_ids::generate_id()?;
//! assert_eq!(id.len(), spinstack_ids::ID_LENGTH);
//! assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
//! # Ok::<(), spinstack_ids::RandomError>(())
//! ```
#![forbid(unsafe_code)]

mod sampler;

pub use sampler::ALPHABET;

/// Length of user, session, account and verification ids.
pub const ID_LENGTH: usize = 32;
/// Length of a session token (the value behind the signed session cookie).
pub const SESSION_TOKEN_LENGTH: usize = 32;
/// Length of a password-reset token.
pub const RESET_TOKEN_LENGTH: usize = 24;

/// The OS random number generator failed: a server fault, never the client's.
#[derive(Debug, thiserror::Error)]
#[error("the OS random number generator failed: {0}")]
pub struct RandomError(#[from] getrandom::Error);

/// A new row id for `user`, `session`, `account` or `verification`.
///
/// # Errors
/// [`RandomError`] when the OS random number generator fails.
pub fn generate_id() -> Result<String, RandomError> {
    generate_token(ID_LENGTH)
}

/// A new session token.
///
/// # Errors
/// [`RandomError`] when the OS random number generator fails.
pub fn generate_session_token() -> Result<String, RandomError> {
    generate_token(SESSION_TOKEN_LENGTH)
}

/// A new password-reset token.
///
/// # Errors
/// [`RandomError`] when the OS random number generator fails.
pub fn generate_reset_token() -> Result<String, RandomError> {
    generate_token(RESET_TOKEN_LENGTH)
}

/// Fills `bytes` from the OS random number generator (e.g. a jwe cache's IV).
///
/// # Errors
/// [`RandomError`] when the OS random number generator fails.
pub fn fill_random(bytes: &mut [u8]) -> Result<(), RandomError> {
    Ok(getrandom::fill(bytes)?)
}

/// A uniformly random string of `len` symbols from [`ALPHABET`].
///
/// Like upstream, random bytes are drawn in batches of twice the wanted length, and a
/// batch that rejection sampling leaves short is followed by another.
///
/// # Errors
/// [`RandomError`] when the OS random number generator fails.
pub fn generate_token(len: usize) -> Result<String, RandomError> {
    let mut token = String::with_capacity(len);
    let mut batch = vec![0u8; len.saturating_mul(2)];
    while token.len() < len {
        getrandom::fill(&mut batch)?;
        sampler::push_symbols(&mut token, len, &batch);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), RandomError>;

    #[test]
    fn lengths_match_better_auth() -> TestResult {
        assert_eq!(generate_id()?.len(), 32);
        assert_eq!(generate_session_token()?.len(), 32);
        assert_eq!(generate_reset_token()?.len(), 24);
        for len in [0, 1, 7, 100, 1000] {
            assert_eq!(generate_token(len)?.len(), len);
        }
        Ok(())
    }

    #[test]
    fn only_alphanumeric_ascii() -> TestResult {
        for _ in 0..100 {
            assert!(generate_id()?.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
        Ok(())
    }

    #[test]
    fn draws_are_distinct() -> TestResult {
        let ids = (0..1000)
            .map(|_| generate_id())
            .collect::<Result<std::collections::HashSet<_>, _>>()?;
        assert_eq!(ids.len(), 1000);
        Ok(())
    }

    /// Not a statistical test, a sanity check that no symbol is unreachable or badly
    /// over-represented: over 62 000 draws each symbol is expected 1000 times, with a
    /// standard deviation near 31, so the bounds below are about 10 sigma wide.
    #[test]
    fn every_symbol_appears_about_equally() -> TestResult {
        let mut counts = [0u32; 256];
        for byte in generate_token(62_000)?.bytes() {
            counts[usize::from(byte)] += 1;
        }
        for &symbol in ALPHABET {
            let count = counts[usize::from(symbol)];
            assert!(
                (700..=1300).contains(&count),
                "{} drawn {count} times",
                char::from(symbol)
            );
        }
        Ok(())
    }
}
