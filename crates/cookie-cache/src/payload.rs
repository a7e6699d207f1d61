//! What the cache carries (spec §3.1, §5.2): the session-data object `D` =
//! `{session, user, updatedAt, version}`, written in Better Auth's key order, and read
//! back through its lenient payload schema.
//!
//! Writing: the session as the adapter returns it (`expiresAt, token, createdAt,
//! updatedAt, ipAddress, userAgent, userId, id`), the user as output-filtered (`name,
//! email, emailVerified, image, createdAt, updatedAt, id`), dates as `toJSON` writes
//! them, `null`s kept; `JSON.stringify`'s bytes, written straight into the text
//! (strings escaped by serde_json, which escapes the same characters).
//!
//! Reading (after Better Auth's date revival): session `id`, `token` strings,
//! `userId` coerced to a string, `expiresAt` a date, `ipAddress`/`userAgent` string,
//! null or absent; user `id`, `name`, `email` strings (the email lower-cased),
//! `emailVerified` a boolean (default `false`), `image` string, null or absent;
//! `createdAt`/`updatedAt` of both dates, defaulting to "now" when absent; `updatedAt`
//! a number, `version` an optional string. A string that revives to a date is not a
//! string any more (a user named `2026-01-01T00:00:00Z` never passes, upstream too).
//! Unknown keys are allowed and dropped. Two deliberate narrowings, both only
//! reachable with payloads no server writes, and both answered with the safe fallback
//! to the database: `userId` is coerced from strings, booleans, integers, `null` and
//! absence (JavaScript's `"null"`, `"undefined"`), but a fraction, a date, an array or
//! an object fails the check instead of becoming JavaScript's `String(value)`. The
//! payload's JSON is parsed straight into the members the schema reads (`Payload`),
//! with the same outcome as parsing it into a `Value` and looking the members up.

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::time::{IsoText, revive};

/// A session as the cache carries it. Times are milliseconds since the Unix epoch.
/// Same fields as `spinstack_sessions::Session`.
#[derive(Clone, PartialEq, Eq)]
pub struct CachedSession {
    /// Session id.
    pub id: String,
    /// The session token (carried in clear by the compact and jwt strategies).
    pub token: String,
    /// Owner.
    pub user_id: String,
    /// Expiry of the session itself.
    pub expires_at: i64,
    /// Creation time.
    pub created_at: i64,
    /// Last refresh time.
    pub updated_at: i64,
    /// Client IP at creation.
    pub ip_address: Option<String>,
    /// Client user agent at creation.
    pub user_agent: Option<String>,
}

// The token is a bearer credential: keep it out of logs.
impl fmt::Debug for CachedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedSession")
            .field("id", &self.id)
            .field("token", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("ip_address", &self.ip_address)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// A user as the cache carries it. Same fields as `spinstack_sessions::User`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedUser {
    /// User id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Email address (lower-cased when read back).
    pub email: String,
    /// Whether the email was verified.
    pub email_verified: bool,
    /// Avatar URL, if any.
    pub image: Option<String>,
    /// Creation time.
    pub created_at: i64,
    /// Last update time.
    pub updated_at: i64,
}

/// The session-data object read back from a cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionData {
    /// The cached session.
    pub session: CachedSession,
    /// The cached user.
    pub user: CachedUser,
    /// When the cache was written (ms), `updatedAt`.
    pub updated_at: i64,
    /// The cache format version (`"1"` unless configured); `None` when absent.
    pub version: Option<String>,
}

/// Appends `text` as a JSON string, escaped as serde_json (and `JSON.stringify`) does.
fn push_string(out: &mut Vec<u8>, text: &str) {
    if serde_json::to_writer(&mut *out, text).is_err() {
        unreachable!("writing a string into a Vec cannot fail")
    }
}

/// Appends `null` or a string member value.
fn push_nullable(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => push_string(out, text),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends a date as `toJSON` writes it (`null` outside `Date`'s range).
fn push_date(out: &mut Vec<u8>, ms: i64) {
    match IsoText::new(ms) {
        Some(date) => {
            out.push(b'"');
            out.extend_from_slice(date.as_bytes());
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// `JSON.stringify(D)`: `{"session":…,"user":…,"updatedAt":…,"version":…}`, the
/// session's and user's members in the order of the module docs.
pub(crate) fn data_json(
    session: &CachedSession,
    user: &CachedUser,
    updated_at: i64,
    version: &str,
) -> String {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(br#"{"session":{"expiresAt":"#);
    push_date(&mut out, session.expires_at);
    out.extend_from_slice(br#","token":"#);
    push_string(&mut out, &session.token);
    out.extend_from_slice(br#","createdAt":"#);
    push_date(&mut out, session.created_at);
    out.extend_from_slice(br#","updatedAt":"#);
    push_date(&mut out, session.updated_at);
    out.extend_from_slice(br#","ipAddress":"#);
    push_nullable(&mut out, session.ip_address.as_deref());
    out.extend_from_slice(br#","userAgent":"#);
    push_nullable(&mut out, session.user_agent.as_deref());
    out.extend_from_slice(br#","userId":"#);
    push_string(&mut out, &session.user_id);
    out.extend_from_slice(br#","id":"#);
    push_string(&mut out, &session.id);
    out.extend_from_slice(br#"},"user":{"name":"#);
    push_string(&mut out, &user.name);
    out.extend_from_slice(br#","email":"#);
    push_string(&mut out, &user.email);
    out.extend_from_slice(if user.email_verified {
        br#","emailVerified":true,"image":"#
    } else {
        br#","emailVerified":false,"image":"#
    });
    push_nullable(&mut out, user.image.as_deref());
    out.extend_from_slice(br#","createdAt":"#);
    push_date(&mut out, user.created_at);
    out.extend_from_slice(br#","updatedAt":"#);
    push_date(&mut out, user.updated_at);
    out.extend_from_slice(br#","id":"#);
    push_string(&mut out, &user.id);
    out.extend_from_slice(br#"},"updatedAt":"#);
    out.extend_from_slice(updated_at.to_string().as_bytes());
    out.extend_from_slice(br#","version":"#);
    push_string(&mut out, version);
    out.push(b'}');
    match String::from_utf8(out) {
        Ok(text) => text,
        Err(_) => unreachable!("only UTF-8 text and ASCII punctuation were written"),
    }
}

/// The JSON text of an object with `members` (already JSON) appended, as
/// `{...object, key: value}` serialises when the keys are new.
pub(crate) fn append_members(object: &str, members: &[(&str, &str)]) -> String {
    let body = object
        .strip_suffix('}')
        .unwrap_or(object)
        .trim_end_matches(char::is_whitespace);
    let mut text = body.to_owned();
    let mut first = body.trim_start_matches('{').trim().is_empty();
    for (key, value) in members {
        if !first {
            text.push(',');
        }
        first = false;
        text.push_str(&Value::from(*key).to_string());
        text.push(':');
        text.push_str(value);
    }
    text.push('}');
    text
}

// Reading. The payload is parsed straight into the members the schema reads
// ([`Payload`]) rather than into maps of every key: each member is the `Value`
// serde_json's parse of the whole object holds under its key, and everything else is
// parsed too (so exactly the texts serde_json refuses are refused) and dropped.

/// The prefix of the keys serde_json reserves for its private tokens: with its
/// `raw_value` or `arbitrary_precision` features (not enabled here), `Value`'s parse
/// gives an object with such a key another meaning, so the typed parse leaves objects
/// with one to it.
const RESERVED_KEY: &str = "$serde_json::private::";

/// The session members the schema reads, in the order of [`session`]'s pattern.
const SESSION_KEYS: [&str; 8] = [
    "id",
    "token",
    "userId",
    "expiresAt",
    "createdAt",
    "updatedAt",
    "ipAddress",
    "userAgent",
];
/// The user members the schema reads, in the order of [`user`]'s pattern.
const USER_KEYS: [&str; 7] = [
    "id",
    "name",
    "email",
    "emailVerified",
    "image",
    "createdAt",
    "updatedAt",
];

/// Members of an object in the order of a key list: what `Value`'s parse holds under
/// each key (for a repeated key, its last value), `None` when absent.
type Members<const N: usize> = [Option<Value>; N];

/// A member the schema wants to be an object: its members, or any other value.
#[derive(Debug, PartialEq)]
enum Nested<const N: usize> {
    Object(Members<N>),
    Other,
}

/// What the read path uses of a payload object (`D`, with the JWT claims beside it).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Payload {
    session: Option<Nested<8>>,
    user: Option<Nested<7>>,
    updated_at: Option<Value>,
    version: Option<Value>,
    /// The JWT `iat` claim.
    pub(crate) iat: Option<Value>,
    /// The JWT `nbf` claim.
    pub(crate) nbf: Option<Value>,
    /// The JWT `exp` claim.
    pub(crate) exp: Option<Value>,
}

impl Payload {
    /// The payload of a JSON text, `None` unless it is a JSON object. The same as
    /// [`Payload::from_map`] of serde_json's parse: the typed parse reads the same
    /// grammar with the same recursion limit and keeps the last of repeated keys, as
    /// `Value`'s map does; whatever it refuses, serde_json's parse decides.
    pub(crate) fn from_json(text: &str) -> Option<Self> {
        match serde_json::from_str(text) {
            Ok(payload) => Some(payload),
            Err(_) => match serde_json::from_str(text).ok()? {
                Value::Object(map) => Some(Self::from_map(map)),
                _ => None,
            },
        }
    }

    /// The payload of a parsed object.
    pub(crate) fn from_map(mut map: Map<String, Value>) -> Self {
        Self {
            session: map
                .remove("session")
                .map(|value| nested(value, &SESSION_KEYS)),
            user: map.remove("user").map(|value| nested(value, &USER_KEYS)),
            updated_at: map.remove("updatedAt"),
            version: map.remove("version"),
            iat: map.remove("iat"),
            nbf: map.remove("nbf"),
            exp: map.remove("exp"),
        }
    }

    /// The payload schema check of §5.2 (`D`, possibly with JWT claims beside it).
    /// `None` when it fails. `now_ms` fills absent creation and update times, as the
    /// schema's defaults do.
    pub(crate) fn data(self, now_ms: i64) -> Option<SessionData> {
        let updated_at = js_number(self.updated_at.as_ref()?)?;
        let version = match self.version {
            None => None,
            some => Some(string(some)?),
        };
        Some(SessionData {
            session: session(self.session?, now_ms)?,
            user: user(self.user?, now_ms)?,
            // A whole number for every value a server writes; fractions round toward zero.
            updated_at: updated_at as i64,
            version,
        })
    }
}

fn nested<const N: usize>(value: Value, keys: &[&str; N]) -> Nested<N> {
    match value {
        Value::Object(mut map) => Nested::Object(keys.map(|key| map.remove(key))),
        _ => Nested::Other,
    }
}

/// A key of an object being parsed: its index in the key list, `None` for others.
struct KeyIndex<'k>(&'k [&'k str]);

impl<'de> DeserializeSeed<'de> for KeyIndex<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        // As `Value`'s parse reads keys.
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIndex<'_> {
    type Value = Option<usize>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        if key.starts_with(RESERVED_KEY) {
            return Err(E::custom("a key reserved by serde_json"));
        }
        Ok(self.0.iter().position(|name| *name == key))
    }
}

/// Reads the rest of an object: the values of `keys`, every other value parsed and
/// dropped.
fn read_members<'de, A: MapAccess<'de>, const N: usize>(
    keys: &[&str; N],
    mut map: A,
) -> Result<Members<N>, A::Error> {
    let mut members: Members<N> = [const { None }; N];
    while let Some(index) = map.next_key_seed(KeyIndex(keys))? {
        let value: Value = map.next_value()?;
        if let Some(slot) = index.and_then(|index| members.get_mut(index)) {
            *slot = Some(value);
        }
    }
    Ok(members)
}

/// Parses a member the schema wants to be an object (any value is valid JSON here).
struct NestedSeed<'k, const N: usize>(&'k [&'k str; N]);

impl<'de, const N: usize> DeserializeSeed<'de> for NestedSeed<'_, N> {
    type Value = Nested<N>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for NestedSeed<'_, N> {
    type Value = Nested<N>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        read_members(self.0, map).map(Nested::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Value>()?.is_some() {}
        Ok(Nested::Other)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Nested::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Nested::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Nested::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Nested::Other)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Nested::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Nested::Other)
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PayloadVisitor)
    }
}

struct PayloadVisitor;

impl<'de> Visitor<'de> for PayloadVisitor {
    type Value = Payload;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Payload, A::Error> {
        const KEYS: [&str; 7] = [
            "session",
            "user",
            "updatedAt",
            "version",
            "iat",
            "nbf",
            "exp",
        ];
        let mut payload = Payload::default();
        while let Some(index) = map.next_key_seed(KeyIndex(&KEYS))? {
            match index {
                Some(0) => payload.session = Some(map.next_value_seed(NestedSeed(&SESSION_KEYS))?),
                Some(1) => payload.user = Some(map.next_value_seed(NestedSeed(&USER_KEYS))?),
                Some(2) => payload.updated_at = Some(map.next_value()?),
                Some(3) => payload.version = Some(map.next_value()?),
                Some(4) => payload.iat = Some(map.next_value()?),
                Some(5) => payload.nbf = Some(map.next_value()?),
                Some(6) => payload.exp = Some(map.next_value()?),
                _ => {
                    map.next_value::<Value>()?;
                }
            }
        }
        Ok(payload)
    }
}

/// A string member that stays a string after date revival.
fn string(value: Option<Value>) -> Option<String> {
    match value {
        Some(Value::String(text)) if revive(&text).is_none() => Some(text),
        _ => None,
    }
}

/// `z.string().nullish()`: `Ok(None)` for null or absent, `Err` for anything else.
fn nullish_string(value: Option<Value>) -> Result<Option<String>, ()> {
    match value {
        None | Some(Value::Null) => Ok(None),
        other => string(other).map(Some).ok_or(()),
    }
}

/// `z.date()` after revival.
fn revived_date(value: Option<&Value>) -> Option<i64> {
    match value {
        Some(Value::String(text)) => revive(text),
        _ => None,
    }
}

/// `z.date().default(() => new Date())`.
fn date_or_now(value: Option<&Value>, now_ms: i64) -> Option<i64> {
    match value {
        None => Some(now_ms),
        some => revived_date(some),
    }
}

/// A JSON number as a JavaScript number (`f64`).
pub(crate) fn js_number(value: &Value) -> Option<f64> {
    value.as_f64()
}

/// `z.coerce.string()` on the values it can meet here (see the module docs).
fn coerced_string(value: Option<Value>) -> Option<String> {
    const MAX_PLAIN_INTEGER: f64 = 1e21;
    match value {
        None => Some("undefined".to_owned()),
        Some(Value::Null) => Some("null".to_owned()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                return Some(i.to_string());
            }
            if let Some(u) = n.as_u64() {
                return Some(u.to_string());
            }
            let f = n.as_f64()?;
            // Whole numbers below 1e21 print as plain integers in JavaScript.
            (f.fract() == 0.0 && f.abs() < MAX_PLAIN_INTEGER).then(|| (f as i128).to_string())
        }
        Some(Value::String(_)) => string(value),
        Some(Value::Array(_) | Value::Object(_)) => None,
    }
}

fn session(value: Nested<8>, now_ms: i64) -> Option<CachedSession> {
    // In the order of `SESSION_KEYS`.
    let Nested::Object(
        [
            id,
            token,
            user_id,
            expires_at,
            created_at,
            updated_at,
            ip,
            agent,
        ],
    ) = value
    else {
        return None;
    };
    Some(CachedSession {
        id: string(id)?,
        created_at: date_or_now(created_at.as_ref(), now_ms)?,
        updated_at: date_or_now(updated_at.as_ref(), now_ms)?,
        user_id: coerced_string(user_id)?,
        expires_at: revived_date(expires_at.as_ref())?,
        token: string(token)?,
        ip_address: nullish_string(ip).ok()?,
        user_agent: nullish_string(agent).ok()?,
    })
}

fn user(value: Nested<7>, now_ms: i64) -> Option<CachedUser> {
    // In the order of `USER_KEYS`.
    let Nested::Object(
        [
            id,
            name,
            email,
            email_verified,
            image,
            created_at,
            updated_at,
        ],
    ) = value
    else {
        return None;
    };
    let email_verified = match email_verified {
        None => false,
        Some(value) => value.as_bool()?,
    };
    Some(CachedUser {
        id: string(id)?,
        created_at: date_or_now(created_at.as_ref(), now_ms)?,
        updated_at: date_or_now(updated_at.as_ref(), now_ms)?,
        email: string(email)?.to_lowercase(),
        email_verified,
        name: string(name)?,
        image: nullish_string(image).ok()?,
    })
}

/// The payload schema check of §5.2 on a parsed payload ([`Payload::data`]).
#[cfg(test)]
pub(crate) fn parse_data(value: &Value, now_ms: i64) -> Option<SessionData> {
    let map = value.as_object()?;
    Payload::from_map(map.clone()).data(now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{NOW, session, user};
    use serde_json::json;

    #[test]
    fn writes_the_spec_object_byte_for_byte() {
        // §11: `JSON(D)` is the signed message of §11.1 without `,"expiresAt":…`.
        assert_eq!(
            data_json(&session(), &user(), NOW, "1"),
            r#"{"session":{"expiresAt":"2026-01-07T23:00:00.000Z","token":"abcdefghijklmnopqrstuvwxyzABCDEF","createdAt":"2025-12-31T23:00:00.000Z","updatedAt":"2025-12-31T23:00:00.000Z","ipAddress":"203.0.113.7","userAgent":"Mozilla/5.0 (vector)","userId":"USR0000000000000000000000000001","id":"SES0000000000000000000000000001"},"user":{"name":"Alice Example","email":"alice@example.com","emailVerified":false,"image":null,"createdAt":"2025-12-01T10:00:00.000Z","updatedAt":"2025-12-01T10:00:00.000Z","id":"USR0000000000000000000000000001"},"updatedAt":1767225600000,"version":"1"}"#
        );
    }

    #[test]
    fn escapes_like_json_stringify() {
        // Expected text from Node's JSON.stringify: only `"`, `\` and U+0000–U+001F
        // are escaped, the short forms where they exist; U+2028 and DEL stay raw.
        let mut user = user();
        user.name = "q\"b\\\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}\u{2028}é😀".into();
        let text = data_json(&session(), &user, NOW, "1");
        assert!(
            text.contains(r#""name":"q\"b\\\b\f\n\r\t\u0000\u001f"#),
            "{text}"
        );
        assert!(text.contains("\u{7f}\u{2028}é😀\""), "{text}");
    }

    #[test]
    fn appends_members_like_object_spread() {
        assert_eq!(
            append_members(r#"{"a":1}"#, &[("b", "2")]),
            r#"{"a":1,"b":2}"#
        );
        assert_eq!(
            append_members("{}", &[("b", "2"), ("c", "3")]),
            r#"{"b":2,"c":3}"#
        );
    }

    #[test]
    fn reads_back_what_it_writes() {
        let text = data_json(&session(), &user(), NOW, "1");
        let value: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            parse_data(&value, 0),
            Some(SessionData {
                session: session(),
                user: user(),
                updated_at: NOW,
                version: Some("1".into()),
            })
        );
    }

    fn payload() -> Value {
        serde_json::from_str(&data_json(&session(), &user(), NOW, "1")).expect("json")
    }

    fn with(pointer: &str, replacement: Option<Value>) -> Option<SessionData> {
        let mut value = payload();
        let (parent, key) = pointer.rsplit_once('/').expect("pointer");
        let object = value
            .pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .expect("object");
        match replacement {
            Some(v) => object.insert(key.to_owned(), v),
            None => object.remove(key),
        };
        parse_data(&value, NOW)
    }

    #[test]
    fn schema_defaults_and_coercions() {
        let data = with("/session/createdAt", None).expect("default");
        assert_eq!(data.session.created_at, NOW);
        let data = with("/user/updatedAt", None).expect("default");
        assert_eq!(data.user.updated_at, NOW);
        let data = with("/user/emailVerified", None).expect("default");
        assert!(!data.user.email_verified);
        let data = with("/user/email", Some(json!("Alice@Example.COM"))).expect("email");
        assert_eq!(data.user.email, "alice@example.com");
        for (user_id, coerced) in [
            (Some(json!(42)), "42"),
            (Some(json!(42.0)), "42"),
            (Some(json!(true)), "true"),
            (Some(Value::Null), "null"),
            (None, "undefined"),
        ] {
            let data = with("/session/userId", user_id).expect("coerced");
            assert_eq!(data.session.user_id, coerced);
        }
        for key in ["/session/ipAddress", "/session/userAgent", "/user/image"] {
            assert!(with(key, None).is_some(), "{key} absent");
            assert!(with(key, Some(Value::Null)).is_some(), "{key} null");
        }
        let data = with("/version", None).expect("no version");
        assert_eq!(data.version, None);
        // Unknown keys are allowed.
        assert!(with("/session/extra", Some(json!({"x": 1}))).is_some());
        assert!(with("/iat", Some(json!(1))).is_some());
    }

    #[test]
    fn schema_failures() {
        for (pointer, replacement) in [
            ("/session/id", None),
            ("/session/id", Some(json!(1))),
            ("/session/token", None),
            ("/session/expiresAt", None),
            ("/session/expiresAt", Some(json!(1_767_826_800_000_i64))),
            (
                "/session/expiresAt",
                Some(json!("2026-13-07T23:00:00.000Z")),
            ),
            ("/session/createdAt", Some(Value::Null)),
            ("/session/ipAddress", Some(json!(7))),
            ("/session/userAgent", Some(json!("2026-01-01T00:00:00Z"))),
            ("/session/userId", Some(json!(1.5))),
            ("/session/userId", Some(json!([1]))),
            ("/session/userId", Some(json!("2026-01-01T00:00:00Z"))),
            ("/user/name", Some(json!("2026-01-01T00:00:00Z"))),
            ("/user/name", None),
            ("/user/email", Some(Value::Null)),
            ("/user/emailVerified", Some(Value::Null)),
            ("/user/emailVerified", Some(json!("true"))),
            ("/user/image", Some(json!(false))),
            ("/updatedAt", None),
            ("/updatedAt", Some(json!("1767225600000"))),
            ("/version", Some(Value::Null)),
            ("/version", Some(json!(1))),
            ("/session", Some(json!("x"))),
            ("/user", None),
        ] {
            assert_eq!(
                with(pointer, replacement.clone()),
                None,
                "{pointer} {replacement:?}"
            );
        }
        assert_eq!(parse_data(&json!([1]), NOW), None);
    }

    /// The writer this crate used before writing the text directly: serde_json's `Value`.
    fn data_value(
        session: &CachedSession,
        user: &CachedUser,
        updated_at: i64,
        version: &str,
    ) -> String {
        let date = |ms| crate::iso_millis(ms).map_or(Value::Null, Value::String);
        let nullable = |text: &Option<String>| text.clone().map_or(Value::Null, Value::String);
        json!({
            "session": {
                "expiresAt": date(session.expires_at),
                "token": session.token,
                "createdAt": date(session.created_at),
                "updatedAt": date(session.updated_at),
                "ipAddress": nullable(&session.ip_address),
                "userAgent": nullable(&session.user_agent),
                "userId": session.user_id,
                "id": session.id,
            },
            "user": {
                "name": user.name,
                "email": user.email,
                "emailVerified": user.email_verified,
                "image": nullable(&user.image),
                "createdAt": date(user.created_at),
                "updatedAt": date(user.updated_at),
                "id": user.id,
            },
            "updatedAt": updated_at,
            "version": version,
        })
        .to_string()
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let texts = [
            "",
            "a",
            "q\"b\\\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}\u{2028}é😀",
            "</script>",
        ];
        let times = [
            0,
            -1,
            NOW,
            -62_198_755_200_001,
            253_402_300_800_000,
            8_640_000_000_000_001,
            i64::MIN,
            i64::MAX,
        ];
        for (i, text) in texts.iter().enumerate() {
            for (j, &time) in times.iter().enumerate() {
                let mut session = session();
                let mut user = user();
                session.token = (*text).to_owned();
                session.expires_at = time;
                session.created_at = times[(j + 1) % times.len()];
                session.ip_address = (i % 2 == 0).then(|| (*text).to_owned());
                session.user_agent = None;
                user.name = (*text).to_owned();
                user.email_verified = j % 2 == 0;
                user.image = (j % 3 == 0).then(|| (*text).to_owned());
                user.updated_at = times[(j + 2) % times.len()];
                assert_eq!(
                    data_json(&session, &user, time, text),
                    data_value(&session, &user, time, text)
                );
            }
        }
    }

    /// Texts the typed parse must read as serde_json's parse followed by
    /// [`Payload::from_map`] reads them.
    fn payload_texts() -> Vec<String> {
        let written = data_json(&session(), &user(), NOW, "1");
        let body = written.strip_suffix('}').expect("object");
        let deep = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let mut texts = vec![
            written.clone(),
            format!(r#"{body},"iat":1767225600,"exp":1767225900,"jti":"x"}}"#),
            format!(r#"{body},"iat":"x","nbf":null,"exp":1.5e3}}"#),
            format!(r#"{body},"exp":1,"exp":2,"session":{{"id":"other"}}}}"#),
            format!(r#"{body},"session":"x","user":[1,[2,{{"a":[]}}]]}}"#),
            format!(r#"{body},"session":null,"user":true,"version":false}}"#),
            format!(r#"{body},"session":1.5,"user":-3}}"#),
            format!(r#"{body},"extra":{{"a":[1,{{"b":null}}],"c":"\u00e9"}}}}"#),
            written.replace(r#""token":"#, r#""token":"shadowed","token":"#),
            written.replace(r#""name":"#, r#""name":1,"name":"#),
            written.replace(r#""session":"#, r#""sess\u0069on":"#),
            written.replace(r#""userId":"#, r#""us\u0065rId":"#),
            written.replace(
                r#"{"session":"#,
                r#"{"$serde_json::private::RawValue":"1","session":"#,
            ),
            written.replace(r#""id":"#, r#""$serde_json::private::Number":"1","id":"#),
            written.replace(r#"{"session":{"#, r#"{ "session" : { "#),
            format!(r#"{body},"x":{}}}"#, deep(125)),
            format!(r#"{body},"x":{}}}"#, deep(126)),
            format!(r#"{body},"x":{}}}"#, deep(127)),
            written.replace(
                r#""image":null"#,
                &format!(r#""image":null,"x":{}"#, deep(124)),
            ),
            written.replace(
                r#""image":null"#,
                &format!(r#""image":null,"x":{}"#, deep(125)),
            ),
            format!(r#"{body},"session":{}}}"#, deep(126)),
            format!(r#"{body},"session":{}}}"#, deep(127)),
            "{}".into(),
            r#"{"session":{},"user":{},"updatedAt":1}"#.into(),
        ];
        // Not objects, or not JSON.
        texts.extend(
            [
                "[]",
                "1",
                "null",
                r#""x""#,
                "",
                "{",
                "{}x",
                r#"{"a":1,}"#,
                r#"{"a":1e400}"#,
                r#"{"a":"\ud800"}"#,
                r#"{"session":{"id":"\udc00"}}"#,
                r#"{"\ud800":1}"#,
                r#"{"a":01}"#,
                "{\"a\":\"\u{1}\"}",
            ]
            .map(str::to_owned),
        );
        texts.push(format!(r#"{body},"x":"\ud800"}}"#));
        texts.push(written.replace(r#""image":null"#, r#""image":null,"x":1e400"#));
        texts
    }

    #[test]
    fn the_typed_parse_reads_what_serde_json_parses() {
        for text in payload_texts() {
            let typed = serde_json::from_str::<Payload>(&text).ok();
            match serde_json::from_str(&text) {
                Ok(Value::Object(map)) => {
                    let expected = Payload::from_map(map);
                    let reserved = text.contains(RESERVED_KEY);
                    // The typed parse reads every object (but those with a reserved key).
                    assert_eq!(typed.as_ref(), (!reserved).then_some(&expected), "{text}");
                    assert_eq!(Payload::from_json(&text), Some(expected), "{text}");
                }
                _ => {
                    assert_eq!(typed, None, "{text}");
                    assert_eq!(Payload::from_json(&text), None, "{text}");
                }
            }
        }
        let written = data_json(&session(), &user(), NOW, "1");
        assert_eq!(
            Payload::from_json(&written).and_then(|payload| payload.data(0)),
            Some(SessionData {
                session: session(),
                user: user(),
                updated_at: NOW,
                version: Some("1".into()),
            })
        );
    }

    #[test]
    fn debug_hides_the_token() {
        let debug = format!("{:?}", session());
        assert!(
            !debug.contains("abcdefghijklmnopqrstuvwxyzABCDEF"),
            "{debug}"
        );
    }
}
