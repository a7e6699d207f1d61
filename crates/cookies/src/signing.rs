//! Signed cookie values (spec §3.3): `encodeURIComponent(value + "." + base64(HMAC-SHA256(secret, value)))`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Length of a standard-base64, padded HMAC-SHA256 signature.
const SIGNATURE_LEN: usize = 44;

/// The characters `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

fn mac_for(secret: &str) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
    }
}

/// The standard-base64 (padded) HMAC-SHA256 of `value` under `secret`.
pub fn sign_value(secret: &str, value: &str) -> String {
    let mut mac = mac_for(secret);
    mac.update(value.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The cookie value Better Auth sets for `value`: `value.signature`, percent-encoded
/// with `encodeURIComponent` rules.
pub fn signed_cookie_value(secret: &str, value: &str) -> String {
    let signed = format!("{value}.{}", sign_value(secret, value));
    utf8_percent_encode(&signed, URI_COMPONENT).to_string()
}

/// Verifies an already percent-decoded signed cookie value and returns the value it
/// carries, or `None` when it is malformed or its signature does not match (Better Auth
/// treats both as "no cookie"). The MAC comparison is constant-time.
pub fn verify_signed_cookie(secret: &str, decoded: &str) -> Option<String> {
    let dot = decoded.rfind('.')?;
    if dot < 1 {
        return None;
    }
    let (value, signature) = (&decoded[..dot], &decoded[dot + 1..]);
    if signature.len() != SIGNATURE_LEN || !signature.ends_with('=') {
        return None;
    }
    let signature = STANDARD.decode(signature).ok()?;
    let mut mac = mac_for(secret);
    mac.update(value.as_bytes());
    mac.verify_slice(&signature).ok()?;
    Some(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "better-auth-secret-123456789012345678901234567890";
    const TOKEN: &str = "abcdefghijklmnopqrstuvwxyzABCDEF";

    #[test]
    fn spec_test_vector_signature() {
        assert_eq!(
            sign_value(SECRET, TOKEN),
            "OFkFZ1pNR49GziQ/bF5PlWCQ/Hy/g7jGNfO+GUDRY4c="
        );
    }

    #[test]
    fn spec_test_vector_cookie_value() {
        assert_eq!(
            signed_cookie_value(SECRET, TOKEN),
            "abcdefghijklmnopqrstuvwxyzABCDEF.OFkFZ1pNR49GziQ%2FbF5PlWCQ%2FHy%2Fg7jGNfO%2BGUDRY4c%3D"
        );
    }

    #[test]
    fn reference_transcript_cookie_verifies() {
        // From reference-transcripts.md (secret of the reference server).
        let secret = "peer-reference-secret-0123456789abcdef";
        let decoded =
            "DVuNK6inPZIKoDGgu8ONEHsAcppgCKoG.DK2AYSu2bmEoUzfv3FTqMYKrh8BZf0k7rUyAz3ErneA=";
        assert_eq!(
            verify_signed_cookie(secret, decoded).as_deref(),
            Some("DVuNK6inPZIKoDGgu8ONEHsAcppgCKoG")
        );
    }

    #[test]
    fn verification_round_trips() {
        let decoded = format!("{TOKEN}.{}", sign_value(SECRET, TOKEN));
        assert_eq!(
            verify_signed_cookie(SECRET, &decoded).as_deref(),
            Some(TOKEN)
        );
    }

    #[test]
    fn wrong_secret_or_tampering_is_rejected() {
        let decoded = format!("{TOKEN}.{}", sign_value(SECRET, TOKEN));
        assert_eq!(
            verify_signed_cookie("another-secret-another-secret-xx", &decoded),
            None
        );
        let tampered = decoded.replacen('a', "b", 1);
        assert_eq!(verify_signed_cookie(SECRET, &tampered), None);
    }

    #[test]
    fn malformed_values_are_absent() {
        for bad in [
            "",
            "garbage.value",
            ".OFkFZ1pNR49GziQ/bF5PlWCQ/Hy/g7jGNfO+GUDRY4c=",
            "nodot",
            "abc.OFkFZ1pNR49GziQ/bF5PlWCQ/Hy/g7jGNfO+GUDRY4c",
            "abc.!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!=",
        ] {
            assert_eq!(verify_signed_cookie(SECRET, bad), None, "{bad:?}");
        }
    }

    /// Better Auth refuses a signature at index 0 (`signatureStartPos < 1`): an empty
    /// value is no cookie even when its signature is right, while a value of one
    /// character is a value like any other.
    #[test]
    fn empty_value_is_refused_and_one_character_accepted() {
        let empty = format!(".{}", sign_value(SECRET, ""));
        assert_eq!(verify_signed_cookie(SECRET, &empty), None);
        for value in ["a", "."] {
            let decoded = format!("{value}.{}", sign_value(SECRET, value));
            assert_eq!(
                verify_signed_cookie(SECRET, &decoded).as_deref(),
                Some(value),
                "{decoded:?}"
            );
        }
    }

    /// Only the canonical padded base64 of the MAC verifies: not without its `=`,
    /// with more padding, in the URL-safe alphabet, or with the trailing bits set.
    #[test]
    fn only_the_canonical_signature_encoding_verifies() {
        let signature = sign_value(SECRET, TOKEN);
        // The last symbol carries 4 bits of the MAC and 2 zero bits: `c` is 011100,
        // `d` the same MAC bits with a trailing 1.
        assert!(signature.ends_with("c="), "{signature}");
        let trailing_bits = format!("{}d=", &signature[..SIGNATURE_LEN - 2]);
        for variant in [
            signature.trim_end_matches('=').to_owned(),
            format!("{signature}="),
            format!("{signature}A"),
            signature.replace('/', "_").replace('+', "-"),
            trailing_bits,
        ] {
            assert_ne!(variant, signature);
            let decoded = format!("{TOKEN}.{variant}");
            assert_eq!(verify_signed_cookie(SECRET, &decoded), None, "{decoded:?}");
        }
    }

    #[test]
    fn value_may_contain_dots() {
        let value = "a.b.c";
        let decoded = format!("{value}.{}", sign_value(SECRET, value));
        assert_eq!(
            verify_signed_cookie(SECRET, &decoded).as_deref(),
            Some(value)
        );
    }
}
