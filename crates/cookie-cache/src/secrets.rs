//! The secrets (spec cookie-cache-and-secrets.md §9): Better Auth's versioned list
//! `BETTER_AUTH_SECRETS` (our Spin variable `better_auth_secrets`), combined with the
//! single `better_auth_secret`, as an ordered [`KeyRing`].
//!
//! Better Auth's rules kept: the list is `<version>:<secret>` entries separated by `,`,
//! each entry and secret trimmed as JavaScript's `trim` does, split at the first `:`,
//! the version read with `parseInt(prefix, 10)` (so `" 2 "`, `007`, `+3`, `1.5` and
//! `2abc` are 2, 7, 3, 1 and 2) and required to be a non-negative integer, no empty
//! secret, no version twice. The **first** entry is the current secret (list order,
//! not the highest version). With a list, `better_auth_secret` becomes the *legacy*
//! secret: tried after the listed ones, unless it is Better Auth's built-in default
//! or already listed. Without a list, `better_auth_secret` alone is the ring.
//!
//! Errors name the variable and never echo an entry: positions only, never a version
//! or a secret (1.7.5 echoed entries into logs; 1.7.29 moved to positions, and we go
//! one step further for duplicate versions, which it still prints).
//!
//! Verification ([`KeyRing::verify`]) tries every secret of the ring, current first,
//! and reports which one matched ([`KeyMatch`]), so that a caller can accept a cookie
//! signed before a rotation and re-sign it with the current secret. Upstream accepts
//! old secrets only for encrypted material (issue #14 item 3 goes beyond it on
//! purpose); callers wanting strict parity accept only [`KeyMatch::is_current`].

use std::fmt;

use thiserror::Error;

/// The Spin variable holding the versioned secrets list.
pub const SECRETS_VARIABLE: &str = "better_auth_secrets";
/// The Spin variable holding the single (or legacy) secret.
pub const SECRET_VARIABLE: &str = "better_auth_secret";

/// Better Auth's built-in development secret: never taken as the legacy secret.
const DEFAULT_SECRET: &str = "better-auth-secret-12345678901234567890";
/// `Number.MAX_SAFE_INTEGER`: larger versions lose precision in JavaScript.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// Below this many characters (UTF-16 units) the current secret draws a warning.
const MIN_SECRET_LENGTH: usize = 32;
/// Below this estimated entropy (bits) the current secret draws a warning.
const MIN_ENTROPY_BITS: f64 = 120.0;

/// Why the secrets could not be used. Names the variable, positions (1-based) of
/// entries, and nothing else: safe for logs and error pages.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SecretsError {
    /// An entry has no `:` (an empty entry, e.g. after a trailing comma, included).
    #[error(
        "Spin variable `better_auth_secrets` is invalid: entry {position} is not of the form <version>:<secret>"
    )]
    MissingColon {
        /// 1-based position of the entry.
        position: usize,
    },
    /// An entry's version is not a non-negative integer.
    #[error(
        "Spin variable `better_auth_secrets` is invalid: the version of entry {position} is not a non-negative integer"
    )]
    InvalidVersion {
        /// 1-based position of the entry.
        position: usize,
    },
    /// An entry's secret is empty.
    #[error(
        "Spin variable `better_auth_secrets` is invalid: the secret of entry {position} is empty"
    )]
    EmptySecret {
        /// 1-based position of the entry.
        position: usize,
    },
    /// Two entries carry the same version.
    #[error(
        "Spin variable `better_auth_secrets` is invalid: entry {position} repeats the version of entry {first}"
    )]
    DuplicateVersion {
        /// 1-based position of the repeating entry.
        position: usize,
        /// 1-based position of the entry that had the version first.
        first: usize,
    },
    /// Neither a secrets list nor a single secret was given.
    #[error("Spin variable `better_auth_secret` is not set")]
    NoSecret,
}

impl SecretsError {
    /// The Spin variable the error is about.
    pub fn variable(&self) -> &'static str {
        match self {
            Self::NoSecret => SECRET_VARIABLE,
            _ => SECRETS_VARIABLE,
        }
    }
}

/// One secret of a [`KeyRing`]. Its `Debug` output hides the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    value: String,
    version: Option<u64>,
}

impl Secret {
    /// The secret itself: the key bytes are its UTF-8 encoding.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The version label of a listed secret; `None` for the single or legacy secret.
    pub fn version(&self) -> Option<u64> {
        self.version
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("value", &"<redacted>")
            .field("version", &self.version)
            .finish()
    }
}

/// Which secret of the ring verified something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyMatch {
    /// Position in the ring: 0 is the current secret.
    pub position: usize,
    /// The secret's version label (`None` for the single or legacy secret).
    pub version: Option<u64>,
}

impl KeyMatch {
    /// Whether the current secret verified it (otherwise re-sign with the current one).
    pub fn is_current(&self) -> bool {
        self.position == 0
    }
}

/// A verified value and the secret that verified it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T> {
    /// What the verification produced.
    pub value: T,
    /// The secret that verified it.
    pub key: KeyMatch,
}

/// A warning about a weak current secret (Better Auth logs these; they never stop it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretWarning {
    /// Fewer than 32 characters.
    Short {
        /// The current secret's version, if listed.
        version: Option<u64>,
    },
    /// `length · log2(distinct characters)` below 120 bits.
    LowEntropy,
}

impl fmt::Display for SecretWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Short {
                version: Some(version),
            } => write!(
                f,
                "the current secret (version {version}) should be at least 32 characters long for adequate security"
            ),
            Self::Short { version: None } => f.write_str(
                "the current secret should be at least 32 characters long for adequate security",
            ),
            Self::LowEntropy => f.write_str(
                "the current secret appears low-entropy; use a randomly generated secret for production",
            ),
        }
    }
}

/// The secrets in the order they are tried: the current one first, then the other
/// listed ones in list order, then the legacy secret. Never empty.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyRing {
    secrets: Vec<Secret>,
}

impl KeyRing {
    /// Single-secret mode: `better_auth_secret` alone.
    pub fn single(secret: impl Into<String>) -> Self {
        Self {
            secrets: vec![Secret {
                value: secret.into(),
                version: None,
            }],
        }
    }

    /// A versioned list (§9.2), with the legacy secret appended unless it is Better
    /// Auth's built-in default, empty, or already listed.
    ///
    /// # Errors
    /// [`SecretsError`] naming the first malformed entry by position.
    pub fn from_list(list: &str, legacy: Option<&str>) -> Result<Self, SecretsError> {
        let mut secrets = parse_secrets_list(list)?;
        if let Some(legacy) = legacy.filter(|s| !s.is_empty() && *s != DEFAULT_SECRET)
            && !secrets.iter().any(|s| s.value == legacy)
        {
            secrets.push(Secret {
                value: legacy.to_owned(),
                version: None,
            });
        }
        Ok(Self { secrets })
    }

    /// The ring from the two Spin variables, with Better Auth's precedence (§9.1): a
    /// non-empty `better_auth_secrets` wins and `better_auth_secret` becomes the legacy
    /// secret; otherwise `better_auth_secret` alone. Empty values count as unset.
    ///
    /// # Errors
    /// [`SecretsError`] for a malformed list, [`SecretsError::NoSecret`] when both are
    /// unset.
    pub fn from_variables(
        better_auth_secrets: Option<&str>,
        better_auth_secret: Option<&str>,
    ) -> Result<Self, SecretsError> {
        let secret = better_auth_secret.filter(|s| !s.is_empty());
        match better_auth_secrets.filter(|s| !s.is_empty()) {
            Some(list) => Self::from_list(list, secret),
            None => secret.map(Self::single).ok_or(SecretsError::NoSecret),
        }
    }

    /// The secret that signs and encrypts.
    pub fn current(&self) -> &Secret {
        // The ring is never empty: every constructor puts at least one secret in it.
        &self.secrets[0]
    }

    /// Every secret, in the order they are tried.
    pub fn secrets(&self) -> &[Secret] {
        &self.secrets
    }

    /// Runs `check` with each secret, current first, and returns the first result
    /// with the secret that produced it; `None` when no secret does.
    pub fn verify<T>(&self, mut check: impl FnMut(&str) -> Option<T>) -> Option<Verified<T>> {
        self.secrets
            .iter()
            .enumerate()
            .find_map(|(position, secret)| {
                check(&secret.value).map(|value| Verified {
                    value,
                    key: KeyMatch {
                        position,
                        version: secret.version,
                    },
                })
            })
    }

    /// Verifies a percent-decoded signed cookie (`session_token`, `dont_remember`)
    /// with every secret of the ring: the value it carries and the secret that signed it.
    pub fn verify_signed_cookie(&self, decoded: &str) -> Option<Verified<String>> {
        self.verify(|secret| spinstack_cookies::verify_signed_cookie(secret, decoded))
    }

    /// Better Auth's warnings about the current secret (§9.2): shorter than 32
    /// characters, or estimated entropy below 120 bits.
    pub fn warnings(&self) -> Vec<SecretWarning> {
        let current = self.current();
        let mut warnings = Vec::new();
        let length = current.value.encode_utf16().count();
        if length < MIN_SECRET_LENGTH {
            warnings.push(SecretWarning::Short {
                version: current.version,
            });
        }
        if estimated_entropy(&current.value) < MIN_ENTROPY_BITS {
            warnings.push(SecretWarning::LowEntropy);
        }
        warnings
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("secrets", &self.secrets)
            .finish()
    }
}

/// Parses a `BETTER_AUTH_SECRETS` value into its secrets, in list order (§9.2).
///
/// # Errors
/// [`SecretsError`] naming the first malformed entry by position; duplicate versions
/// are checked after every entry parsed, as Better Auth does.
pub fn parse_secrets_list(list: &str) -> Result<Vec<Secret>, SecretsError> {
    let mut secrets: Vec<Secret> = Vec::new();
    for (index, entry) in list.split(',').enumerate() {
        let position = index + 1;
        let entry = js_trim(entry);
        let Some((prefix, value)) = entry.split_once(':') else {
            return Err(SecretsError::MissingColon { position });
        };
        let version = js_parse_version(prefix).ok_or(SecretsError::InvalidVersion { position })?;
        let value = js_trim(value);
        if value.is_empty() {
            return Err(SecretsError::EmptySecret { position });
        }
        secrets.push(Secret {
            value: value.to_owned(),
            version: Some(version),
        });
    }
    for (index, secret) in secrets.iter().enumerate() {
        if let Some(first) = secrets[..index]
            .iter()
            .position(|earlier| earlier.version == secret.version)
        {
            return Err(SecretsError::DuplicateVersion {
                position: index + 1,
                first: first + 1,
            });
        }
    }
    Ok(secrets)
}

/// JavaScript's white space and line terminators, as `trim` and `parseInt` skip them.
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_whitespace)
}

/// `parseInt(prefix, 10)` restricted to what Better Auth then accepts: leading white
/// space, an optional sign, the leading decimal digits (the rest ignored). `None` for
/// no digits (NaN), a negative value, or one beyond `Number.MAX_SAFE_INTEGER` (which
/// JavaScript would round; we refuse it rather than guess).
fn js_parse_version(prefix: &str) -> Option<u64> {
    let s = prefix.trim_start_matches(is_js_whitespace);
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let mut value: u64 = 0;
    for digit in s[..digits].bytes() {
        value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
        if value > MAX_SAFE_INTEGER {
            return None;
        }
    }
    // `-0` is an integer ≥ 0 for JavaScript.
    (!negative || value == 0).then_some(value)
}

/// Better Auth's estimate: `log2(distinct code points ^ length in UTF-16 units)`.
fn estimated_entropy(secret: &str) -> f64 {
    let mut distinct: Vec<char> = secret.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.is_empty() {
        return 0.0;
    }
    let length = secret.encode_utf16().count();
    // As JavaScript computes it (`Math.pow` overflows to infinity for long secrets).
    (distinct.len() as f64).powf(length as f64).log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "better-auth-secret-123456789012345678901234567890";
    const NEW: &str = "rotated-secret-0123456789abcdefghijklmnopqrstuvwxyzABCD";

    fn parsed(list: &str) -> Vec<(Option<u64>, String)> {
        parse_secrets_list(list)
            .expect("valid list")
            .into_iter()
            .map(|s| (s.version, s.value))
            .collect()
    }

    #[test]
    fn parses_better_auths_lenient_format() {
        assert_eq!(
            parsed("2:new-secret,1:old-secret"),
            [
                (Some(2), "new-secret".into()),
                (Some(1), "old-secret".into())
            ]
        );
        assert_eq!(parsed("2:abc:def"), [(Some(2), "abc:def".into())]);
        assert_eq!(parsed(" 2 : new "), [(Some(2), "new".into())]);
        for (prefix, version) in [
            (" 2 ", 2),
            ("007", 7),
            ("+3", 3),
            ("1.5", 1),
            ("2abc", 2),
            ("-0", 0),
            ("\u{A0}4", 4),
            ("9007199254740991", MAX_SAFE_INTEGER),
        ] {
            assert_eq!(
                parsed(&format!("{prefix}:s")),
                [(Some(version), "s".into())],
                "{prefix:?}"
            );
        }
        // JavaScript's trim also strips the BOM and line separators.
        assert_eq!(parsed("\u{FEFF}1:a\u{2028}"), [(Some(1), "a".into())]);
    }

    #[test]
    fn malformed_lists_name_the_variable_and_hide_the_entries() {
        let cases = [
            ("2:new,", SecretsError::MissingColon { position: 2 }),
            (
                "nocolon-supersecret",
                SecretsError::MissingColon { position: 1 },
            ),
            ("", SecretsError::MissingColon { position: 1 }),
            (
                "1:a,x:supersecret",
                SecretsError::InvalidVersion { position: 2 },
            ),
            (
                "-1:supersecret",
                SecretsError::InvalidVersion { position: 1 },
            ),
            (":supersecret", SecretsError::InvalidVersion { position: 1 }),
            (
                "99999999999999999999:supersecret",
                SecretsError::InvalidVersion { position: 1 },
            ),
            ("1:a,2:  ", SecretsError::EmptySecret { position: 2 }),
            (
                "1:a,2:b,01:supersecret",
                SecretsError::DuplicateVersion {
                    position: 3,
                    first: 1,
                },
            ),
        ];
        for (list, expected) in cases {
            let error = parse_secrets_list(list).expect_err(list);
            assert_eq!(error, expected, "{list:?}");
            assert_eq!(error.variable(), "better_auth_secrets");
            let message = error.to_string();
            assert!(message.contains("`better_auth_secrets`"), "{message}");
            for leak in ["supersecret", "nocolon", "99999"] {
                assert!(!message.contains(leak), "{message}");
            }
            assert!(!format!("{error:?}").contains("supersecret"));
        }
    }

    #[test]
    fn an_entry_error_comes_before_a_duplicate() {
        // Duplicates are checked once every entry parsed, as Better Auth does.
        assert_eq!(
            parse_secrets_list("1:a,1:b,x:c"),
            Err(SecretsError::InvalidVersion { position: 3 })
        );
    }

    #[test]
    fn list_order_decides_the_current_secret() {
        let ring = KeyRing::from_list(&format!("1:{OLD},2:{NEW}"), None).expect("ring");
        assert_eq!(ring.current().value(), OLD);
        assert_eq!(ring.current().version(), Some(1));
    }

    #[test]
    fn legacy_secret_is_appended_once_and_never_the_default() {
        let ring = KeyRing::from_list(&format!("2:{NEW}"), Some(OLD)).expect("ring");
        let versions: Vec<_> = ring.secrets().iter().map(Secret::version).collect();
        assert_eq!(versions, [Some(2), None]);
        assert_eq!(ring.secrets()[1].value(), OLD);
        // Already listed: not repeated.
        let ring = KeyRing::from_list(&format!("2:{NEW},1:{OLD}"), Some(OLD)).expect("ring");
        assert_eq!(ring.secrets().len(), 2);
        // Better Auth's built-in default is never a legacy secret.
        let ring = KeyRing::from_list(&format!("2:{NEW}"), Some(DEFAULT_SECRET)).expect("ring");
        assert_eq!(ring.secrets().len(), 1);
    }

    #[test]
    fn variables_precedence() {
        let ring = KeyRing::from_variables(Some(&format!("2:{NEW}")), Some(OLD)).expect("ring");
        assert_eq!(ring.current().value(), NEW);
        assert_eq!(ring.secrets().len(), 2);
        // An empty list is unset: single-secret mode.
        let ring = KeyRing::from_variables(Some(""), Some(OLD)).expect("ring");
        assert_eq!(ring, KeyRing::single(OLD));
        assert_eq!(ring.current().version(), None);
        assert_eq!(
            KeyRing::from_variables(None, Some("")),
            Err(SecretsError::NoSecret)
        );
        assert_eq!(SecretsError::NoSecret.variable(), "better_auth_secret");
        assert_eq!(
            KeyRing::from_variables(Some("junk"), Some(OLD)),
            Err(SecretsError::MissingColon { position: 1 })
        );
    }

    #[test]
    fn verify_reports_the_matching_secret() {
        let ring = KeyRing::from_list(&format!("2:{NEW},1:{OLD}"), None).expect("ring");
        let old = ring
            .verify(|secret| (secret == OLD).then_some("old"))
            .expect("verified");
        assert_eq!(old.value, "old");
        assert_eq!(
            old.key,
            KeyMatch {
                position: 1,
                version: Some(1)
            }
        );
        assert!(!old.key.is_current());
        let new = ring
            .verify(|secret| (secret == NEW).then_some(()))
            .expect("verified");
        assert!(new.key.is_current());
        assert_eq!(ring.verify(|_| None::<()>), None);
    }

    #[test]
    fn signed_cookies_verify_with_any_secret_of_the_ring() {
        let token = "abcdefghijklmnopqrstuvwxyzABCDEF";
        let signed_old = format!("{token}.{}", spinstack_cookies::sign_value(OLD, token));
        // The spec's §11.4 rotated token cookie, percent-decoded.
        let signed_new =
            "abcdefghijklmnopqrstuvwxyzABCDEF.msCv/OawkNoFPxOmt43uxViHdvdIaZGD1TMFj6pQ9hI=";
        let rotated = KeyRing::from_list(&format!("2:{NEW},1:{OLD}"), None).expect("ring");
        let verified = rotated.verify_signed_cookie(signed_new).expect("current");
        assert_eq!(verified.value, token);
        assert!(verified.key.is_current());
        let verified = rotated.verify_signed_cookie(&signed_old).expect("older");
        assert_eq!(verified.value, token);
        assert_eq!(verified.key.version, Some(1));
        // Once the old secret is removed, its cookies no longer verify.
        let removed = KeyRing::from_list(&format!("2:{NEW}"), None).expect("ring");
        assert_eq!(removed.verify_signed_cookie(&signed_old), None);
        assert!(removed.verify_signed_cookie(signed_new).is_some());
    }

    #[test]
    fn warnings_for_a_weak_current_secret() {
        assert_eq!(KeyRing::single(NEW).warnings(), []);
        assert_eq!(
            KeyRing::from_list("3:short,1:whatever", None)
                .expect("ring")
                .warnings(),
            [
                SecretWarning::Short { version: Some(3) },
                SecretWarning::LowEntropy
            ]
        );
        // 40 characters over 2 symbols: 40 bits.
        assert_eq!(
            KeyRing::single("ab".repeat(20)).warnings(),
            [SecretWarning::LowEntropy]
        );
        // 16 symbols, 30 characters: exactly 120 bits, no warning for entropy.
        let secret: String = "0123456789abcdef".chars().cycle().take(30).collect();
        assert_eq!(
            KeyRing::single(secret).warnings(),
            [SecretWarning::Short { version: None }]
        );
        let text = SecretWarning::Short { version: Some(3) }.to_string();
        assert!(text.contains("version 3"), "{text}");
    }

    #[test]
    fn debug_hides_secret_values() {
        let ring = KeyRing::from_list(&format!("2:{NEW}"), Some(OLD)).expect("ring");
        let debug = format!("{ring:?}");
        assert!(!debug.contains(NEW) && !debug.contains(OLD), "{debug}");
        assert!(debug.contains("<redacted>"));
    }
}
