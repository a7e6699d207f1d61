//! The `/api/auth/*` mount as the template's server answers it (spec §2.1, §2.4 and
//! the reference transcripts): methods other than GET and POST get the web framework's
//! `405 Method Not Allowed`; inside, better-call matches exact path and method, and
//! anything else — a wrong method, a trailing slash, an unknown path — is a `404`
//! with an empty body. A matched route's request rules (body, origin, validation,
//! login CSRF) run before its handler. `/api/auth` itself is outside the mount. In
//! production the rate limiter (spec §6, stored in PostgreSQL) comes before routing.

use spinstack_auth_rules::client_ip::client_ip;
use spinstack_auth_rules::endpoint;
use spinstack_http::{Request, Response, fallback};

use crate::context::AuthContext;
use crate::endpoints::{Call, handler_for};
use crate::error::internal;

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
    // §2.4: the rate limiter runs before routing, for every path under the mount.
    if let Some(store) = ctx.rate_limit {
        let ip = client_ip(request);
        match spinstack_rate_limit::check(store, &request.path, ip.as_deref(), ctx.now_ms) {
            Ok(None) => {}
            Ok(Some(too_many)) => return too_many,
            Err(e) => return internal("rate limit", &e.to_string()),
        }
    }
    let Some(route) = endpoint::find(&request.method, rest) else {
        return Response::empty(404);
    };
    // Every route of the table has a handler (tested below); better-call's 404 if not.
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
                param: path_param(route.path, rest),
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

/// The segment of `path` where `pattern` has its `:name` parameter, as sent.
fn path_param(pattern: &str, path: &str) -> Option<String> {
    pattern
        .split('/')
        .zip(path.split('/'))
        .find(|(wanted, _)| wanted.starts_with(':'))
        .map(|(_, given)| given.to_owned())
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
    fn every_route_has_a_handler() {
        for endpoint in endpoint::ENDPOINTS {
            for method in endpoint.methods {
                assert!(
                    handler_for(method, endpoint.path).is_some(),
                    "{method} {}",
                    endpoint.path
                );
            }
        }
        assert_eq!(
            path_param("/reset-password/:token", "/reset-password/a%20b"),
            Some("a%20b".to_owned())
        );
        assert_eq!(path_param("/ok", "/ok"), None);
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

#[cfg(test)]
mod rate_limit_tests {
    use super::*;
    use crate::testing::{FakeSessions, FakeUsers, context};
    use spinstack_rate_limit::MemoryStore;

    #[test]
    fn production_limits_sign_in_to_three_per_ten_seconds() {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        let store = MemoryStore::new();
        let mut ctx = context(&sessions, &users);
        ctx.rate_limit = Some(&store);
        let request = Request::new("POST", "/api/auth/sign-in/email")
            .with_header("content-type", "application/json")
            .with_body(r#"{"email":"a@example.com","password":"password123"}"#);
        for _ in 0..3 {
            assert_eq!(handle(&request, &ctx).status, 401);
        }
        let refused = handle(&request, &ctx);
        assert_eq!(refused.status, 429);
        assert_eq!(refused.header("x-retry-after"), Some("10"));
        assert_eq!(
            refused.body,
            br#"{"message":"Too many requests. Please try again later."}"#
        );
        // Another path has its own bucket.
        let session = Request::new("GET", "/api/auth/get-session");
        assert_eq!(handle(&session, &ctx).status, 200);
    }
}
