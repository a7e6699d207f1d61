//! Better Auth's legacy scrypt hashes (spec §4): `<32 hex salt>:<128 hex key>`,
//! N=16384, r=16, p=1, 64-byte key, and the scrypt salt is the ASCII bytes of the hex
//! string, not the 16 bytes it spells. Verify-only: new hashes are Argon2id.

use subtle::ConstantTimeEq;

use crate::Verification;

/// log2 of scrypt's N (16384).
const LOG_N: u8 = 14;
const R: u32 = 16;
const P: u32 = 1;
const SALT_HEX_LEN: usize = 32;
const KEY_LEN: usize = 64;

/// Verifies an already normalised password against a `salt:key` string.
///
/// Upstream splits on `:` and throws (a 500) when a part is missing; we answer
/// [`Verification::Malformed`] for any deviation from the exact shape instead.
/// A match is always `needs_upgrade`, since scrypt hashes are replaced by Argon2id.
pub(crate) fn verify(stored: &str, password: &[u8]) -> Verification {
    verify_with_log_n(stored, password, LOG_N)
}

/// [`verify`] with scrypt's N as a parameter: tests run most cases with a small N,
/// since scrypt at N=16384 takes seconds in an unoptimised build.
fn verify_with_log_n(stored: &str, password: &[u8], log_n: u8) -> Verification {
    let Some((salt, key_hex)) = stored.split_once(':') else {
        return Verification::Malformed;
    };
    if salt.len() != SALT_HEX_LEN || !salt.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Verification::Malformed;
    }
    // Constant-time hex decoding; it also rejects any length but 128 hex digits, so a
    // second `:` (left inside `key_hex`) is malformed too.
    let mut key = [0u8; KEY_LEN];
    if !matches!(base16ct::mixed::decode(key_hex, &mut key), Ok(k) if k.len() == KEY_LEN) {
        return Verification::Malformed;
    }
    let Ok(params) = scrypt::Params::new(log_n, R, P) else {
        return Verification::Malformed;
    };
    let mut derived = [0u8; KEY_LEN];
    if scrypt::scrypt(password, salt.as_bytes(), &params, &mut derived).is_err() {
        return Verification::Malformed;
    }
    if bool::from(derived.ct_eq(&key)) {
        Verification::Valid {
            needs_upgrade: true,
        }
    } else {
        Verification::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;

    const VALID_UPGRADE: Verification = Verification::Valid {
        needs_upgrade: true,
    };

    /// Spec §4's test vector, at Better Auth's real parameters.
    const SPEC_VECTOR: &str = "0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d";

    /// Checks the typed password, NFKC-normalised as [`crate::verify_password`] does.
    fn check(stored: &str, typed: &str, log_n: u8) -> Verification {
        verify_with_log_n(stored, normalize(typed).as_bytes(), log_n)
    }

    /// Through the public entry point, which must route `salt:key` strings here.
    #[test]
    fn spec_vector_verifies() {
        assert_eq!(
            crate::verify_password(SPEC_VECTOR, "password123"),
            VALID_UPGRADE
        );
    }

    /// Computed with Python: `hashlib.scrypt(unicodedata.normalize("NFKC", pw).encode(),
    /// salt=salt.encode(), n=16384, r=16, p=1, dklen=64)`. NFKC turns the ligatures and
    /// circled digits into `fine-flour 123`.
    #[test]
    fn non_ascii_vector_verifies_after_nfkc() {
        let stored = "f00dfacecafebabe0123456789abcdef:71903a0d0cccfea84262b1f75f157c527694bdd37a93c0947b5e0f8f8aca4adfa476492a063bbb487bc2b876371ce043efbf953b71378c8c65365fc0a6a1e1f0";
        assert_eq!(
            check(
                stored,
                "\u{fb01}ne-\u{fb02}our \u{2460}\u{2461}\u{2462}",
                LOG_N
            ),
            VALID_UPGRADE
        );
    }

    /// The same Python computation with n=16 (log_n 4): the format, salt handling and
    /// NFKC are the same, only the cost differs.
    #[test]
    fn cheap_vectors_verify_in_every_unicode_form() {
        let fullwidth = "a1b2c3d4e5f60718293a4b5c6d7e8f90:275eb7790bde797614fc6ab5bab503ae58356724d1c8d567208dff45e7e5e37cfc77c3e6d9240e5b8ef4b429c5ad1d3a10eb2616cff6cdfb709ee460a4229131";
        assert_eq!(check(fullwidth, "ｐａｓｓｗｏｒｄ１２３", 4), VALID_UPGRADE);
        assert_eq!(check(fullwidth, "password123", 4), VALID_UPGRADE);
        assert_eq!(check(fullwidth, "password124", 4), Verification::Invalid);

        let ligature = "f00dfacecafebabe0123456789abcdef:ea3c651463fdc08eb36c6a574159c8b049cf970bd5334d4fb62ce53944b4e75ecbcc6bcbb404d425ef5e5447788a650c37ca76e4adee2662a9bad2e28e555668";
        assert_eq!(
            check(
                ligature,
                "\u{fb01}ne-\u{fb02}our \u{2460}\u{2461}\u{2462}",
                4
            ),
            VALID_UPGRADE
        );
        assert_eq!(check(ligature, "fine-flour 123", 4), VALID_UPGRADE);
        assert_eq!(check(ligature, "fine-flour 124", 4), Verification::Invalid);

        // Written from the decomposed form (e + U+0301) with a fullwidth A and an emoji.
        let accents = "5e1f0c2b9a8d7e6f5a4b3c2d1e0f9a8b:e68dff322dfe060f638e84632efce1c70f083949d2d5285e7093916334fd652883228b64f3c8fd58af48a6d5bff202f8fa7f5c37f9a797564e75d2f4a27c6fd7";
        assert_eq!(
            check(accents, "\u{ff21}me\u{301}lie\u{1f600} test", 4),
            VALID_UPGRADE
        );
        assert_eq!(
            check(accents, "Am\u{e9}lie\u{1f600} test", 4),
            VALID_UPGRADE
        );
        assert_eq!(
            check(accents, "Amelie\u{1f600} test", 4),
            Verification::Invalid
        );
    }

    #[test]
    fn salt_is_the_hex_string_as_written_and_key_case_does_not_matter() {
        // An upper-case salt is hashed as its own ASCII bytes, exactly as upstream would.
        let upper_salt = "0123456789ABCDEF0123456789abcdef:eb6083e41f7997b1dc806ef76d98b29ae1a06e816ea48d35e0d687296bca199bb979193f06473e24eb42e31e6a179fed35d286ca51d13309380482ae04e571b8";
        assert_eq!(check(upper_salt, "password123", 4), VALID_UPGRADE);
        let lower_salt = upper_salt.replacen("ABCDEF", "abcdef", 1);
        assert_eq!(check(&lower_salt, "password123", 4), Verification::Invalid);
        let (salt, key) = upper_salt.split_at(33);
        let upper_key = format!("{salt}{}", key.to_ascii_uppercase());
        assert_eq!(check(&upper_key, "password123", 4), VALID_UPGRADE);
    }

    #[test]
    fn every_wrong_shape_is_malformed() {
        let salt = "0123456789abcdef0123456789abcdef";
        let key = &SPEC_VECTOR[33..];
        let cases = [
            String::new(),
            ":".to_owned(),
            format!("{salt}:"),
            format!(":{key}"),
            format!("{salt}{key}"),
            format!("{}:{key}", &salt[1..]),
            format!("{salt}0:{key}"),
            format!("{}g:{key}", &salt[1..]),
            format!("{}\u{e9}:{key}", &salt[2..]),
            format!("{salt}:{}", &key[1..]),
            format!("{salt}:{key}0"),
            format!("{salt}:{key}00"),
            format!("{salt}:{}z", &key[1..]),
            format!("{salt}:{key}:"),
            format!("{salt}:{key}:{key}"),
            format!("{salt}:{} ", &key[1..]),
            format!(" {}:{key}", &salt[1..]),
            format!("{salt}:{}", &key[..64]),
        ];
        for case in &cases {
            // Shape checks come before scrypt, so the real cost is no burden here.
            assert_eq!(
                verify(case, b"password123"),
                Verification::Malformed,
                "{case:?}"
            );
        }
    }
}
