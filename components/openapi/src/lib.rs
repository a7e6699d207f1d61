//! The `openapi` HTTP component under `/api-reference`: the API router's procedures
//! over plain REST (logic in `spinstack_api::rest`), the OpenAPI document at
//! `spec.json` and the Scalar reference page (`spinstack_openapi_doc`), with the
//! template's CORS. Sessions come from the imported `spinstack:session/sessions`
//! interface, the `todo` table from PostgreSQL (`spinstack_glue::todo_store`).

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_api::router;
use spinstack_config::Config;
use spinstack_cookies::CookieNames;
use spinstack_glue::noting::with_noting;
use spinstack_glue::todo_store::with_api_services;
use spinstack_http::request_log::RouteTemplate;
use spinstack_http::{Request, Response};
use spinstack_orpc::{OrpcError, openapi, rpc};

fn protocol_error(status: u16, message: &str) -> Response {
    openapi::failure(&OrpcError::for_status(status, message))
}

/// The session cookie's name in this configuration (`__Secure-` prefixed behind an
/// `https` `better_auth_url`), for the document's security scheme.
fn session_cookie_name() -> String {
    let config = Config::new(&spinstack_glue::variable);
    let base_url = config.better_auth_url().ok();
    let production = config
        .node_env()
        .is_ok_and(|env| env == spinstack_config::NodeEnv::Production);
    CookieNames::for_base_url(base_url.as_deref(), production).session_token
}

fn serve(request: &Request) -> Response {
    if let Some(docs) = spinstack_openapi_doc::handle(request, router(), session_cookie_name) {
        return docs;
    }
    with_api_services(|services| {
        with_noting(services, |services| {
            spinstack_api::rest::handle(request, router(), services).unwrap_or_else(rpc::unmatched)
        })
    })
}

/// The request's route for its log line: a procedure's, the reference page's
/// (`/api-reference`), the document's (`/api-reference/spec.json`), else
/// `/api-reference/*` (or `unmatched` outside the mount).
fn route(request: &Request) -> RouteTemplate {
    if let Some(route) = spinstack_api::rest::route(request, router()) {
        return route;
    }
    match rpc::mount_path(openapi::PREFIX, &request.path).as_deref() {
        Some("/") => RouteTemplate::fixed(openapi::PREFIX),
        Some("/spec.json") => RouteTemplate::under(openapi::PREFIX, "/spec.json"),
        Some(_) => RouteTemplate::fixed("/api-reference/*"),
        None => RouteTemplate::UNMATCHED,
    }
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    spinstack_glue::serve_with_cors(incoming, out, "openapi", protocol_error, route, serve).await;
}
