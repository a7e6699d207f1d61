//! The `/api-reference` mount's procedure calls (spec §4.1–§4.4): `POST
//! /api-reference/<path>` with the input as the plain body, answered with plain JSON;
//! any other method or path is the plain `404 Not Found`. (The OpenAPI document and
//! the reference page are served by the same mount; see the openapi component.)

use spinstack_http::request_log::RouteTemplate;
use spinstack_http::{Request, Response};
use spinstack_orpc::{openapi, rpc};

use crate::call::call;
use crate::context::{Context, Services};
use crate::router::Router;
use crate::rpc::with_cookies;

/// Answers a procedure call routed to the `openapi` component (CORS is the caller's
/// job); `None` when no procedure claims the request.
pub fn handle(request: &Request, router: &Router, services: Services<'_>) -> Option<Response> {
    let path = rpc::mount_path(openapi::PREFIX, &request.path)?;
    let procedure = router
        .find_http(&path)
        .filter(|_| request.method == openapi::METHOD)?;
    let input = match openapi::decode_input(request) {
        Ok(input) => input,
        Err(error) => return Some(openapi::failure(&error)),
    };
    let ctx = Context::new(services, request.cookie_header());
    let response = match call(procedure, &ctx, &input) {
        Ok(output) => openapi::success(&output),
        Err(error) => openapi::failure(&error),
    };
    Some(with_cookies(response, ctx.take_set_cookies()))
}

/// The route of a procedure call under `/api-reference` for the request log
/// (`/api-reference/todo/toggle`, whatever the method), `None` when no procedure has
/// the path (the document, the page or a miss: the component names those). Never the
/// path as sent.
pub fn route(request: &Request, router: &Router) -> Option<RouteTemplate> {
    let path = rpc::mount_path(openapi::PREFIX, &request.path)?;
    let procedure = router.find_http(&path)?;
    Some(RouteTemplate::procedure(openapi::PREFIX, procedure.path()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedures::router;
    use crate::testing::{FixedSessions, MemoryTodos};

    #[test]
    fn route_templates_never_hold_the_path() {
        let at = |method: &str, path: &str| {
            route(&Request::new(method, path), router()).map(|route| route.to_string())
        };
        assert_eq!(
            at("POST", "/api-reference/todo/delete"),
            Some("/api-reference/todo/delete".to_owned())
        );
        assert_eq!(
            at("GET", "/api-reference/healthCheck?x=1"),
            Some("/api-reference/healthCheck".to_owned())
        );
        assert_eq!(at("POST", "/api-reference/todo/12345"), None);
        assert_eq!(at("GET", "/api-reference"), None);
    }

    #[test]
    fn calls_and_misses() {
        let sessions = FixedSessions::signed_in("better-auth.session_token=valid");
        let todos = MemoryTodos::default();
        let services = Services {
            sessions: &sessions,
            todos: &todos,
        };
        let call = |method: &str, path: &str, body: &str| {
            let request = Request::new(method, path).with_body(body);
            handle(&request, router(), services)
                .map(|r| (r.status, String::from_utf8_lossy(&r.body).into_owned()))
        };
        assert_eq!(
            call("POST", "/api-reference/healthCheck", ""),
            Some((200, r#""OK""#.into()))
        );
        assert_eq!(call("GET", "/api-reference/healthCheck", ""), None);
        assert_eq!(call("POST", "/api-reference/nope", ""), None);
        assert_eq!(call("GET", "/api-reference", ""), None);
        assert_eq!(
            call("POST", "/api-reference/todo/create", r#"{"text":"x"}"#),
            Some((
                200,
                r#"{"command":"INSERT","rowCount":1,"oid":0,"rows":[],"fields":[]}"#.into()
            ))
        );
        // PostgreSQL's text cannot hold NUL: the caller's 400, not a 500.
        assert_eq!(
            call("POST", "/api-reference/todo/create", r#"{"text":"a\u0000b"}"#),
            Some((
                400,
                r#"{"defined":false,"code":"BAD_REQUEST","status":400,"message":"text cannot contain NUL characters (\\u0000)"}"#.into()
            ))
        );
        assert_eq!(
            call("POST", "/api-reference/todo/getAll", ""),
            Some((200, r#"[{"id":1,"text":"x","completed":false}]"#.into()))
        );
        assert_eq!(
            call("POST", "/api-reference/privateData", ""),
            Some((
                401,
                r#"{"defined":false,"code":"UNAUTHORIZED","status":401,"message":"Unauthorized"}"#
                    .into()
            ))
        );
    }
}
