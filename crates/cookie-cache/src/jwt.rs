//! The `jwt` strategy (spec §4.2): a compact JWS, header exactly `{"alg":"HS256"}`,
//! payload `D` with `iat` and `exp` appended, HMAC-SHA-256 under the secret (its
//! UTF-8 bytes, no derivation).
//!
//! Verification follows `jose`'s `jwtVerify(token, secret)` with no algorithm list:
//! three parts; a protected header that is a JSON object whose `alg` is HS256, HS384
//! or HS512 (any HMAC the raw secret fits; only HS256 is ever written); `crit`, when
//! present, naming only `b64`, which must then be `true`; base64url read as `jose`
//! reads it; the payload a JSON object. The claims checks ([`check_claims`]) are
//! shared with the `jwe` strategy, which runs them with a 15-second tolerance.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::{Sha256, Sha384, Sha512};

use crate::b64;
use crate::cache::Fallback;
use crate::payload::Payload;
use crate::secrets::{KeyMatch, KeyRing};

/// `{"alg":"HS256"}`, base64url.
const HEADER: &str = "eyJhbGciOiJIUzI1NiJ9";

fn mac<M: Mac + KeyInit>(secret: &str, input: &str) -> M {
    let Ok(mut mac) = <M as Mac>::new_from_slice(secret.as_bytes()) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(input.as_bytes());
    mac
}

/// The token for `claims` (the payload JSON), signed with HS256.
pub(crate) fn sign(secret: &str, claims: &str) -> String {
    let input = format!("{HEADER}.{}", b64::encode(claims));
    let signature = mac::<Hmac<Sha256>>(secret, &input).finalize().into_bytes();
    format!("{input}.{}", b64::encode(signature))
}

#[derive(Clone, Copy)]
enum Algorithm {
    Hs256,
    Hs384,
    Hs512,
}

impl Algorithm {
    fn verifies(self, secret: &str, input: &str, signature: &[u8]) -> bool {
        match self {
            Self::Hs256 => mac::<Hmac<Sha256>>(secret, input).verify_slice(signature),
            Self::Hs384 => mac::<Hmac<Sha384>>(secret, input).verify_slice(signature),
            Self::Hs512 => mac::<Hmac<Sha512>>(secret, input).verify_slice(signature),
        }
        .is_ok()
    }
}

/// The protected header's algorithm, when `jose` would go on to check the signature.
fn algorithm(header: &Map<String, Value>) -> Option<Algorithm> {
    if let Some(crit) = header.get("crit") {
        let crit = crit.as_array().filter(|list| !list.is_empty())?;
        if crit.iter().any(|name| name.as_str() != Some("b64")) {
            return None;
        }
        // JWTs must not use an unencoded payload; `b64` must be given when critical.
        if header.get("b64") != Some(&Value::Bool(true)) {
            return None;
        }
    }
    match header.get("alg")?.as_str()? {
        "HS256" => Some(Algorithm::Hs256),
        "HS384" => Some(Algorithm::Hs384),
        "HS512" => Some(Algorithm::Hs512),
        _ => None,
    }
}

/// A JSON object from base64url text, as `jose` parses headers and claims sets.
pub(crate) fn json_object(part: &str) -> Option<Map<String, Value>> {
    let bytes = b64::decode_jose(part)?;
    match serde_json::from_str(&b64::text(&bytes)).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The claims set of a payload part: a JSON object, as `jose` parses it.
pub(crate) fn parse_claims(part: &str) -> Option<Payload> {
    Payload::from_json(&b64::text(&b64::decode_jose(part)?))
}

/// Verifies a token with every secret of the ring: its claims set and the secret.
pub(crate) fn verify(ring: &KeyRing, token: &str) -> Result<(Payload, KeyMatch), Fallback> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Fallback::Malformed);
    };
    // The header every server writes needs no parsing: `{"alg":"HS256"}`.
    let algorithm = if header == HEADER {
        Some(Algorithm::Hs256)
    } else {
        json_object(header).as_ref().and_then(algorithm)
    };
    let algorithm = algorithm.ok_or(Fallback::Malformed)?;
    // The signing input is the parts as sent; jose requires them to be ASCII.
    if !header.is_ascii() || !payload.is_ascii() {
        return Err(Fallback::Malformed);
    }
    let signature = b64::decode_jose(signature).ok_or(Fallback::Malformed)?;
    let input = &token[..header.len() + 1 + payload.len()];
    let verified = ring
        .verify(|secret| algorithm.verifies(secret, input, &signature).then_some(()))
        .ok_or(Fallback::Unverified)?;
    let claims = parse_claims(payload).ok_or(Fallback::Malformed)?;
    Ok((claims, verified.key))
}

/// `jose`'s claims checks with `tolerance_s` of clock skew (`iat`, `nbf` and `exp`
/// numbers when present; `nbf ≤ now + tolerance`; `exp > now − tolerance`, `now` in
/// whole seconds), then Better Auth's cache expiry: `exp · 1000` ms, or `None` (an
/// expired cache) when `exp` is absent or zero.
pub(crate) fn check_claims(
    claims: &Payload,
    now_ms: i64,
    tolerance_s: f64,
) -> Result<Option<f64>, Fallback> {
    let number = |claim: &Option<Value>| match claim {
        None => Ok(None),
        Some(value) => value.as_f64().map(Some).ok_or(Fallback::InvalidPayload),
    };
    let now_s = now_ms.div_euclid(1000) as f64;
    number(&claims.iat)?;
    if number(&claims.nbf)?.is_some_and(|nbf| nbf > now_s + tolerance_s) {
        return Err(Fallback::Expired);
    }
    let exp = number(&claims.exp)?;
    if exp.is_some_and(|exp| exp <= now_s - tolerance_s) {
        return Err(Fallback::Expired);
    }
    Ok(exp.filter(|&exp| exp != 0.0).map(|exp| exp * 1000.0))
}
