//! The `rpc-health` HTTP component: `/rpc/healthCheck` (the web's "Connected" badge,
//! polled by every open tab), served by exactly the code the `rpc` component runs for
//! that path — `spinstack_glue::serve_with_cors` around `spinstack_api::rpc::handle`
//! with the same router — so every answer is byte-identical, errors included (`405` for
//! `GET`, `400` for a malformed body, `413`/`431`, CORS, preflights, production without
//! a secret).
//!
//! Why a component of its own: Spin composes a component's dependencies into it at load
//! time, so every request to `rpc` instantiates the `session` library too — its memory,
//! its data, its reset when the request ends — although `healthCheck` never asks for a
//! session. This component imports no session interface and opens no database, so a
//! health check costs one small instance (bench/results/ceilings.md). `spin.toml` routes
//! the exact path `/rpc/healthCheck` here; Spin prefers an exact route to the `/rpc/...`
//! wildcard, and every other path under `/rpc` stays with `rpc`.

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_api::store::{StoreError, Todo, TodoStore};
use spinstack_api::{Services, router};
use spinstack_http::{Request, Response};
use spinstack_orpc::{OrpcError, rpc};
use spinstack_sessions::consumer::{Lookup, ResolvedSession, SessionError, SessionResolver};

/// What a procedure other than `healthCheck` would get here: never reached, since the
/// route sends only `/rpc/healthCheck` to this component; a 500 if it ever were.
const NOT_HERE: &str = "rpc-health serves healthCheck only: no sessions or database here";

/// The services of a component that serves only `healthCheck`, which uses none.
struct NoServices;

impl SessionResolver for NoServices {
    fn resolve(&self, _: Option<&str>, _: Lookup) -> Result<ResolvedSession, SessionError> {
        Err(NOT_HERE.to_owned())
    }
}

impl TodoStore for NoServices {
    fn all(&self) -> Result<Vec<Todo>, StoreError> {
        Err(StoreError::failed(NOT_HERE))
    }
    fn insert(&self, _: &str) -> Result<u64, StoreError> {
        Err(StoreError::failed(NOT_HERE))
    }
    fn set_completed(&self, _: i32, _: bool) -> Result<u64, StoreError> {
        Err(StoreError::failed(NOT_HERE))
    }
    fn delete(&self, _: i32) -> Result<u64, StoreError> {
        Err(StoreError::failed(NOT_HERE))
    }
}

fn protocol_error(status: u16, message: &str) -> Response {
    rpc::failure(&OrpcError::for_status(status, message))
}

fn serve(request: &Request) -> Response {
    let services = Services {
        sessions: &NoServices,
        todos: &NoServices,
    };
    spinstack_api::rpc::handle(request, router(), services)
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    spinstack_glue::serve_with_cors(
        incoming,
        out,
        "rpc",
        protocol_error,
        |r| spinstack_api::rpc::route(r, router()),
        serve,
    )
    .await;
}

#[cfg(test)]
mod tests {
    use spinstack_api::testing::{FixedSessions, MemoryTodos};

    use super::*;

    const COOKIE: &str = "better-auth.session_token=valid";

    /// What `rpc` answers: the same handler with working services.
    fn as_rpc(request: &Request, sessions: &FixedSessions) -> Response {
        let todos = MemoryTodos::default();
        let services = Services {
            sessions,
            todos: &todos,
        };
        spinstack_api::rpc::handle(request, router(), services)
    }

    #[test]
    fn answers_every_health_check_as_rpc_does_without_a_session() {
        let requests = [
            Request::new("POST", "/rpc/healthCheck").with_body("{}"),
            Request::new("POST", "/rpc/healthCheck"),
            Request::new("POST", "/rpc/healthCheck")
                .with_header("cookie", COOKIE)
                .with_body("{}"),
            Request::new("POST", "/rpc/healthCheck").with_body(r#"{"json":{"x":1}}"#),
            Request::new("POST", "/rpc/healthCheck").with_body("{not json"),
            Request::new("POST", "/rpc/healthCheck?x=1").with_body(r#"{"json":null}"#),
            Request::new("GET", "/rpc/healthCheck"),
            Request::new("GET", "/rpc/healthCheck?data=%7B%7D"),
            Request::new("PUT", "/rpc/healthCheck").with_body("{}"),
        ];
        for request in requests {
            let sessions = FixedSessions::signed_in(COOKIE);
            let expected = as_rpc(&request, &sessions);
            let served = serve(&request);
            assert_eq!(
                (served.status, &served.headers, &served.body),
                (expected.status, &expected.headers, &expected.body),
                "{} {}",
                request.method,
                request.path
            );
            assert_eq!(*sessions.calls.borrow(), 0, "{}", request.path);
        }
    }
}
