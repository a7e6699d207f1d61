//! Owns the refusal every rule returns: a [`Rejection`] is one Better Auth error
//! response (spec §2.5) — a status plus `{"message","code"}` in that key order, or
//! `{"message"}` alone for the few errors that carry no code.

use serde::Serialize;
use spinstack_http::Response;

/// A request refused by one of the rules, as Better Auth would answer it.
///
/// The rules are pure, so they return this value instead of a [`Response`]; convert it
/// with [`Rejection::to_response`] or `Response::from`, e.g. with `?` in a function
/// returning `Result<Response, Response>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status.
    pub status: u16,
    /// Better Auth's error code, absent for the message-only bodies.
    pub code: Option<&'static str>,
    /// The message sent to the client.
    pub message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
}

impl Rejection {
    /// A `{"message","code"}` error.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: Some(code),
            message: message.into(),
        }
    }

    /// A `{"message"}` error without a code.
    pub fn message_only(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            code: None,
            message: message.into(),
        }
    }

    /// The JSON response Better Auth sends for this error.
    pub fn to_response(&self) -> Response {
        Response::json(
            self.status,
            &Body {
                message: &self.message,
                code: self.code,
            },
        )
    }
}

impl From<Rejection> for Response {
    fn from(rejection: Rejection) -> Self {
        rejection.to_response()
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code {
            Some(code) => write!(f, "{} {code}: {}", self.status, self.message),
            None => write!(f, "{}: {}", self.status, self.message),
        }
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_then_code() {
        let resp = Rejection::new(403, "INVALID_ORIGIN", "Invalid origin").to_response();
        assert_eq!(resp.status, 403);
        assert_eq!(resp.header("content-type"), Some("application/json"));
        assert_eq!(
            resp.body,
            br#"{"message":"Invalid origin","code":"INVALID_ORIGIN"}"#
        );
    }

    #[test]
    fn message_only_has_no_code_key() {
        let resp: Response =
            Rejection::message_only(400, "Invalid callbackURL: expected a string").into();
        assert_eq!(
            resp.body,
            br#"{"message":"Invalid callbackURL: expected a string"}"#
        );
    }
}
