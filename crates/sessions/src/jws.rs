//! The signature half of Better Auth's email-verification tokens: a compact JWS signed
//! with HS256 under `better_auth_secret` (spec §10.19), checked the way `jose` 6's
//! `jwtVerify(token, secret, { algorithms: ["HS256"] })` does before it looks at the
//! claims. It lives here, beside the cookie signatures, because only the `session`
//! component holds the secret; the claims (`exp`, `nbf`, `email`, …) are the `auth`
//! crate's business.
//!
//! `jose`'s rules kept: exactly three `.`-separated parts; a protected header that is a
//! JSON object (strict UTF-8) with a non-empty string `alg` equal to `HS256`; a `crit`
//! list, when present, of non-empty strings naming only the `b64` extension, which
//! must then be a boolean — and `b64: false` is refused, since JWTs must not use an
//! unencoded payload; base64url decoding as forgiving as `Uint8Array.fromBase64`
//! (padding optional, ASCII whitespace skipped, trailing bits ignored, no `+` or `/`).
//! The MAC comparison is constant-time (`hmac`'s `verify_slice`).

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

const FORGIVING_URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64url as `jose` does: ASCII whitespace is skipped and padding optional.
fn decode(part: &str) -> Option<Vec<u8>> {
    let compact: String = part
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r'))
        .collect();
    FORGIVING_URL_SAFE.decode(compact).ok()
}

/// Whether the protected header allows the token (everything but the signature).
fn header_allows(header: &Value) -> bool {
    let Some(header) = header.as_object() else {
        return false;
    };
    if let Some(crit) = header.get("crit") {
        let Some(crit) = crit.as_array().filter(|list| !list.is_empty()) else {
            return false;
        };
        for extension in crit {
            // `b64` is the only extension `jose` recognises for a JWS.
            if extension.as_str() != Some("b64") {
                return false;
            }
        }
        match header.get("b64") {
            Some(Value::Bool(true)) => {}
            // Missing, not a boolean, or an unencoded payload, which JWTs must not use.
            _ => return false,
        }
    }
    header.get("alg").and_then(Value::as_str) == Some("HS256")
}

/// Verifies a compact HS256 JWS under `secret` and returns its payload as text, or
/// `None` when the token is malformed, uses another algorithm, or its signature does
/// not match (`jose`'s `JWSInvalid`, `JOSEAlgNotAllowed`, `JOSENotSupported` and
/// `JWSSignatureVerificationFailed`, which Better Auth all answers `INVALID_TOKEN`). A
/// payload that is not UTF-8 is `None` too: `jose` refuses it as a claims set.
pub fn verify_hs256(secret: &str, token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let header_json = String::from_utf8(decode(header)?).ok()?;
    if !header_allows(&serde_json::from_str(&header_json).ok()?) {
        return None;
    }
    // The signing input is the parts as sent; jose requires them to be ASCII.
    if !header.is_ascii() || !payload.is_ascii() {
        return None;
    }
    let signature = decode(signature)?;
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        unreachable!("HMAC-SHA256 takes keys of any length")
    };
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature).ok()?;
    String::from_utf8(decode(payload)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const SECRET: &str = "kq8Jx2mZp4Vw9Ln3Rt6Yb1Hc5Fd7Gs0A";

    fn sign(header: &str, payload: &str, secret: &str) -> String {
        let data = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(data.as_bytes());
        format!(
            "{data}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    const PAYLOAD: &str = r#"{"email":"alice@example.com"}"#;

    #[test]
    fn accepts_a_token_jose_accepts() {
        // Recorded with better-auth 1.7.5 (jose 6.2.18): this token verifies.
        let recorded = "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIn0.Lat57B4rLB1d4Ry1F1cniYQNQInbOt8ZkbZze4WVPqk";
        assert_eq!(verify_hs256(SECRET, recorded).as_deref(), Some(PAYLOAD));
        // Padding and whitespace are tolerated, as `Uint8Array.fromBase64` does.
        assert!(verify_hs256(SECRET, &format!("{recorded}=")).is_some());
        let token = sign(
            r#"{"alg":"HS256","typ":"foo","b64":false}"#,
            PAYLOAD,
            SECRET,
        );
        assert!(
            verify_hs256(SECRET, &token).is_some(),
            "b64 only counts in crit"
        );
        let token = sign(
            r#"{"alg":"HS256","crit":["b64"],"b64":true}"#,
            PAYLOAD,
            SECRET,
        );
        assert!(verify_hs256(SECRET, &token).is_some());
    }

    #[test]
    fn refuses_what_jose_refuses() {
        let good = sign(r#"{"alg":"HS256"}"#, PAYLOAD, SECRET);
        for token in [
            "x.y.z".to_owned(),
            format!("{good}.x"),
            sign(
                r#"{"alg":"HS256"}"#,
                PAYLOAD,
                "another-secret-another-secret-!!",
            ),
            sign(r#"{"alg":"none"}"#, PAYLOAD, SECRET),
            sign(r#"{"alg":"HS512"}"#, PAYLOAD, SECRET),
            sign(r#"{"alg":""}"#, PAYLOAD, SECRET),
            sign(r#"["HS256"]"#, PAYLOAD, SECRET),
            sign(r#"{"alg":"HS256","crit":["x"],"x":1}"#, PAYLOAD, SECRET),
            sign(r#"{"alg":"HS256","crit":[]}"#, PAYLOAD, SECRET),
            sign(r#"{"alg":"HS256","crit":["b64"]}"#, PAYLOAD, SECRET),
            sign(
                r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
                PAYLOAD,
                SECRET,
            ),
        ] {
            assert_eq!(verify_hs256(SECRET, &token), None, "{token}");
        }
        // Signed over its text as sent, but a part holding non-ASCII is no base64url.
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#);
        for payload in [
            format!("{}\u{e9}", URL_SAFE_NO_PAD.encode(PAYLOAD)),
            format!("{}\u{a0}", URL_SAFE_NO_PAD.encode(PAYLOAD)),
        ] {
            let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
            mac.update(format!("{header}.{payload}").as_bytes());
            let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
            let token = format!("{header}.{payload}.{signature}");
            assert_eq!(verify_hs256(SECRET, &token), None, "{token}");
        }
        // A flipped signature byte.
        let mut tampered = good.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        assert_eq!(verify_hs256(SECRET, &tampered), None);
    }
}
