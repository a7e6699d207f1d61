//! CORS exactly as the template's `@elysiajs/cors` 1.4.2 setup answers (spec
//! orpc-and-template.md §1.3 and the CORS transcripts): credentials always allowed,
//! `Access-Control-Allow-Origin` echoed only for a configured origin, preflights
//! answered `204` before any routing, and the quirk of exposing the request's own
//! header names. `cors_origin` may list several origins; each is matched exactly.

#![forbid(unsafe_code)]

use spinstack_http::{Request, Response};

const ALLOW_HEADERS: &str = "Content-Type, Authorization";
const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
const MAX_AGE: &str = "5";

/// The allowed web origins and the headers they get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsPolicy {
    origins: Vec<String>,
}

impl CorsPolicy {
    /// A policy allowing exactly `origins` (as `scheme://host[:port]`).
    pub fn new(origins: Vec<String>) -> Self {
        Self { origins }
    }

    /// Whether `request` is a preflight this policy answers (any `OPTIONS`).
    pub fn is_preflight(request: &Request) -> bool {
        request.method == "OPTIONS"
    }

    /// The `204` answer to a preflight.
    pub fn preflight(&self, request: &Request) -> Response {
        let mut response = Response::empty(204);
        self.add_headers(request, &mut response, true);
        response
    }

    /// Adds the CORS headers to a handler's response, never overriding a header the
    /// handler already set (as Elysia merges them).
    pub fn apply(&self, request: &Request, response: &mut Response) {
        self.add_headers(request, response, false);
    }

    fn add_headers(&self, request: &Request, response: &mut Response, preflight: bool) {
        let origin = request
            .header("origin")
            .filter(|origin| self.origins.iter().any(|allowed| allowed == origin));
        let mut set = |name: &str, value: &str| {
            if !response.has_header(name) {
                response.headers.push((name.to_owned(), value.to_owned()));
            }
        };
        set("access-control-allow-headers", ALLOW_HEADERS);
        set("access-control-allow-credentials", "true");
        set("vary", "Origin");
        if let Some(origin) = origin {
            set("access-control-allow-origin", origin);
        }
        if !preflight || request.header("access-control-request-method").is_some() {
            set("access-control-allow-methods", ALLOW_METHODS);
        }
        let exposed = exposed_headers(request, if preflight { "," } else { ", " });
        if !exposed.is_empty() {
            set("access-control-expose-headers", &exposed);
        }
        if preflight {
            set("access-control-max-age", MAX_AGE);
        }
    }
}

/// The request's header names, as `exposeHeaders: true` echoes them. Headers the
/// Spin host adds (`spin-*`) are not the client's and are left out.
fn exposed_headers(request: &Request, separator: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in &request.headers {
        if !name.starts_with("spin-") && !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names.join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> CorsPolicy {
        CorsPolicy::new(vec![
            "http://localhost:3001".to_owned(),
            "https://app.example.com".to_owned(),
        ])
    }

    fn header<'a>(resp: &'a Response, name: &str) -> Option<&'a str> {
        resp.header(name)
    }

    #[test]
    fn preflight_from_allowed_origin() {
        let req = Request::new("OPTIONS", "/rpc/privateData")
            .with_header("host", "localhost:3000")
            .with_header("origin", "http://localhost:3001")
            .with_header("access-control-request-method", "POST")
            .with_header("spin-full-url", "http://localhost:3000/rpc/privateData");
        let resp = policy().preflight(&req);
        assert_eq!(resp.status, 204);
        assert!(resp.body.is_empty());
        let names: Vec<&str> = resp.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "access-control-allow-headers",
                "access-control-allow-credentials",
                "vary",
                "access-control-allow-origin",
                "access-control-allow-methods",
                "access-control-expose-headers",
                "access-control-max-age",
            ]
        );
        assert_eq!(
            header(&resp, "access-control-allow-origin"),
            Some("http://localhost:3001")
        );
        assert_eq!(
            header(&resp, "access-control-expose-headers"),
            Some("host,origin,access-control-request-method")
        );
        assert_eq!(header(&resp, "access-control-max-age"), Some("5"));
    }

    #[test]
    fn second_configured_origin_is_allowed() {
        let req = Request::new("POST", "/rpc/healthCheck")
            .with_header("origin", "https://app.example.com");
        let mut resp = Response::empty(200);
        policy().apply(&req, &mut resp);
        assert_eq!(
            header(&resp, "access-control-allow-origin"),
            Some("https://app.example.com")
        );
    }

    #[test]
    fn foreign_origin_gets_no_allow_origin() {
        let req = Request::new("OPTIONS", "/rpc/privateData")
            .with_header("origin", "http://evil.example.com")
            .with_header("access-control-request-method", "POST");
        let resp = policy().preflight(&req);
        assert_eq!(resp.status, 204);
        assert_eq!(header(&resp, "access-control-allow-origin"), None);
        assert_eq!(
            header(&resp, "access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(header(&resp, "vary"), Some("Origin"));
    }

    #[test]
    fn prefix_of_allowed_origin_is_foreign() {
        let req = Request::new("GET", "/").with_header("origin", "http://localhost:30011");
        let mut resp = Response::empty(200);
        policy().apply(&req, &mut resp);
        assert_eq!(header(&resp, "access-control-allow-origin"), None);
    }

    #[test]
    fn preflight_without_request_method_has_no_allow_methods() {
        let req = Request::new("OPTIONS", "/rpc/healthCheck").with_header("host", "h");
        let resp = policy().preflight(&req);
        assert_eq!(header(&resp, "access-control-allow-methods"), None);
        assert_eq!(header(&resp, "access-control-expose-headers"), Some("host"));
    }

    #[test]
    fn actual_response_keeps_handler_headers() {
        let req = Request::new("POST", "/rpc/healthCheck")
            .with_header("host", "localhost:3000")
            .with_header("origin", "http://localhost:3001")
            .with_header("content-type", "application/json");
        let mut resp = Response::json(200, "OK").with_header("vary", "Cookie");
        policy().apply(&req, &mut resp);
        assert_eq!(header(&resp, "vary"), Some("Cookie"));
        assert_eq!(
            header(&resp, "access-control-allow-methods"),
            Some(ALLOW_METHODS)
        );
        assert_eq!(
            header(&resp, "access-control-expose-headers"),
            Some("host, origin, content-type")
        );
        assert_eq!(
            header(&resp, "access-control-allow-origin"),
            Some("http://localhost:3001")
        );
    }
}
