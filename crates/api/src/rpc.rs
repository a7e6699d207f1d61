//! The `/rpc` mount (spec §1.2, §3): find the procedure, decode the input (a `400
//! Malformed request` comes first), refuse `GET` (`405`, oRPC's StrictGetMethodPlugin:
//! no procedure here is a GET route), call it, answer with the RPC envelope, and send
//! any `Set-Cookie` of a session refresh. Paths outside the mounts get the original
//! server's own answers (`GET /` → `OK`, else `404 NOT_FOUND`).

use spinstack_http::request_log::RouteTemplate;
use spinstack_http::{Request, Response, fallback};
use spinstack_orpc::{OrpcError, openapi, rpc};

use crate::call::call;
use crate::context::{Context, Services};
use crate::router::Router;

/// Answers a request routed to the `rpc` component (CORS is the caller's job).
pub fn handle(request: &Request, router: &Router, services: Services<'_>) -> Response {
    let Some(path) = rpc::mount_path(rpc::PREFIX, &request.path) else {
        // Elysia's `/rpc*` and `/api-reference*` routes also take `/rpcx…` and
        // `/api-referencex…`, which their handlers then leave unmatched.
        return if request.path.starts_with(rpc::PREFIX) || request.path.starts_with(openapi::PREFIX)
        {
            rpc::unmatched()
        } else {
            fallback::respond(request)
        };
    };
    let Some(procedure) = router.find_http(&path) else {
        return rpc::unmatched();
    };
    let input = match rpc::decode_input(request) {
        Ok(input) => input,
        Err(error) => return rpc::failure(&error),
    };
    if request.method == "GET" {
        return rpc::failure(&OrpcError::new("METHOD_NOT_SUPPORTED"));
    }
    let ctx = Context::new(services, request.cookie_header());
    let response = match call(procedure, &ctx, &input) {
        Ok(output) => rpc::success(&output),
        Err(error) => rpc::failure(&error),
    };
    with_cookies(response, ctx.take_set_cookies())
}

/// The route of a request to the `rpc` component for the request log: the procedure's
/// template (`/rpc/todo/toggle`), `/rpc/*` for another path under the mount, `/` for
/// the root and `unmatched` for the rest. Never the path as sent.
pub fn route(request: &Request, router: &Router) -> RouteTemplate {
    match rpc::mount_path(rpc::PREFIX, &request.path) {
        Some(path) => router
            .find_http(&path)
            .map_or(RouteTemplate::fixed("/rpc/*"), |procedure| {
                RouteTemplate::procedure(rpc::PREFIX, procedure.path())
            }),
        None if request.path == "/" => RouteTemplate::fixed("/"),
        None => RouteTemplate::UNMATCHED,
    }
}

/// Appends `Set-Cookie` lines.
pub(crate) fn with_cookies(response: Response, cookies: Vec<String>) -> Response {
    cookies.iter().fold(response, |response, cookie| {
        response.with_header("set-cookie", cookie)
    })
}

#[cfg(test)]
mod tests {
    use spinstack_sessions::Outcome;

    use super::*;
    use crate::procedures::router;
    use crate::testing::{FixedSessions, MemoryTodos};

    const COOKIE: &str = "better-auth.session_token=valid";

    fn call(
        sessions: &FixedSessions,
        todos: &MemoryTodos,
        request: Request,
    ) -> (u16, String, Vec<String>) {
        let services = Services { sessions, todos };
        let response = handle(&request, router(), services);
        let cookies = response
            .headers
            .iter()
            .filter(|(name, _)| name == "set-cookie")
            .map(|(_, value)| value.clone())
            .collect();
        (
            response.status,
            String::from_utf8_lossy(&response.body).into_owned(),
            cookies,
        )
    }

    fn post(path: &str, body: &str) -> Request {
        Request::new("POST", path)
            .with_header("content-type", "application/json")
            .with_body(body)
    }

    #[test]
    fn public_procedures_never_resolve_the_session() {
        let (sessions, todos) = (FixedSessions::signed_in(COOKIE), MemoryTodos::default());
        let request = post("/rpc/healthCheck", "{}").with_header("cookie", COOKIE);
        assert_eq!(call(&sessions, &todos, request).1, r#"{"json":"OK"}"#);
        let request = post("/rpc/todo/getAll", "{}").with_header("cookie", COOKIE);
        assert_eq!(call(&sessions, &todos, request).1, r#"{"json":[]}"#);
        assert_eq!(*sessions.calls.borrow(), 0);
        // privateData asks once.
        let request = post("/rpc/privateData", "{}").with_header("cookie", COOKIE);
        assert_eq!(call(&sessions, &todos, request).0, 200);
        assert_eq!(*sessions.calls.borrow(), 1);
    }

    #[test]
    fn a_refreshed_session_cookie_is_forwarded() {
        let mut sessions = FixedSessions::signed_in(COOKIE);
        let refreshed =
            format!("{COOKIE}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=None");
        sessions.set_cookies = vec![refreshed.clone()];
        let todos = MemoryTodos::default();
        let request = post("/rpc/privateData", "{}").with_header("cookie", COOKIE);
        let (status, _, cookies) = call(&sessions, &todos, request);
        assert_eq!((status, cookies), (200, vec![refreshed]));
        // An expired session: the clearing cookies go out with the 401.
        sessions.outcome = Outcome::Anonymous;
        sessions.set_cookies = vec!["better-auth.session_token=; Max-Age=0".to_owned()];
        let request = post("/rpc/privateData", "{}").with_header("cookie", COOKIE);
        let (status, _, cookies) = call(&sessions, &todos, request);
        assert_eq!((status, cookies.len()), (401, 1));
    }

    #[test]
    fn failures_are_internal_server_errors() {
        let mut sessions = FixedSessions::signed_in(COOKIE);
        sessions.failure = Some("database: connection refused".to_owned());
        let todos = MemoryTodos::failing("relation \"todo\" does not exist");
        let internal = r#"{"json":{"defined":false,"code":"INTERNAL_SERVER_ERROR","status":500,"message":"Internal server error"}}"#;
        let request = post("/rpc/privateData", "{}").with_header("cookie", COOKIE);
        assert_eq!(
            call(&sessions, &todos, request),
            (500, internal.to_owned(), vec![])
        );
        assert_eq!(
            call(&sessions, &todos, post("/rpc/todo/getAll", "{}")),
            (500, internal.to_owned(), vec![])
        );
        // Validation comes before the handler, so bad input never reaches the store.
        assert_eq!(
            call(
                &sessions,
                &todos,
                post("/rpc/todo/create", r#"{"json":{}}"#)
            )
            .0,
            400
        );
    }

    #[test]
    fn route_templates_never_hold_the_path() {
        let at = |path: &str| route(&Request::new("POST", path), router()).to_string();
        assert_eq!(at("/rpc/todo/toggle"), "/rpc/todo/toggle");
        assert_eq!(at("/rpc/todo/toggle/?data=x"), "/rpc/todo/toggle");
        assert_eq!(at("/rpc/privateData"), "/rpc/privateData");
        assert_eq!(at("/rpc/todo/12345"), "/rpc/*");
        assert_eq!(at("/rpc"), "/rpc/*");
        assert_eq!(at("/rpcx/12345"), "unmatched");
        assert_eq!(at("/"), "/");
        assert_eq!(at("/some/12345"), "unmatched");
    }

    #[test]
    fn site_routes() {
        let (sessions, todos) = (FixedSessions::signed_in(COOKIE), MemoryTodos::default());
        let at = |method: &str, path: &str| {
            let (status, body, _) = call(&sessions, &todos, Request::new(method, path));
            (status, body)
        };
        assert_eq!(at("GET", "/"), (200, "OK".into()));
        assert_eq!(at("GET", "/nope"), (404, "NOT_FOUND".into()));
        assert_eq!(at("POST", "/"), (404, "NOT_FOUND".into()));
        assert_eq!(at("GET", "/rpcx/healthCheck"), (404, "Not Found".into()));
        assert_eq!(at("GET", "/api-referencex"), (404, "Not Found".into()));
    }
}
