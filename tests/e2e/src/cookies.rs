//! Signs cookie values the way better-call does (spec better-auth-protocol.md §3.3),
//! written here independently of `spinstack-cookies` so the tests check it.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;

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

/// `encodeURIComponent(value + "." + base64(HMAC-SHA256(secret, value)))`.
pub fn signed(secret: &str, value: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        unreachable!("HMAC takes any key length")
    };
    mac.update(value.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    utf8_percent_encode(&format!("{value}.{signature}"), URI_COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn spec_vector() {
        assert_eq!(
            super::signed(
                "better-auth-secret-123456789012345678901234567890",
                "abcdefghijklmnopqrstuvwxyzABCDEF"
            ),
            "abcdefghijklmnopqrstuvwxyzABCDEF.OFkFZ1pNR49GziQ%2FbF5PlWCQ%2FHy%2Fg7jGNfO%2BGUDRY4c%3D"
        );
    }
}
