//! The `rpc` HTTP component: oRPC's RPC protocol under `/rpc` over the API router
//! (logic in `spinstack_api::rpc`), plus the original server's answers outside its
//! mounts (`GET /` → `OK`, everything else → `404 NOT_FOUND`), all with the template's
//! CORS. Sessions come from the imported `spinstack:session/sessions` interface, the
//! `todo` table from PostgreSQL (`spinstack_glue::todo_store`).

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_api::router;
use spinstack_glue::noting::with_noting;
use spinstack_glue::todo_store::with_api_services;
use spinstack_http::request_log::RouteTemplate;
use spinstack_http::{Request, Response};
use spinstack_orpc::{OrpcError, rpc};

fn protocol_error(status: u16, message: &str) -> Response {
    rpc::failure(&OrpcError::for_status(status, message))
}

fn serve(request: &Request) -> Response {
    with_api_services(|services| {
        with_noting(services, |services| {
            spinstack_api::rpc::handle(request, router(), services)
        })
    })
}

/// The request's route for its log line.
fn route(request: &Request) -> RouteTemplate {
    spinstack_api::rpc::route(request, router())
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    spinstack_glue::serve_with_cors(incoming, out, "rpc", protocol_error, route, serve).await;
}
