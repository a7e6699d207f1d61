//! What the original Elysia server answers outside its mounted handlers
//! (reference-transcripts.md "Basic routes"): `GET /` → `OK`, anything else →
//! `404 NOT_FOUND`, both `text/plain;charset=utf-8`.

use crate::{Request, Response};

/// The answer for a request no mounted handler claims.
pub fn respond(request: &Request) -> Response {
    if request.method == "GET" && request.path == "/" {
        Response::text(200, "OK")
    } else {
        Response::text(404, "NOT_FOUND")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_ok() {
        let resp = respond(&Request::new("GET", "/"));
        assert_eq!((resp.status, resp.body.as_slice()), (200, b"OK".as_slice()));
        assert_eq!(
            resp.header("content-type"),
            Some("text/plain;charset=utf-8")
        );
    }

    #[test]
    fn everything_else_is_not_found() {
        for (method, path) in [("GET", "/nope"), ("POST", "/"), ("GET", "/api/auth")] {
            let resp = respond(&Request::new(method, path));
            assert_eq!(resp.status, 404, "{method} {path}");
            assert_eq!(resp.body, b"NOT_FOUND");
        }
    }
}
