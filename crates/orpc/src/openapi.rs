//! oRPC's OpenAPI handler on the server side for procedures without `.route()` (spec
//! §4.1–§4.4): `POST <mount>/<path>` with the input as the plain body — JSON as it is,
//! form bodies through bracket notation, text as a string, anything else as a file;
//! the query string is ignored — answered with plain JSON (no envelope, no `meta`).

use spinstack_http::{Request, Response};

use crate::body::{self, Body};
use crate::bracket;
use crate::error::OrpcError;
use crate::multipart::PartValue;
use crate::plain;
use crate::value::Value;

/// The OpenAPI handler's mount.
pub const PREFIX: &str = "/api-reference";

/// The method every procedure without `.route()` is served on.
pub const METHOD: &str = "POST";

/// Decodes the input of a procedure call.
///
/// # Errors
/// [`OrpcError::malformed`] when the body cannot be parsed; `BAD_REQUEST` when a form
/// body exceeds [`bracket::deserialize`]'s caps.
pub fn decode_input(request: &Request) -> Result<Value, OrpcError> {
    let parsed = body::parse(
        request.header("content-type"),
        request.header("content-disposition"),
        &request.body,
    )
    .map_err(|_| OrpcError::malformed())?;
    Ok(match parsed {
        Body::Json(None) | Body::EventStream => Value::Undefined,
        Body::Json(Some(json)) => Value::from(&json),
        Body::Form(parts) => bracket::deserialize(
            parts
                .into_iter()
                .map(|part| {
                    let value = match part.value {
                        PartValue::Text(text) => Value::String(text),
                        PartValue::File(file) => Value::File(file),
                    };
                    (part.name, value)
                })
                .collect(),
        )?,
        Body::UrlEncoded(pairs) => bracket::deserialize(
            pairs
                .into_iter()
                .map(|(name, value)| (name, Value::String(value)))
                .collect(),
        )?,
        Body::Text(text) => Value::String(text),
        Body::File(file) => Value::File(file),
    })
}

/// `200` with the output as plain JSON; `undefined` is an empty body without a
/// content type; a file is sent as it is, with its type and an inline disposition.
pub fn success(output: &Value) -> Response {
    if let Value::File(file) = output {
        let content_type = if file.content_type.is_empty() {
            "application/octet-stream"
        } else {
            &file.content_type
        };
        return Response::empty(200)
            .with_header("content-type", content_type)
            .with_header("content-disposition", &inline_disposition(&file.name))
            .with_body(file.bytes.clone());
    }
    match plain::to_json(output) {
        Some(json) => Response::json(200, &json),
        None => Response::empty(200),
    }
}

/// `<status>` with the error as plain JSON.
pub fn failure(error: &OrpcError) -> Response {
    Response::json(error.status, error)
}

/// `generateContentDisposition(name)`: `inline; filename="…"; filename*=utf-8''…`.
pub fn inline_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '_' })
        .collect::<String>()
        .replace('"', "\\\"");
    let mut encoded = String::new();
    for byte in name.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-_.!~|`^".contains(&byte);
        if keep {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("inline; filename=\"{ascii}\"; filename*=utf-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(
        content_type: Option<&str>,
        body: &str,
    ) -> Result<Option<serde_json::Value>, OrpcError> {
        let mut request = Request::new("POST", "/api-reference/x").with_body(body);
        if let Some(content_type) = content_type {
            request = request.with_header("content-type", content_type);
        }
        decode_input(&request).map(|value| plain::to_json(&value))
    }

    #[test]
    fn bodies_become_plain_inputs() {
        assert_eq!(input(None, ""), Ok(None));
        assert_eq!(
            input(Some("application/json"), "null"),
            Ok(Some(json!(null)))
        );
        assert_eq!(
            input(Some("application/json"), r#"{"text":"x"}"#),
            Ok(Some(json!({"text":"x"})))
        );
        assert_eq!(
            input(Some("application/json"), "{bad"),
            Err(OrpcError::malformed())
        );
        assert_eq!(
            input(
                Some("application/x-www-form-urlencoded"),
                "text=From+a+form&x[a]=1"
            ),
            Ok(Some(json!({"text": "From a form", "x": {"a": "1"}})))
        );
        assert_eq!(input(Some("text/plain"), "hi"), Ok(Some(json!("hi"))));
    }

    #[test]
    fn responses() {
        let ok = success(&Value::String("OK".into()));
        assert_eq!(ok.body, br#""OK""#);
        let nothing = success(&Value::Undefined);
        assert_eq!(
            (
                nothing.status,
                nothing.body.len(),
                nothing.has_header("content-type")
            ),
            (200, 0, false)
        );
        let error = failure(&OrpcError::new("UNAUTHORIZED"));
        assert_eq!(
            String::from_utf8_lossy(&error.body),
            r#"{"defined":false,"code":"UNAUTHORIZED","status":401,"message":"Unauthorized"}"#
        );
        assert_eq!(
            inline_disposition("é \"x\".txt"),
            "inline; filename=\"_ \\\"x\\\".txt\"; filename*=utf-8''%C3%A9%20%22x%22.txt"
        );
    }
}
