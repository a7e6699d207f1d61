//! The `compact` strategy (spec §4.1, the default): unpadded base64url of
//! `{"session":D,"expiresAt":E,"signature":S}` where `S` is the unpadded base64url
//! HMAC-SHA-256, under the secret, of `D` with `,"expiresAt":E` appended.
//!
//! Verification re-serialises the parsed `session` member as upstream does
//! (`JSON.stringify({...session, expiresAt})` after date revival): revivable strings
//! written back as `toJSON` writes dates, array-index keys first as JavaScript orders
//! them, whole numbers as integers. The one difference left is the formatting of
//! fractional or huge numbers, which no server writes into a cache; such a cache fails
//! verification and falls back to the database. Unlike upstream, a value its decoder
//! throws on (a `.` or mixed alphabets: e.g. a jwt or jwe value) is an invalid cache
//! here, not a 500 (spec §12 item 1).

use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::b64;
use crate::cache::Fallback;
use crate::payload::{append_members, js_number};
use crate::secrets::{KeyMatch, KeyRing};
use crate::time::{iso_millis, revive};

/// The largest integer JavaScript holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
/// JavaScript prints whole numbers below this without an exponent.
const MAX_PLAIN_INTEGER: f64 = 1e21;

fn mac(secret: &str, message: &str) -> Hmac<Sha256> {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        unreachable!("HMAC-SHA-256 takes keys of any length")
    };
    mac.update(message.as_bytes());
    mac
}

/// The cookie value for `data` (`JSON(D)`) expiring at `expires_at` (ms).
pub(crate) fn encode(secret: &str, data: &str, expires_at: i64) -> String {
    let expires = expires_at.to_string();
    let message = append_members(data, &[("expiresAt", &expires)]);
    let signature = b64::encode(mac(secret, &message).finalize().into_bytes());
    b64::encode(format!(
        r#"{{"session":{data},"expiresAt":{expires},"signature":"{signature}"}}"#
    ))
}

/// Whether `key` is an array index, which JavaScript objects list first, ascending.
fn array_index(key: &str) -> Option<u32> {
    let canonical = key == "0" || (!key.starts_with('0') && !key.is_empty());
    canonical
        .then(|| key.parse::<u32>().ok())
        .flatten()
        .filter(|&index| index != u32::MAX)
}

/// A parsed JSON value as `JSON.stringify` sees it after Better Auth's date revival.
fn as_javascript_sees_it(value: Value) -> Value {
    match value {
        Value::String(text) => match revive(&text).and_then(iso_millis) {
            Some(date) => Value::String(date),
            None => Value::String(text),
        },
        Value::Number(number) => match number.as_f64() {
            Some(f) if !number.is_i64() && !number.is_u64() && f.fract() == 0.0 => {
                let whole = f as i64;
                if f.abs() < MAX_PLAIN_INTEGER && whole as f64 == f {
                    Value::from(whole)
                } else {
                    Value::Number(number)
                }
            }
            _ => Value::Number(number),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(as_javascript_sees_it).collect()),
        Value::Object(map) => {
            let mut indices: Vec<(u32, String, Value)> = Vec::new();
            let mut names = Map::new();
            for (key, value) in map {
                let value = as_javascript_sees_it(value);
                match array_index(&key) {
                    Some(index) => indices.push((index, key, value)),
                    None => {
                        names.insert(key, value);
                    }
                }
            }
            indices.sort_by_key(|&(index, _, _)| index);
            let mut ordered: Map<String, Value> = indices
                .into_iter()
                .map(|(_, key, value)| (key, value))
                .collect();
            ordered.extend(names);
            Value::Object(ordered)
        }
        other => other,
    }
}

/// A verified compact value: `D`, its expiry (ms) and the secret that signed it.
pub(crate) fn decode(ring: &KeyRing, value: &str) -> Result<(Value, f64, KeyMatch), Fallback> {
    let bytes = b64::decode_permissive(value).ok_or(Fallback::Malformed)?;
    let outer: Value = serde_json::from_str(&b64::text(&bytes)).map_err(|_| Fallback::Malformed)?;
    let session = match outer.get("session") {
        Some(session @ Value::Object(_)) => session.clone(),
        _ => return Err(Fallback::Malformed),
    };
    let expires_at = outer
        .get("expiresAt")
        .and_then(js_number)
        .ok_or(Fallback::Malformed)?;
    // Whole numbers print the same in JavaScript and here; a server writes nothing else.
    if expires_at.fract() != 0.0 || expires_at.abs() > MAX_SAFE_INTEGER {
        return Err(Fallback::Malformed);
    }
    let signature = outer
        .get("signature")
        .and_then(Value::as_str)
        .and_then(b64::decode_permissive)
        .ok_or(Fallback::Malformed)?;
    let Value::Object(mut message) = as_javascript_sees_it(session.clone()) else {
        return Err(Fallback::Malformed);
    };
    message.insert("expiresAt".into(), Value::from(expires_at as i64));
    let message = Value::Object(message).to_string();
    let verified = ring
        .verify(|secret| mac(secret, &message).verify_slice(&signature).ok())
        .ok_or(Fallback::Unverified)?;
    Ok((session, expires_at, verified.key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserialises_as_javascript_does() {
        // Expected text from Node: JSON.stringify(JSON.parse(input, reviver)).
        let input = r#"{"b":1,"2":"x","a":"2026-01-01T00:00:00Z","1":[1.0,"2019-02-31T00:00:00.5Z"],"01":2,"4294967295":3,"c":{"10":1,"9":2}}"#;
        let value: Value = serde_json::from_str(input).expect("json");
        assert_eq!(
            as_javascript_sees_it(value).to_string(),
            r#"{"1":[1,"2019-03-03T00:00:00.500Z"],"2":"x","b":1,"a":"2026-01-01T00:00:00.000Z","01":2,"4294967295":3,"c":{"9":2,"10":1}}"#
        );
    }
}
