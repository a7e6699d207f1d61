//! The `compact` strategy (spec §4.1, the default): unpadded base64url of
//! `{"session":D,"expiresAt":E,"signature":S}` where `S` is the unpadded base64url
//! HMAC-SHA-256, under the secret, of `D` with `,"expiresAt":E` appended.
//!
//! Verification checks the signature of the message upstream's verifier builds: the
//! parsed `session` member re-serialised (`JSON.stringify({...session, expiresAt})`
//! after date revival): revivable strings written back as `toJSON` writes dates,
//! array-index keys first as JavaScript orders them, whole numbers as integers. The one
//! difference left is the formatting of fractional or huge numbers, which no server
//! writes into a cache; such a cache fails verification and falls back to the
//! database. Unlike upstream, a value its decoder throws on (a `.` or mixed alphabets:
//! e.g. a jwt or jwe value) is an invalid cache here, not a 500 (spec §12 item 1).
//!
//! Two paths compute that message. The fast path takes a value of exactly the shape
//! servers write, `{"session":D,"expiresAt":E,"signature":"S"}`, whose `D` is already
//! its own re-serialisation, as servers write it: no white space, serde_json's
//! escapes, dates as `toJSON` writes them, integers of at most 18 digits, no repeated
//! or array-index keys, no `expiresAt` member (a single scan of `D` checks this). The
//! message is then `D`'s own text with `,"expiresAt":E` appended, and `D` is parsed
//! straight into the members the schema reads ([`Payload`]). Every other value takes
//! the slow path: the whole value parsed, `D` re-serialised (including a server's `D`
//! with a string that merely looks like a date, such as a user named
//! `2026-01-01T00:00:00Z`, which upstream's verifier refuses too). Since the fast path
//! only takes values whose message is the slow path's, the two accept and refuse
//! exactly the same values, with the same fallbacks; the fast path only skips work.

use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::b64;
use crate::cache::Fallback;
use crate::payload::{Payload, append_members, js_number};
use crate::secrets::{KeyMatch, KeyRing};
use crate::time::{IsoText, iso_millis, revive, revive_bytes};

/// The largest integer JavaScript holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
/// JavaScript prints whole numbers below this without an exponent.
const MAX_PLAIN_INTEGER: f64 = 1e21;
/// serde_json refuses values nested 128 levels deep, the outer object being the first:
/// `D` nested at most this deep parses on its own exactly as inside the value.
const MAX_NESTING: usize = 126;

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

/// A value of exactly the shape servers write whose `D` is canonical
/// ([`is_canonical`]): `D`'s text, `expiresAt` and the signature's bytes.
struct Written<'a> {
    session: &'a str,
    expires_at: f64,
    signature: Vec<u8>,
}

/// The value's members when it takes the fast path, `None` for the slow path: the
/// text is exactly `{"session":D,"expiresAt":E,"signature":"S"}` with `E` a JSON
/// integer of at most 16 digits, within JavaScript's safe integers, `S` base64url
/// symbols only, and `D` canonical. The splits are at the last occurrences of texts
/// that neither `E` nor `S` can contain, so the text is an object of exactly those three
/// members, once each; `D` being valid JSON nested at most [`MAX_NESTING`] deep,
/// serde_json parses the text into that object, with `D` parsed as on its own.
fn as_written(text: &str) -> Option<Written<'_>> {
    let inner = text.strip_prefix(r#"{"session":"#)?.strip_suffix(r#""}"#)?;
    let (rest, signature) = inner.rsplit_once(r#","signature":""#)?;
    let (session, expires) = rest.rsplit_once(r#","expiresAt":"#)?;
    let symbol = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let integer = (expires == "0" || !expires.starts_with('0'))
        && (1..=16).contains(&expires.len())
        && expires.bytes().all(|b| b.is_ascii_digit());
    if !integer || !signature.bytes().all(symbol) {
        return None;
    }
    // At most 16 digits: exact as a u64, and the f64 serde_json's `as_f64` gives.
    let expires_at = expires.parse::<u64>().ok()? as f64;
    if expires_at > MAX_SAFE_INTEGER || !is_canonical(session) {
        return None;
    }
    Some(Written {
        session,
        expires_at,
        signature: b64::decode_permissive(signature)?,
    })
}

/// Whether `text` is a JSON object that upstream's verifier writes back byte for byte
/// ([`as_javascript_sees_it`], then serde_json's writer, as `JSON.stringify`), without
/// an `expiresAt` member of its own, so that the signed message is `text` with
/// `expiresAt` appended ([`append_members`]); and nested at most [`MAX_NESTING`] deep.
/// Conservative: also `false` for forms it leaves to the slow path (fractions,
/// exponents, integers of more than 18 digits, array-index keys).
fn is_canonical(text: &str) -> bool {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
        keys: Vec::new(),
    };
    scan.bytes.first() == Some(&b'{') && scan.value(0).is_some() && scan.at == scan.bytes.len()
}

/// [`is_canonical`]'s scanner: a JSON parser that accepts only the canonical form.
struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The keys of the objects being scanned, innermost last.
    keys: Vec<&'a [u8]>,
}

impl<'a> Scan<'a> {
    fn next(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    /// Skips `byte` if it comes next.
    fn skip(&mut self, byte: u8) -> bool {
        let next = self.bytes.get(self.at) == Some(&byte);
        if next {
            self.at += 1;
        }
        next
    }

    /// A value, inside `depth` containers.
    fn value(&mut self, depth: usize) -> Option<()> {
        match self.next()? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => {
                let text = self.string()?;
                // A revivable string is written back as its date (escapes make a string
                // no date, and the text of one without escapes is the string itself).
                match revive_bytes(text).and_then(IsoText::new) {
                    Some(date) => (date.as_bytes() == text).then_some(()),
                    None => Some(()),
                }
            }
            b't' => self.literal(b"rue"),
            b'f' => self.literal(b"alse"),
            b'n' => self.literal(b"ull"),
            first @ (b'-' | b'0'..=b'9') => self.integer(first),
            _ => None,
        }
    }

    fn literal(&mut self, rest: &[u8]) -> Option<()> {
        let end = self.at + rest.len();
        (self.bytes.get(self.at..end) == Some(rest)).then(|| self.at = end)
    }

    /// An object whose `{` was read, at nesting `depth`: keys neither repeated nor
    /// array indices (which JavaScript moves first), and `D` has no `expiresAt`.
    fn object(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_NESTING {
            return None;
        }
        if self.skip(b'}') {
            return Some(());
        }
        let start = self.keys.len();
        loop {
            if self.next()? != b'"' {
                return None;
            }
            let key = self.string()?;
            let index = !key.is_empty() && key.iter().all(u8::is_ascii_digit);
            let seen = self.keys.get(start..)?.contains(&key);
            if index || seen || (depth == 1 && key == b"expiresAt") {
                return None;
            }
            self.keys.push(key);
            if self.next()? != b':' {
                return None;
            }
            self.value(depth)?;
            match self.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        self.keys.truncate(start);
        Some(())
    }

    /// An array whose `[` was read, at nesting `depth`.
    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_NESTING {
            return None;
        }
        if self.skip(b']') {
            return Some(());
        }
        loop {
            self.value(depth)?;
            match self.next()? {
                b',' => {}
                b']' => return Some(()),
                _ => return None,
            }
        }
    }

    /// The text of a string whose `"` was read, escaped as serde_json escapes: `\"`,
    /// `\\`, the short escapes of control characters, `\u00xx` (lowercase) for the
    /// other ones, and nothing else.
    fn string(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        loop {
            // Straight to the next quote, backslash or control character.
            let rest = self.bytes.get(self.at..)?;
            self.at += rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            match self.next()? {
                b'"' => return self.bytes.get(start..self.at - 1),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        let hex = self.bytes.get(self.at..self.at + 4)?;
                        self.at += 4;
                        let [b'0', b'0', high @ (b'0' | b'1'), low] = *hex else {
                            return None;
                        };
                        let low = match low {
                            b'0'..=b'9' => low - b'0',
                            b'a'..=b'f' => low - b'a' + 10,
                            _ => return None,
                        };
                        let code = (high - b'0') << 4 | low;
                        if matches!(code, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                            return None;
                        }
                    }
                    _ => return None,
                },
                0x00..=0x1f => return None,
                _ => {}
            }
        }
    }

    /// A number whose first byte was read: an integer of at most 18 digits, which
    /// serde_json holds as an `i64` or `u64` and writes back as it is; not `-0`, which
    /// it holds as a float and writes `0`.
    fn integer(&mut self, first: u8) -> Option<()> {
        let start = if first == b'-' { self.at } else { self.at - 1 };
        while matches!(self.bytes.get(self.at), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        let digits = self.bytes.get(start..self.at)?;
        let plain = match digits {
            [] => false,
            [b'0'] => first != b'-',
            [b'0', ..] => false,
            _ => digits.len() <= 18,
        };
        let fraction = matches!(self.bytes.get(self.at), Some(b'.' | b'e' | b'E'));
        (plain && !fraction).then_some(())
    }
}

/// The members of a value: `D`, the expiry and the signature's bytes.
struct Members {
    session: Map<String, Value>,
    expires_at: f64,
    signature: Vec<u8>,
}

/// The members of any other value, parsed as a whole (upstream's `JSON.parse`).
fn parse(text: &str) -> Result<Members, Fallback> {
    let mut outer: Value = serde_json::from_str(text).map_err(|_| Fallback::Malformed)?;
    let Some(Value::Object(session)) = outer.get_mut("session").map(Value::take) else {
        return Err(Fallback::Malformed);
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
    Ok(Members {
        session,
        expires_at,
        signature,
    })
}

/// A verified compact value: `D`, its expiry (ms) and the secret that signed it.
pub(crate) fn decode(ring: &KeyRing, value: &str) -> Result<(Payload, f64, KeyMatch), Fallback> {
    let bytes = b64::decode_permissive(value).ok_or(Fallback::Malformed)?;
    let text = b64::text(&bytes);
    let verify = |message: &str, signature: &[u8]| {
        ring.verify(|secret| mac(secret, message).verify_slice(signature).ok())
            .map(|verified| verified.key)
            .ok_or(Fallback::Unverified)
    };
    // Fast path: the message is `D` as written, with `expiresAt` appended.
    if let Some(Written {
        session,
        expires_at,
        signature,
    }) = as_written(&text)
    {
        let expires = (expires_at as i64).to_string();
        let key = verify(
            &append_members(session, &[("expiresAt", &expires)]),
            &signature,
        )?;
        // Always `Some`: a canonical `D` is an object serde_json parses.
        if let Some(payload) = Payload::from_json(session) {
            return Ok((payload, expires_at, key));
        }
    }
    // Slow path: `D` re-serialised as upstream's verifier does.
    let Members {
        session,
        expires_at,
        signature,
    } = parse(&text)?;
    let Value::Object(mut message) = as_javascript_sees_it(Value::Object(session.clone())) else {
        return Err(Fallback::Malformed);
    };
    message.insert("expiresAt".into(), Value::from(expires_at as i64));
    let key = verify(&Value::Object(message).to_string(), &signature)?;
    Ok((Payload::from_map(session), expires_at, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{NOW, ROTATED, SECRET, TOKEN, session, user};
    use crate::payload::data_json;
    use crate::{CacheRead, CacheSettings, Fallback, KeyRing, SessionCache};
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    /// The slow path's message for `D` (`None` unless `D` is a JSON object).
    fn slow_message(data: &str, expires_at: i64) -> Option<String> {
        let Value::Object(mut message) = as_javascript_sees_it(serde_json::from_str(data).ok()?)
        else {
            return None;
        };
        message.insert("expiresAt".into(), Value::from(expires_at));
        Some(Value::Object(message).to_string())
    }

    fn fast_message(data: &str, expires_at: i64) -> String {
        append_members(data, &[("expiresAt", &expires_at.to_string())])
    }

    fn nested(depth: usize) -> String {
        format!(
            r#"{{"a":{}1{}}}"#,
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
    }

    #[test]
    fn the_fast_path_takes_only_values_whose_message_is_the_slow_paths() {
        let written = data_json(&session(), &user(), NOW, "1");
        let date = "2026-01-07T23:00:00.000Z";
        let mut cases: Vec<(String, bool)> = vec![
            (written.clone(), true),
            ("{}".into(), true),
            (
                r#"{"":1,"a":[],"b":{},"c":[{}],"d":true,"e":false,"f":null}"#.into(),
                true,
            ),
            (r#"{"a": 1}"#.into(), false),
            (" {}".into(), false),
            ("{}\n".into(), false),
            // Strings: serde_json's escapes only.
            (r#"{"a":"q\"b\\\b\f\n\r\t\u0000\u001f"}"#.into(), true),
            ("{\"a\":\"\u{7f}\u{2028}é😀\"}".into(), true),
            (r#"{"a":"\/"}"#.into(), false),
            (r#"{"a":"\u00e9"}"#.into(), false),
            (r#"{"a":"\u001F"}"#.into(), false),
            (r#"{"a":"\u0008"}"#.into(), false),
            (r#"{"a":"\u000a"}"#.into(), false),
            (r#"{"a":"\ud83d\ude00"}"#.into(), false),
            (r#"{"\u0061":1}"#.into(), false),
            // Dates: only as `toJSON` writes them.
            (format!(r#"{{"a":"{date}"}}"#), true),
            (format!(r#"{{"a":["{date}",{{"b":"{date}"}}]}}"#), true),
            (r#"{"a":"2026-01-07T23:00:00Z"}"#.into(), false),
            (r#"{"a":"2026-01-07T23:00:00.0000Z"}"#.into(), false),
            (r#"{"a":"2026-01-07T23:00:00.5Z"}"#.into(), false),
            (r#"{"a":"2019-02-31T00:00:00.000Z"}"#.into(), false),
            (r#"{"a":"2019-12-31T24:00:00.000Z"}"#.into(), false),
            (r#"{"a":"+010000-01-01T00:00:00.000Z"}"#.into(), true),
            (r#"{"a":"2026-01-07T23:00:00.000Z "}"#.into(), true),
            // Keys are not revived.
            (format!(r#"{{"{date}":1,"2026-01-07T23:00:00Z":2}}"#), true),
            // Numbers: plain integers of at most 18 digits.
            (
                r#"{"a":0,"b":-1,"c":123456789012345678,"d":-123456789012345678}"#.into(),
                true,
            ),
            (r#"{"a":-0}"#.into(), false),
            (r#"{"a":1.0}"#.into(), false),
            (r#"{"a":1.5}"#.into(), false),
            (r#"{"a":1e3}"#.into(), false),
            (r#"{"a":1E3}"#.into(), false),
            (r#"{"a":1234567890123456789}"#.into(), false),
            (r#"{"a":18446744073709551616}"#.into(), false),
            // Keys: no repeats in one object, no array indices, no `expiresAt` of its own.
            (r#"{"a":1,"a":1}"#.into(), false),
            (r#"{"a":{"b":1,"b":2}}"#.into(), false),
            (
                r#"{"a":{"a":1},"b":{"a":1},"c":[{"a":1},{"a":1}]}"#.into(),
                true,
            ),
            (r#"{"1":1}"#.into(), false),
            (r#"{"01":1}"#.into(), false),
            (r#"{"a":{"0":1}}"#.into(), false),
            (r#"{"a":1,"expiresAt":2}"#.into(), false),
            (r#"{"a":{"expiresAt":2}}"#.into(), true),
            // Nesting: at most 126 levels, as inside the value.
            (nested(126), true),
            (nested(127), false),
        ];
        // Server writes take the fast path, unless a string is a date not as `toJSON`
        // writes it (then upstream's verifier, and the slow path, refuse the value).
        let mut odd_user = user();
        odd_user.name = "q\"b\\\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}\u{2028}é😀".into();
        cases.push((data_json(&session(), &odd_user, NOW, ""), true));
        odd_user.image = Some("2026-01-01T00:00:00Z".into());
        cases.push((data_json(&session(), &odd_user, NOW, ""), false));
        let mut far = session();
        far.created_at = -62_198_755_200_001;
        far.expires_at = 8_640_000_000_000_000;
        far.updated_at = 8_640_000_000_000_001;
        cases.push((data_json(&far, &user(), -1, "2"), true));
        for (data, canonical) in cases {
            assert_eq!(is_canonical(&data), canonical, "{data}");
            let slow = slow_message(&data, NOW);
            assert!(slow.is_some(), "{data}");
            if canonical {
                assert_eq!(Some(fast_message(&data, NOW)), slow, "{data}");
            }
        }
        // Not JSON objects at all.
        for text in [
            "",
            "[]",
            "1",
            r#""a""#,
            "{",
            r#"{"a"}"#,
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            "{}}",
            r#"{"a":tru}"#,
            r#"{"a":[1,]}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":"\x"}"#,
            r#"{"a":"\u007"}"#,
        ] {
            assert!(!is_canonical(text), "{text}");
        }
    }

    fn encode_value(outer: &str) -> String {
        URL_SAFE_NO_PAD.encode(outer)
    }

    fn compact_cache() -> SessionCache {
        let ring = KeyRing::from_list(&format!("2:{ROTATED},1:{SECRET}"), None).expect("ring");
        SessionCache::new(ring, CacheSettings::default())
    }

    /// A compact value around `data` with the signature of `message` under `secret`.
    fn value_of(data: &str, expires_at: i64, message: &str, secret: &str) -> String {
        let signature = b64::encode(mac(secret, message).finalize().into_bytes());
        encode_value(&format!(
            r#"{{"session":{data},"expiresAt":{expires_at},"signature":"{signature}"}}"#
        ))
    }

    #[test]
    fn the_fast_and_slow_paths_agree() {
        let cache = compact_cache();
        let expiry = NOW + 300_000;
        let written = data_json(&session(), &user(), NOW, "1");
        let signed = fast_message(&written, expiry);
        assert_eq!(slow_message(&written, expiry).as_ref(), Some(&signed));
        let read = |value: &str| cache.read(value, TOKEN, NOW);
        let original = match read(&value_of(&written, expiry, &signed, SECRET)) {
            CacheRead::Hit(hit) => hit,
            CacheRead::Fallback(reason) => panic!("{reason:?}"),
        };
        assert_eq!(original.key.position, 1);
        let text = String::from_utf8(
            b64::decode_permissive(&value_of(&written, expiry, &signed, SECRET)).expect("b64"),
        )
        .expect("utf-8");
        assert!(
            as_written(&text).is_some(),
            "a server write takes the fast path"
        );
        // Re-encodings of `D` that canonicalise to the signed text verify on the slow path,
        // to the same hit.
        let variants = [
            written.replace(r#","token":"#, r#", "token" : "#),
            written.replace("Alice", "\\u0041lice"),
            written.replace("Mozilla/5.0", "Mozilla\\/5.0"),
            written.replace("2025-12-31T23:00:00.000Z", "2025-12-31T23:00:00Z"),
            written.replace("2026-01-07T23:00:00.000Z", "2026-01-07T23:00:00.0000Z"),
            written.replace(r#""version":"1""#, r#""version":"2","version":"1""#),
            written.replace(
                r#""updatedAt":1767225600000"#,
                r#""updatedAt":1767225600000.0"#,
            ),
        ];
        for data in variants {
            assert!(!is_canonical(&data), "{data}");
            assert_eq!(
                slow_message(&data, expiry).as_ref(),
                Some(&signed),
                "{data}"
            );
            match read(&value_of(&data, expiry, &signed, SECRET)) {
                CacheRead::Hit(hit) => assert_eq!(hit, original, "{data}"),
                CacheRead::Fallback(reason) => panic!("{reason:?} for {data}"),
            }
            // The same text signed as written (by a secret holder) is not the message
            // upstream verifies: refused, on either path.
            let raw = fast_message(&data, expiry);
            assert_eq!(
                read(&value_of(&data, expiry, &raw, SECRET)),
                CacheRead::Fallback(Fallback::Unverified),
                "{data}"
            );
        }
        // Tampering with the text refuses it, canonical or not.
        for data in [
            written.replace("Alice", "Alicf"),
            written.replace(r#""emailVerified":false"#, r#""emailVerified":true"#),
            written.replace("Alice", "\\u0041licf"),
            written.replace(r#"{"session":{"#, r#"{"session":{"a":1,"#),
        ] {
            assert_eq!(
                read(&value_of(&data, expiry, &signed, SECRET)),
                CacheRead::Fallback(Fallback::Unverified),
                "{data}"
            );
        }
        // Another expiry than the signed one, even in another integer form.
        for expires in ["1767225900001", "1767225900000.0", "17672259e5"] {
            let signature = b64::encode(mac(SECRET, &signed).finalize().into_bytes());
            let value = encode_value(&format!(
                r#"{{"session":{written},"expiresAt":{expires},"signature":"{signature}"}}"#
            ));
            let expected = if expires == "1767225900001" {
                CacheRead::Fallback(Fallback::Unverified)
            } else {
                CacheRead::Hit(original.clone())
            };
            assert_eq!(read(&value), expected, "{expires}");
        }
    }

    #[test]
    fn nesting_is_refused_at_serde_jsons_limit_on_both_paths() {
        // `D` nested 126 levels parses (then fails verification); 127 levels do not, as
        // inside the value serde_json counts the outer object too.
        let cache = compact_cache();
        for (depth, expected) in [(126, Fallback::Unverified), (127, Fallback::Malformed)] {
            let data = nested(depth);
            for data in [data.clone(), data.replace(":", ": ")] {
                let value = value_of(&data, NOW + 1000, "x", SECRET);
                assert_eq!(
                    cache.read(&value, TOKEN, NOW),
                    CacheRead::Fallback(expected),
                    "{depth} {data}"
                );
            }
        }
    }

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
