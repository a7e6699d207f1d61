//! The `openapi` HTTP component: the API's procedures over plain REST under
//! `/api-reference` (logic in `spinstack_api::rest`), with the template's CORS.

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_http::Response;
use spinstack_orpc::OrpcError;

fn protocol_error(status: u16, message: &str) -> Response {
    let code = if status == 400 {
        "BAD_REQUEST"
    } else {
        "INTERNAL_SERVER_ERROR"
    };
    let error = OrpcError::new(code).with_message(message);
    Response::json(error.status, &error)
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    spinstack_glue::serve_with_cors(
        incoming,
        out,
        "openapi",
        protocol_error,
        spinstack_api::rest::handle,
    )
    .await;
}
