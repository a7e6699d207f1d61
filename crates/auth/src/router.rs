//! The `/api/auth/*` mount as the template's server answers it (spec §2.1 and the
//! reference transcripts): methods other than GET and POST get the web framework's
//! `405 Method Not Allowed`; inside, better-call matches exact path and method, and
//! anything else — a wrong method, a trailing slash, an unknown path — is a `404`
//! with an empty body. `/api/auth` itself is outside the mount (the framework's 404).

use spinstack_http::{Request, Response, fallback};

use crate::get_session::get_session;
use spinstack_sessions::SessionResolver;

/// Where Better Auth is mounted.
pub const BASE_PATH: &str = "/api/auth";

/// Handles a request routed to the auth component (CORS is the caller's job).
pub fn handle(request: &Request, sessions: &dyn SessionResolver) -> Response {
    let Some(rest) = request
        .path
        .strip_prefix(BASE_PATH)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return fallback::respond(request);
    };
    if request.method != "GET" && request.method != "POST" {
        return Response::text(405, "Method Not Allowed");
    }
    match (request.method.as_str(), rest) {
        ("GET", "get-session") => get_session(request, sessions),
        ("GET", "ok") => Response::json(200, &serde_json::json!({ "ok": true })),
        _ => Response::empty(404),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spinstack_sessions::Outcome;
    use spinstack_sessions::ResolvedSession;

    struct NoSession;
    impl SessionResolver for NoSession {
        fn resolve(&self, _: Option<&str>, _: bool) -> Result<ResolvedSession, String> {
            Ok(ResolvedSession {
                outcome: Outcome::Anonymous,
                set_cookies: vec![],
            })
        }
    }

    fn status_and_body(method: &str, path: &str) -> (u16, Vec<u8>) {
        let resp = handle(&Request::new(method, path), &NoSession);
        (resp.status, resp.body)
    }

    #[test]
    fn routes() {
        assert_eq!(
            status_and_body("GET", "/api/auth/get-session"),
            (200, b"null".to_vec())
        );
        assert_eq!(
            status_and_body("GET", "/api/auth/ok"),
            (200, br#"{"ok":true}"#.to_vec())
        );
        assert_eq!(
            status_and_body("GET", "/api/auth/get-session/"),
            (404, vec![])
        );
        assert_eq!(status_and_body("GET", "/api/auth/nope"), (404, vec![]));
        assert_eq!(status_and_body("GET", "/api/auth/"), (404, vec![]));
        assert_eq!(status_and_body("POST", "/api/auth/ok"), (404, vec![]));
        assert_eq!(
            status_and_body("PUT", "/api/auth/get-session"),
            (405, b"Method Not Allowed".to_vec())
        );
        assert_eq!(
            status_and_body("GET", "/api/auth"),
            (404, b"NOT_FOUND".to_vec())
        );
    }
}
