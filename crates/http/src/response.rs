//! An outgoing response: status, ordered headers, whole body.

use serde::Serialize;

/// An HTTP response as the logic produces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Header names and values, in order; a name may repeat (`set-cookie`).
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with no headers and an empty body.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A `text/plain;charset=utf-8` response (what the original Bun server sends).
    pub fn text(status: u16, body: &str) -> Self {
        Self::empty(status)
            .with_header("content-type", "text/plain;charset=utf-8")
            .with_body(body)
    }

    /// An `application/json` response with `value` serialised.
    pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Self {
        // Serialising our own plain data types cannot fail; fall back to `null` anyway.
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
        Self::empty(status)
            .with_header("content-type", "application/json")
            .with_body(body)
    }

    /// Appends a header.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Whether a header called `name` is present (case-insensitive).
    pub fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(key, _)| key.eq_ignore_ascii_case(name))
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_sets_content_type() {
        let resp = Response::json(200, &serde_json::json!({"ok": true}));
        assert_eq!(resp.header("Content-Type"), Some("application/json"));
        assert_eq!(resp.body, br#"{"ok":true}"#);
    }

    #[test]
    fn headers_repeat() {
        let resp = Response::empty(200)
            .with_header("set-cookie", "a=1")
            .with_header("set-cookie", "b=2");
        assert_eq!(resp.headers.len(), 2);
        assert!(resp.has_header("Set-Cookie"));
    }
}
