//! Owns request-body and query decoding as better-call does it (spec §2.2): the media
//! type check (415), JSON parsing (400), `application/x-www-form-urlencoded` bodies
//! whose values become strings, and the query string as a map in which a repeated key
//! becomes an array.

use serde_json::{Map, Value};
use spinstack_http::Request;

use crate::Rejection;

/// The media types an endpoint accepts, in the order Better Auth lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaTypes {
    /// `application/json` only: every endpoint but the three below.
    Json,
    /// `application/x-www-form-urlencoded` and `application/json`: `/sign-in/email`,
    /// `/sign-up/email` and `/callback/:id`.
    FormOrJson,
}

impl MediaTypes {
    /// The allowed types, in the order the 415 message lists them.
    pub fn allowed(self) -> &'static [&'static str] {
        match self {
            Self::Json => &["application/json"],
            Self::FormOrJson => &["application/x-www-form-urlencoded", "application/json"],
        }
    }
}

/// Decodes the request body: `Ok(None)` when there is none (an empty body counts as
/// none), else the JSON value, or an object of strings for a form.
///
/// A body whose type passes the check by merely *containing* an allowed type but is
/// neither JSON by better-call's pattern nor a form (`text/application/json`) is read
/// as an empty object: better-call hands the endpoint the unread body stream, which
/// the schemas see as an object without fields.
///
/// # Errors
/// 415 `UNSUPPORTED_MEDIA_TYPE` when the Content-Type is missing or not allowed,
/// 400 `BAD_REQUEST` `Invalid JSON in request body` when the JSON does not parse.
pub fn parse_body(request: &Request, media_types: MediaTypes) -> Result<Option<Value>, Rejection> {
    if request.body.is_empty() {
        return Ok(None);
    }
    let content_type = joined_header(request, "content-type").unwrap_or_default();
    let normalized = content_type.to_lowercase();
    let allowed = media_types.allowed();
    let base = normalized.split(';').next().unwrap_or_default().trim();
    if !allowed.iter().any(|allowed| base.contains(allowed)) {
        let list = allowed.join(", ");
        let message = if normalized.is_empty() {
            format!("Content-Type is required. Allowed types: {list}")
        } else {
            format!("Content-Type \"{content_type}\" is not allowed. Allowed types: {list}")
        };
        return Err(Rejection::new(415, "UNSUPPORTED_MEDIA_TYPE", message));
    }
    if is_json_type(&normalized) {
        // Decoded as the Fetch API's `json()`: invalid UTF-8 becomes U+FFFD and a
        // leading byte-order mark is dropped.
        let text = String::from_utf8_lossy(&request.body);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        return serde_json::from_str(text)
            .map(Some)
            .map_err(|_| Rejection::new(400, "BAD_REQUEST", "Invalid JSON in request body"));
    }
    if normalized.contains("application/x-www-form-urlencoded") {
        return Ok(Some(Value::Object(form_object(&request.body))));
    }
    Ok(Some(Value::Object(Map::new())))
}

/// The query string as better-call sees it: an object whose values are strings, or
/// arrays of strings for keys that repeat. No query gives an empty object.
pub fn query_object(request: &Request) -> Map<String, Value> {
    let mut query = Map::new();
    for (key, value) in form_pairs(request.query.as_deref().unwrap_or_default().as_bytes()) {
        match query.get_mut(&key) {
            Some(Value::Array(values)) => values.push(Value::String(value)),
            Some(single) => {
                let first = single.take();
                *single = Value::Array(vec![first, Value::String(value)]);
            }
            None => {
                query.insert(key, Value::String(value));
            }
        }
    }
    query
}

/// All values of header `name` joined with `", "`, as the Fetch API's `Headers.get`.
pub(crate) fn joined_header(request: &Request, name: &str) -> Option<String> {
    let values: Vec<&str> = request
        .headers
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// better-call's test for a JSON body: `^application/([a-z0-9.+-]*\+)?json`.
fn is_json_type(normalized: &str) -> bool {
    let Some(subtype) = normalized.strip_prefix("application/") else {
        return false;
    };
    if subtype.starts_with("json") {
        return true;
    }
    let prefix_len = subtype
        .bytes()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b".+-".contains(b))
        .count();
    // The `[a-z0-9.+-]*` run may end at any `+` it contains that is followed by `json`.
    subtype[..prefix_len]
        .match_indices('+')
        .any(|(at, _)| subtype[at + 1..].starts_with("json"))
}

/// A form body as an object: the last value of a repeated name wins, at the place the
/// name first appeared (JavaScript's `result[key] = value`).
fn form_object(body: &[u8]) -> Map<String, Value> {
    let mut object = Map::new();
    for (key, value) in form_pairs(body) {
        object.insert(key, Value::String(value));
    }
    object
}

/// The WHATWG `application/x-www-form-urlencoded` parser.
fn form_pairs(input: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    input
        .split(|&b| b == b'&')
        .filter(|sequence| !sequence.is_empty())
        .map(|sequence| {
            let (name, value) = match sequence.iter().position(|&b| b == b'=') {
                Some(at) => (&sequence[..at], &sequence[at + 1..]),
                None => (sequence, &[][..]),
            };
            (decode(name), decode(value))
        })
}

fn decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let byte = raw[i];
        let escaped = (byte == b'%')
            .then(|| raw.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| Some(hex_value(hex[0])? << 4 | hex_value(hex[1])?));
        match (byte, escaped) {
            (_, Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (_, None) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    (digit as char)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn post(content_type: Option<&str>, body: &str) -> Request {
        let request = Request::new("POST", "/api/auth/sign-in/email").with_body(body);
        match content_type {
            Some(value) => request.with_header("Content-Type", value),
            None => request,
        }
    }

    fn error(result: Result<Option<Value>, Rejection>) -> (u16, String) {
        let rejection = result.expect_err("expected a rejection");
        let body = rejection.to_response().body;
        (rejection.status, String::from_utf8(body).expect("utf-8"))
    }

    #[test]
    fn text_plain_is_415_with_the_type_as_sent() {
        assert_eq!(
            error(parse_body(&post(Some("text/plain"), "x"), MediaTypes::FormOrJson)),
            (
                415,
                r#"{"message":"Content-Type \"text/plain\" is not allowed. Allowed types: application/x-www-form-urlencoded, application/json","code":"UNSUPPORTED_MEDIA_TYPE"}"#
                    .to_owned()
            )
        );
        assert_eq!(
            error(parse_body(&post(Some("Text/Plain; charset=UTF-8"), "x"), MediaTypes::Json)),
            (
                415,
                r#"{"message":"Content-Type \"Text/Plain; charset=UTF-8\" is not allowed. Allowed types: application/json","code":"UNSUPPORTED_MEDIA_TYPE"}"#
                    .to_owned()
            )
        );
    }

    #[test]
    fn form_is_refused_where_only_json_is_allowed() {
        let (status, body) = error(parse_body(
            &post(Some("application/x-www-form-urlencoded"), "a=1"),
            MediaTypes::Json,
        ));
        assert_eq!(status, 415);
        assert!(body.contains("Allowed types: application/json\""), "{body}");
    }

    #[test]
    fn missing_content_type_with_a_body() {
        assert_eq!(
            error(parse_body(&post(None, "{}"), MediaTypes::Json)),
            (
                415,
                r#"{"message":"Content-Type is required. Allowed types: application/json","code":"UNSUPPORTED_MEDIA_TYPE"}"#
                    .to_owned()
            )
        );
    }

    #[test]
    fn no_body_is_no_value_whatever_the_type() {
        assert_eq!(parse_body(&post(None, ""), MediaTypes::Json), Ok(None));
        assert_eq!(
            parse_body(&post(Some("text/plain"), ""), MediaTypes::Json),
            Ok(None)
        );
    }

    #[test]
    fn invalid_json_is_400() {
        assert_eq!(
            error(parse_body(
                &post(Some("application/json"), "{bad"),
                MediaTypes::FormOrJson
            )),
            (
                400,
                r#"{"message":"Invalid JSON in request body","code":"BAD_REQUEST"}"#.to_owned()
            )
        );
    }

    #[test]
    fn json_with_parameters_and_any_case() {
        let body = r#"{"email":"a@b.co","n":1,"email":"x@y.co"}"#;
        let parsed = parse_body(
            &post(Some("Application/JSON; charset=utf-8"), body),
            MediaTypes::Json,
        );
        // A repeated key keeps its first place and takes the last value, as JSON.parse.
        assert_eq!(parsed, Ok(Some(json!({"email": "x@y.co", "n": 1}))));
        assert_eq!(
            parse_body(
                &post(Some("application/json"), "\u{feff}null"),
                MediaTypes::Json
            ),
            Ok(Some(Value::Null))
        );
    }

    #[test]
    fn containing_an_allowed_type_is_enough() {
        // The type merely contains `application/json`: allowed, parsed as JSON.
        assert_eq!(
            parse_body(&post(Some("application/jsonx"), "[1]"), MediaTypes::Json),
            Ok(Some(json!([1])))
        );
        // Allowed but not JSON by better-call's pattern: an object without fields.
        assert_eq!(
            parse_body(
                &post(Some("text/application/json"), r#"{"a":1}"#),
                MediaTypes::Json
            ),
            Ok(Some(json!({})))
        );
    }

    #[test]
    fn form_values_become_strings() {
        let body =
            "email=ALICE%40example.com&password=pass+word%21&rememberMe=false&&flag&email=b%40c.de";
        assert_eq!(
            parse_body(
                &post(
                    Some("application/x-www-form-urlencoded; charset=UTF-8"),
                    body
                ),
                MediaTypes::FormOrJson
            ),
            Ok(Some(json!({
                "email": "b@c.de",
                "password": "pass word!",
                "rememberMe": "false",
                "flag": ""
            })))
        );
    }

    #[test]
    fn json_type_pattern() {
        assert!(is_json_type("application/json"));
        assert!(is_json_type("application/vnd.api+json"));
        assert!(is_json_type("application/a+b+json; x"));
        assert!(!is_json_type("application/x-www-form-urlencoded"));
        assert!(!is_json_type("text/json"));
        assert!(!is_json_type("application/a b+json"));
    }

    #[test]
    fn query_repeats_become_arrays() {
        let request = Request::new("GET", "/x?token=a&callbackURL=%2Fdone&token=b&token=c&e=");
        assert_eq!(
            Value::Object(query_object(&request)),
            json!({"token": ["a", "b", "c"], "callbackURL": "/done", "e": ""})
        );
        assert!(query_object(&Request::new("GET", "/x")).is_empty());
    }

    #[test]
    fn broken_escapes_stay_literal() {
        assert_eq!(decode(b"%zz%4"), "%zz%4");
        assert_eq!(decode(b"%C3%A9%ff"), "é\u{fffd}");
    }
}
