//! What the cache carries (spec §3.1, §5.2): the session-data object `D` =
//! `{session, user, updatedAt, version}`, written in Better Auth's key order, and read
//! back through its lenient payload schema.
//!
//! Writing: the session as the adapter returns it (`expiresAt, token, createdAt,
//! updatedAt, ipAddress, userAgent, userId, id`), the user as output-filtered (`name,
//! email, emailVerified, image, createdAt, updatedAt, id`), dates as `toJSON` writes
//! them, `null`s kept; `JSON.stringify`'s bytes (serde_json escapes the same
//! characters, and objects keep insertion order with the workspace's
//! `preserve_order`).
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
//! an object fails the check instead of becoming JavaScript's `String(value)`.

use std::fmt;

use serde_json::{Map, Value};

use crate::time::{iso_millis, revive};

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

fn date(ms: i64) -> Value {
    iso_millis(ms).map_or(Value::Null, Value::String)
}

fn nullable(text: Option<&str>) -> Value {
    text.map_or(Value::Null, |t| Value::String(t.to_owned()))
}

fn session_value(session: &CachedSession) -> Value {
    let mut map = Map::new();
    map.insert("expiresAt".into(), date(session.expires_at));
    map.insert("token".into(), session.token.clone().into());
    map.insert("createdAt".into(), date(session.created_at));
    map.insert("updatedAt".into(), date(session.updated_at));
    map.insert("ipAddress".into(), nullable(session.ip_address.as_deref()));
    map.insert("userAgent".into(), nullable(session.user_agent.as_deref()));
    map.insert("userId".into(), session.user_id.clone().into());
    map.insert("id".into(), session.id.clone().into());
    Value::Object(map)
}

fn user_value(user: &CachedUser) -> Value {
    let mut map = Map::new();
    map.insert("name".into(), user.name.clone().into());
    map.insert("email".into(), user.email.clone().into());
    map.insert("emailVerified".into(), user.email_verified.into());
    map.insert("image".into(), nullable(user.image.as_deref()));
    map.insert("createdAt".into(), date(user.created_at));
    map.insert("updatedAt".into(), date(user.updated_at));
    map.insert("id".into(), user.id.clone().into());
    Value::Object(map)
}

/// `JSON.stringify(D)`: `{"session":…,"user":…,"updatedAt":…,"version":…}`.
pub(crate) fn data_json(
    session: &CachedSession,
    user: &CachedUser,
    updated_at: i64,
    version: &str,
) -> String {
    let mut map = Map::new();
    map.insert("session".into(), session_value(session));
    map.insert("user".into(), user_value(user));
    map.insert("updatedAt".into(), updated_at.into());
    map.insert("version".into(), version.into());
    Value::Object(map).to_string()
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

/// A string member that stays a string after date revival.
fn string(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::String(text)) if revive(text).is_none() => Some(text.clone()),
        _ => None,
    }
}

/// `z.string().nullish()`: `Ok(None)` for null or absent, `Err` for anything else.
fn nullish_string(value: Option<&Value>) -> Result<Option<String>, ()> {
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
fn coerced_string(value: Option<&Value>) -> Option<String> {
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

fn parse_session(value: &Value, now_ms: i64) -> Option<CachedSession> {
    let map = value.as_object()?;
    Some(CachedSession {
        id: string(map.get("id"))?,
        created_at: date_or_now(map.get("createdAt"), now_ms)?,
        updated_at: date_or_now(map.get("updatedAt"), now_ms)?,
        user_id: coerced_string(map.get("userId"))?,
        expires_at: revived_date(map.get("expiresAt"))?,
        token: string(map.get("token"))?,
        ip_address: nullish_string(map.get("ipAddress")).ok()?,
        user_agent: nullish_string(map.get("userAgent")).ok()?,
    })
}

fn parse_user(value: &Value, now_ms: i64) -> Option<CachedUser> {
    let map = value.as_object()?;
    let email_verified = match map.get("emailVerified") {
        None => false,
        Some(value) => value.as_bool()?,
    };
    Some(CachedUser {
        id: string(map.get("id"))?,
        created_at: date_or_now(map.get("createdAt"), now_ms)?,
        updated_at: date_or_now(map.get("updatedAt"), now_ms)?,
        email: string(map.get("email"))?.to_lowercase(),
        email_verified,
        name: string(map.get("name"))?,
        image: nullish_string(map.get("image")).ok()?,
    })
}

/// The payload schema check of §5.2 on a decoded payload (`D`, possibly with JWT
/// claims beside it). `None` when it fails. `now_ms` fills absent creation and update
/// times, as the schema's defaults do.
pub(crate) fn parse_data(value: &Value, now_ms: i64) -> Option<SessionData> {
    let map = value.as_object()?;
    let updated_at = js_number(map.get("updatedAt")?)?;
    let version = match map.get("version") {
        None => None,
        some => Some(string(some)?),
    };
    Some(SessionData {
        session: parse_session(map.get("session")?, now_ms)?,
        user: parse_user(map.get("user")?, now_ms)?,
        // A whole number for every value a server writes; fractions round toward zero.
        updated_at: updated_at as i64,
        version,
    })
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

    #[test]
    fn debug_hides_the_token() {
        let debug = format!("{:?}", session());
        assert!(
            !debug.contains("abcdefghijklmnopqrstuvwxyzABCDEF"),
            "{debug}"
        );
    }
}
