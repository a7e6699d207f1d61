//! The `auth` HTTP component: Better Auth's API under `/api/auth` (logic in
//! `spinstack_auth`), with sessions resolved through the imported
//! `spinstack:session/sessions` interface and the template's CORS.

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_http::Response;

fn protocol_error(status: u16, message: &str) -> Response {
    let code = if status == 400 {
        "BAD_REQUEST"
    } else {
        "INTERNAL_SERVER_ERROR"
    };
    spinstack_auth::error::api_error(status, code, message)
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    spinstack_glue::serve_with_cors(incoming, out, "auth", protocol_error, |request| {
        spinstack_auth::handle(request, &spinstack_glue::ImportedSessions)
    })
    .await;
}
