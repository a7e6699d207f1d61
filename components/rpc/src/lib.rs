//! The `rpc` HTTP component: oRPC's RPC protocol under `/rpc` (logic in
//! `spinstack_api::rpc`), plus the original server's answers outside its mounts
//! (`GET /` → `OK`, everything else → `404 NOT_FOUND`), all with the template's CORS.

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_http::Response;
use spinstack_orpc::{OrpcError, rpc};

fn protocol_error(status: u16, message: &str) -> Response {
    let code = if status == 400 {
        "BAD_REQUEST"
    } else {
        "INTERNAL_SERVER_ERROR"
    };
    rpc::failure(&OrpcError::new(code).with_message(message))
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    spinstack_glue::serve_with_cors(
        incoming,
        out,
        "rpc",
        protocol_error,
        spinstack_api::rpc::handle,
    )
    .await;
}
