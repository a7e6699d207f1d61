//! The `openapi` HTTP component: the API router's procedures over plain REST under
//! `/api-reference` (logic in `spinstack_api::rest`), with the template's CORS.
//! Sessions come from the imported `spinstack:session/sessions` interface, the `todo`
//! table from PostgreSQL (`spinstack_glue::todo_store`).

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_api::router;
use spinstack_glue::todo_store::with_api_services;
use spinstack_http::{Request, Response};
use spinstack_orpc::{OrpcError, openapi, rpc};

fn protocol_error(status: u16, message: &str) -> Response {
    let code = if status == 400 {
        "BAD_REQUEST"
    } else {
        "INTERNAL_SERVER_ERROR"
    };
    openapi::failure(&OrpcError::new(code).with_message(message))
}

fn serve(request: &Request) -> Response {
    with_api_services(|services| {
        spinstack_api::rest::handle(request, router(), services).unwrap_or_else(rpc::unmatched)
    })
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    spinstack_glue::serve_with_cors(incoming, out, "openapi", protocol_error, serve).await;
}
