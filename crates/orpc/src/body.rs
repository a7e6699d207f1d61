//! How oRPC's fetch adapter reads a request body (`toStandardBody`, spec §3.3), by the
//! request headers, in this order: a `content-disposition` header makes it one file;
//! no `content-type` or one starting with `application/json` makes it JSON (empty text
//! is `undefined`); then `multipart/form-data`, `application/x-www-form-urlencoded`,
//! `text/event-stream`, `text/plain`; anything else is a file named `blob`. The
//! prefixes are compared case-sensitively, as oRPC does.

use serde_json::Value as Json;

use crate::multipart::{self, Part};
use crate::value::File;

/// A parsed request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// JSON text; `None` for an empty body (`undefined`).
    Json(Option<Json>),
    /// `multipart/form-data` entries, in order.
    Form(Vec<Part>),
    /// `application/x-www-form-urlencoded` pairs, in order.
    UrlEncoded(Vec<(String, String)>),
    /// A `text/event-stream` body (a streamed input, which no procedure here takes).
    EventStream,
    /// `text/plain`.
    Text(String),
    /// A raw file.
    File(File),
}

/// The body could not be parsed (bad JSON, broken multipart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unparsable;

/// Parses `body` as oRPC would, given the request's `content-type` and
/// `content-disposition` headers.
///
/// # Errors
/// [`Unparsable`] for invalid JSON or multipart.
pub fn parse(
    content_type: Option<&str>,
    content_disposition: Option<&str>,
    body: &[u8],
) -> Result<Body, Unparsable> {
    if let Some(disposition) = content_disposition {
        return Ok(Body::File(File {
            name: multipart::filename(disposition).unwrap_or_else(|| "blob".to_owned()),
            content_type: content_type.map(blob_type).unwrap_or_default(),
            bytes: body.to_vec(),
        }));
    }
    let content_type = content_type.unwrap_or_default();
    if content_type.is_empty() || content_type.starts_with("application/json") {
        return parse_emptyable_json(&String::from_utf8_lossy(body)).map(Body::Json);
    }
    if content_type.starts_with("multipart/form-data") {
        return multipart::parse(content_type, body).map(Body::Form);
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok(Body::UrlEncoded(search_params(&String::from_utf8_lossy(
            body,
        ))));
    }
    if content_type.starts_with("text/event-stream") {
        return Ok(Body::EventStream);
    }
    if content_type.starts_with("text/plain") {
        return Ok(Body::Text(String::from_utf8_lossy(body).into_owned()));
    }
    Ok(Body::File(File {
        name: "blob".to_owned(),
        content_type: blob_type(content_type),
        bytes: body.to_vec(),
    }))
}

/// `parseEmptyableJSON`: empty text is `undefined`, anything else must be JSON.
///
/// # Errors
/// [`Unparsable`] when the text is not JSON.
pub fn parse_emptyable_json(text: &str) -> Result<Option<Json>, Unparsable> {
    if text.is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text).map(Some).map_err(|_| Unparsable)
}

/// A Blob's `type`: the media type lower-cased, `""` when it is not a valid one.
fn blob_type(content_type: &str) -> String {
    let valid = content_type.bytes().all(|b| (0x20..0x7f).contains(&b));
    if valid {
        content_type.to_ascii_lowercase()
    } else {
        String::new()
    }
}

/// `URLSearchParams` of a query string or form body: `&`-separated pairs, `+` as a
/// space, percent-escapes decoded as UTF-8 (invalid escapes kept as they are).
pub fn search_params(text: &str) -> Vec<(String, String)> {
    let text = text.strip_prefix('?').unwrap_or(text);
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_by_default() {
        assert_eq!(parse(None, None, b""), Ok(Body::Json(None)));
        assert_eq!(parse(None, None, b"{}"), Ok(Body::Json(Some(json!({})))));
        assert_eq!(
            parse(Some("application/json; charset=utf-8"), None, b"{bad"),
            Err(Unparsable)
        );
        assert_eq!(
            parse(Some("application/json"), None, b"  "),
            Err(Unparsable)
        );
    }

    #[test]
    fn other_media_types() {
        assert_eq!(
            parse(Some("text/plain"), None, b"hi"),
            Ok(Body::Text("hi".into()))
        );
        assert_eq!(
            parse(
                Some("application/x-www-form-urlencoded"),
                None,
                b"a=1&b=x+y%21"
            ),
            Ok(Body::UrlEncoded(vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y!".into())
            ]))
        );
        // Case-sensitive, as oRPC compares: an upper-case JSON type is a file.
        let Ok(Body::File(file)) = parse(Some("Application/JSON"), None, b"{bad") else {
            panic!("a file")
        };
        assert_eq!(
            (file.name.as_str(), file.content_type.as_str()),
            ("blob", "application/json")
        );
        let Ok(Body::File(named)) = parse(None, Some("attachment; filename=\"a.txt\""), b"x")
        else {
            panic!("a file")
        };
        assert_eq!(named.name, "a.txt");
        assert_eq!(
            parse(Some("text/event-stream"), None, b""),
            Ok(Body::EventStream)
        );
    }

    #[test]
    fn search_params_decode() {
        assert_eq!(
            search_params("data=%7B%7D&data=%zz&flag"),
            [
                ("data".to_owned(), "{}".to_owned()),
                ("data".to_owned(), "%zz".to_owned()),
                ("flag".to_owned(), String::new())
            ]
        );
    }
}
