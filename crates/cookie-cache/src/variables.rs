//! The cookie cache's two Spin variables: `session_cookie_cache_max_age` (seconds;
//! empty or `0` = off, the template's default) and `session_cookie_cache_strategy`
//! (`compact`, the default when empty, `jwt` or `jwe`). Better Auth reads any other
//! strategy as `compact` and fails every request past its `Max-Age` limit; a
//! configuration names the mistake instead, never echoing the value.

use thiserror::Error;

use crate::cache::{CacheSettings, MAX_AGE_LIMIT_SECS, Strategy};

/// The variable that turns the cache on.
pub const MAX_AGE_VARIABLE: &str = "session_cookie_cache_max_age";
/// The variable that picks the encoding.
pub const STRATEGY_VARIABLE: &str = "session_cookie_cache_strategy";

/// A cookie-cache variable that cannot be used; the message names it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CacheVariableError {
    /// `session_cookie_cache_max_age` is not a whole number of seconds in range.
    #[error(
        "Spin variable `session_cookie_cache_max_age` is invalid: it must be empty or 0 (cache off) or a whole number of seconds up to 34560000"
    )]
    MaxAge,
    /// `session_cookie_cache_strategy` is not one of the three.
    #[error(
        "Spin variable `session_cookie_cache_strategy` is invalid: it must be compact (the default), jwt or jwe"
    )]
    Strategy,
}

/// The cache settings the two variables describe, or `None` when the cache is off.
/// Unset and empty are the same; surrounding whitespace is ignored.
///
/// # Errors
/// [`CacheVariableError`] naming the variable that is invalid (the strategy is
/// checked even when the cache is off, so a typo never waits for the day it is
/// turned on).
pub fn cache_settings(
    max_age: Option<&str>,
    strategy: Option<&str>,
) -> Result<Option<CacheSettings>, CacheVariableError> {
    let strategy = match strategy.map(str::trim).unwrap_or_default() {
        "" | "compact" => Strategy::Compact,
        "jwt" => Strategy::Jwt,
        "jwe" => Strategy::Jwe,
        _ => return Err(CacheVariableError::Strategy),
    };
    let max_age = max_age.map(str::trim).unwrap_or_default();
    if max_age.is_empty() {
        return Ok(None);
    }
    if !max_age.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CacheVariableError::MaxAge);
    }
    let seconds: u64 = max_age.parse().map_err(|_| CacheVariableError::MaxAge)?;
    if seconds > MAX_AGE_LIMIT_SECS {
        return Err(CacheVariableError::MaxAge);
    }
    Ok((seconds > 0).then(|| CacheSettings {
        strategy,
        max_age_secs: seconds,
        ..CacheSettings::default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_zero_is_off() {
        for max_age in [None, Some(""), Some("  "), Some("0"), Some("000")] {
            assert_eq!(cache_settings(max_age, None), Ok(None), "{max_age:?}");
        }
    }

    #[test]
    fn seconds_and_strategy() {
        let settings = cache_settings(Some("300"), Some("jwe"));
        assert_eq!(
            settings,
            Ok(Some(CacheSettings {
                strategy: Strategy::Jwe,
                max_age_secs: 300,
                version: "1".into()
            }))
        );
        for (name, strategy) in [
            ("", Strategy::Compact),
            ("compact", Strategy::Compact),
            (" jwt ", Strategy::Jwt),
        ] {
            let settings = cache_settings(Some("60"), Some(name));
            assert_eq!(settings.map(|s| s.map(|s| s.strategy)), Ok(Some(strategy)));
        }
        assert_eq!(
            cache_settings(Some("34560000"), None).map(|s| s.map(|s| s.max_age_secs)),
            Ok(Some(MAX_AGE_LIMIT_SECS))
        );
    }

    #[test]
    fn mistakes_name_the_variable_without_the_value() {
        for max_age in ["-1", "1.5", "5m", "34560001", "99999999999999999999999"] {
            let error = cache_settings(Some(max_age), None);
            assert_eq!(error, Err(CacheVariableError::MaxAge), "{max_age}");
            let text = CacheVariableError::MaxAge.to_string();
            assert!(text.contains(MAX_AGE_VARIABLE) && !text.contains(max_age));
        }
        for strategy in ["JWE", "jws", "secret-ish"] {
            let error = cache_settings(None, Some(strategy));
            assert_eq!(error, Err(CacheVariableError::Strategy), "{strategy}");
            let text = CacheVariableError::Strategy.to_string();
            assert!(text.contains(STRATEGY_VARIABLE) && !text.contains(strategy));
        }
    }
}
