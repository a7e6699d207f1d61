//! An incoming request: method, path, query, ordered headers, whole body.

/// An HTTP request as the logic sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// Upper-case method name (`GET`, `POST`, …).
    pub method: String,
    /// The path, without the query (`/api/auth/get-session`).
    pub path: String,
    /// The raw query string without `?`, if any.
    pub query: Option<String>,
    /// Header names (lower-case) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Request {
    /// A request with no headers and no body (handy in tests).
    pub fn new(method: &str, path_and_query: &str) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (path_and_query, None),
        };
        Self {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            query,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header (name lower-cased).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// All `Cookie` headers joined with `; ` (HTTP/2 clients may split them).
    pub fn cookie_header(&self) -> Option<String> {
        let parts: Vec<&str> = self
            .headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case("cookie"))
            .map(|(_, value)| value.as_str())
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// The first value of query parameter `name`, percent-decoded (`+` as space).
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(key) == name).then(|| decode_component(value))
        })
    }
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn decode_component(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_query_and_reads_headers() {
        let req = Request::new("get", "/a/b?x=1&y=two%20words+more")
            .with_header("Cookie", "a=1")
            .with_header("cookie", "b=2");
        assert_eq!(req.method, "GET");
        assert_eq!(req.path, "/a/b");
        assert_eq!(req.query_param("x").as_deref(), Some("1"));
        assert_eq!(req.query_param("y").as_deref(), Some("two words more"));
        assert_eq!(req.query_param("z"), None);
        assert_eq!(req.header("COOKIE"), Some("a=1"));
        assert_eq!(req.cookie_header().as_deref(), Some("a=1; b=2"));
    }

    #[test]
    fn query_flags_without_value_are_empty() {
        let req = Request::new("GET", "/p?disableRefresh&b=");
        assert_eq!(req.query_param("disableRefresh").as_deref(), Some(""));
        assert_eq!(req.query_param("b").as_deref(), Some(""));
    }

    #[test]
    fn broken_escapes_stay_literal() {
        let req = Request::new("GET", "/p?a=%zz&b=%4");
        assert_eq!(req.query_param("a").as_deref(), Some("%zz"));
        assert_eq!(req.query_param("b").as_deref(), Some("%4"));
    }
}
