//! The `/api/auth/*` mount as the template's server answers it (spec §2.1, §2.4 and
//! the reference transcripts): methods other than GET and POST get the web framework's
//! `405 Method Not Allowed`; inside, better-call matches exact path and method, and
//! anything else — a wrong method, a trailing slash, an unknown path — is a `404`
//! with an empty body. A matched route's request rules (body, origin, validation,
//! login CSRF) run before its handler. `/api/auth` itself is outside the mount. In
//! production the rate limiter (spec §6, stored in PostgreSQL) comes before routing.

use spinstack_auth_rules::client_ip::client_ip;
use spinstack_auth_rules::endpoint;
use spinstack_http::request_log::RouteTemplate;
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
    let ip = client_ip(request, &ctx.client_ip);
    // §2.4: the rate limiter runs before routing, for every path under the mount.
    if let Some(store) = ctx.rate_limit {
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
                client_ip: ip,
            },
        ),
        Err(rejection) => {
            if rejection.status == 403 {
                // Upstream refuses silently; say why in the log (spec §12 item 3). The
                // route's template, never the path sent: `/reset-password/<token>`
                // would put a live reset token in the log.
                eprintln!(
                    "auth: {} {BASE_PATH}{} refused: {}",
                    request.method, route.path, rejection.message
                );
            }
            rejection.to_response()
        }
    }
}

/// The route of `request` for the request log: the endpoint's template under
/// [`BASE_PATH`] (`/api/auth/reset-password/:token`, whatever the method, so a `405`
/// names its route too), `/api/auth/*` for any other path under the mount, and `/` or
/// `unmatched` outside it. Never the path as sent.
pub fn route(request: &Request) -> RouteTemplate {
    let Some(rest) = request
        .path
        .strip_prefix(BASE_PATH)
        .filter(|rest| rest.starts_with('/'))
    else {
        return outside_the_mounts(request);
    };
    [request.method.as_str(), "GET", "POST"]
        .into_iter()
        .find_map(|method| endpoint::find(method, rest))
        .map_or(RouteTemplate::fixed("/api/auth/*"), |endpoint| {
            RouteTemplate::under(BASE_PATH, endpoint.path)
        })
}

/// The route of a path no mount claims: `/` (the original's `OK`), else `unmatched`.
pub fn outside_the_mounts(request: &Request) -> RouteTemplate {
    if request.path == "/" {
        RouteTemplate::fixed("/")
    } else {
        RouteTemplate::UNMATCHED
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
    fn route_templates_never_hold_the_path() {
        let at = |method: &str, path: &str| route(&Request::new(method, path)).to_string();
        assert_eq!(
            at("POST", "/api/auth/sign-in/email?x=secret"),
            "/api/auth/sign-in/email"
        );
        assert_eq!(at("GET", "/api/auth/get-session"), "/api/auth/get-session");
        assert_eq!(at("PUT", "/api/auth/get-session"), "/api/auth/get-session");
        assert_eq!(
            at("GET", "/api/auth/reset-password/live-token-value"),
            "/api/auth/reset-password/:token"
        );
        assert_eq!(at("GET", "/api/auth/nope-secret"), "/api/auth/*");
        assert_eq!(at("GET", "/api/auth"), "unmatched");
        assert_eq!(at("GET", "/"), "/");
        assert_eq!(at("GET", "/elsewhere"), "unmatched");
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

#[cfg(test)]
mod client_ip_tests {
    use std::num::NonZeroUsize;

    use super::*;
    use crate::testing::{FakeSessions, FakeUsers, context};
    use spinstack_config::ClientIpSource;
    use spinstack_rate_limit::MemoryStore;

    fn sign_in(forwarded_for: &str, peer: &str) -> Request {
        Request::new("POST", "/api/auth/sign-in/email")
            .with_header("content-type", "application/json")
            .with_header("x-forwarded-for", forwarded_for)
            .with_header("spin-client-addr", peer)
            .with_body(r#"{"email":"a@example.com","password":"password123"}"#)
    }

    #[test]
    fn without_a_proxy_forwarded_for_picks_no_fresh_bucket() {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        let store = MemoryStore::new();
        let mut ctx = context(&sessions, &users);
        ctx.rate_limit = Some(&store);
        for n in 1..=3 {
            let request = sign_in(&format!("198.51.100.{n}"), "192.0.2.7:40000");
            assert_eq!(handle(&request, &ctx).status, 401);
        }
        let refused = handle(&sign_in("198.51.100.4", "192.0.2.7:40001"), &ctx);
        assert_eq!(refused.status, 429);
        assert!(store.entry("192.0.2.7|/sign-in/email").is_some());
        // Another peer has its own bucket.
        let other = handle(&sign_in("198.51.100.4", "192.0.2.8:40000"), &ctx);
        assert_eq!(other.status, 401);
    }

    #[test]
    fn behind_a_declared_proxy_each_right_most_entry_is_a_client() {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        let store = MemoryStore::new();
        let mut ctx = context(&sessions, &users);
        ctx.rate_limit = Some(&store);
        ctx.client_ip = ClientIpSource::ProxyHeader {
            name: "x-forwarded-for".to_owned(),
            hops: NonZeroUsize::MIN,
        };
        for n in 1..=4 {
            let request = sign_in(&format!("10.9.9.9, 198.51.100.{n}"), "10.0.0.2:1");
            assert_eq!(handle(&request, &ctx).status, 401, "client {n}");
        }
        // The spoofable left part does not make a new client.
        for n in 1..=2 {
            let request = sign_in(&format!("10.9.9.{n}, 198.51.100.1"), "10.0.0.2:1");
            assert_eq!(handle(&request, &ctx).status, 401);
        }
        let refused = handle(&sign_in("10.9.9.3, 198.51.100.1", "10.0.0.2:1"), &ctx);
        assert_eq!(refused.status, 429);
    }

    #[test]
    fn new_sessions_record_the_same_ip() {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        let ctx = context(&sessions, &users);
        let request = Request::new("POST", "/api/auth/sign-up/email")
            .with_header("content-type", "application/json")
            .with_header("origin", "http://localhost:3001")
            .with_header("x-forwarded-for", "198.51.100.9")
            .with_header("spin-client-addr", "[2001:db8::5]:443")
            .with_body(r#"{"email":"new@example.com","password":"password1234","name":"New"}"#);
        assert_eq!(handle(&request, &ctx).status, 200);
        let created = sessions.created.borrow();
        assert_eq!(
            created[0].0.ip_address.as_deref(),
            Some("2001:0db8:0000:0000:0000:0000:0000:0000")
        );
    }
}
