//! The `/api/auth/*` mount as the template's server answers it (spec §2.1, §2.4 and
//! the reference transcripts): methods other than GET and POST get the web framework's
//! `405 Method Not Allowed`; inside, better-call matches exact path and method, and
//! anything else — a wrong method, a trailing slash, an unknown path — is a `404`
//! with an empty body. A matched route's request rules (body, origin, validation,
//! login CSRF) run before its handler. `/api/auth` itself is outside the mount.

use spinstack_auth_rules::endpoint;
use spinstack_http::{Request, Response, fallback};

use crate::context::AuthContext;
use crate::endpoints::{Call, handler_for};

/// Where Better Auth is mounted.
pub const BASE_PATH: &str = "/api/auth";

/// Handles a request routed to the auth component (CORS is the caller's job).
pub fn handle(request: &Request, ctx: &AuthContext<'_>) -> Response {
    let Some(rest) = request
        .path
        .strip_prefix(BASE_PATH)
        .filter(|rest| rest.starts_with('/'))
    else {
        return fallback::respond(request);
    };
    if request.method != "GET" && request.method != "POST" {
        return Response::text(405, "Method Not Allowed");
    }
    let Some(route) = endpoint::find(&request.method, rest) else {
        return Response::empty(404);
    };
    // Routes of features not built yet (see the issue notes) stay better-call's 404.
    let Some(handler) = handler_for(&request.method, route.path) else {
        return Response::empty(404);
    };
    match endpoint::check(route, request, &ctx.trusted) {
        Ok(checked) => handler(
            ctx,
            &Call {
                request,
                body: checked.body,
                query: checked.query,
            },
        ),
        Err(rejection) => {
            if rejection.status == 403 {
                // Upstream refuses silently; say why in the log (spec §12 item 3).
                eprintln!(
                    "auth: {} {} refused: {}",
                    request.method, request.path, rejection.message
                );
            }
            rejection.to_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FakeSessions, FakeUsers, context};

    fn call(method: &str, path: &str) -> (u16, Vec<u8>) {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        let resp = handle(&Request::new(method, path), &context(&sessions, &users));
        (resp.status, resp.body)
    }

    #[test]
    fn routes() {
        assert_eq!(
            call("GET", "/api/auth/get-session"),
            (200, b"null".to_vec())
        );
        assert_eq!(
            call("GET", "/api/auth/ok"),
            (200, br#"{"ok":true}"#.to_vec())
        );
        assert_eq!(call("GET", "/api/auth/get-session/"), (404, vec![]));
        assert_eq!(call("GET", "/api/auth/nope"), (404, vec![]));
        assert_eq!(call("GET", "/api/auth/"), (404, vec![]));
        assert_eq!(call("POST", "/api/auth/ok"), (404, vec![]));
        assert_eq!(call("GET", "/api/auth/sign-in/email"), (404, vec![]));
        assert_eq!(
            call("PUT", "/api/auth/get-session"),
            (405, b"Method Not Allowed".to_vec())
        );
        assert_eq!(call("GET", "/api/auth"), (404, b"NOT_FOUND".to_vec()));
    }

    #[test]
    fn protected_endpoints_need_a_session() {
        for (method, path) in [
            ("GET", "/api/auth/list-sessions"),
            ("POST", "/api/auth/revoke-sessions"),
            ("GET", "/api/auth/list-accounts"),
        ] {
            let (status, body) = call(method, path);
            assert_eq!(status, 401, "{path}");
            assert_eq!(body, br#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#);
        }
    }
}
