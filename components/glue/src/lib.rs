//! The one piece of Spin SDK code the HTTP components share. It converts a
//! `wasi:http` incoming request into a [`spinstack_http::Request`] and a
//! [`spinstack_http::Response`] back into an outgoing response, keeping header order
//! and repeated headers (several `Set-Cookie` lines), which the SDK's map-based
//! `Request`/`Response` types would lose; it reads Spin variables for
//! `spinstack_config`, and opens the request's database ([`db`]). With the `session-import` feature it also provides the
//! consumers' [`SessionResolver`](spinstack_sessions::SessionResolver) over the
//! imported `spinstack:session/sessions` interface.

pub mod db;
#[cfg(feature = "session-import")]
mod session_bindings;
#[cfg(feature = "session-import")]
mod sessions;
#[cfg(feature = "todo-store")]
pub mod todo_store;
#[cfg(feature = "session-import")]
pub use sessions::ImportedSessions;

use spin_sdk::http::{Fields, IncomingRequest, Method, OutgoingResponse, ResponseOutparam};
use spin_sdk::variables;
use spinstack_http::{Request, Response};

/// Reads the whole incoming request.
///
/// # Errors
/// When the request body stream fails (the client went away).
pub async fn read_request(incoming: IncomingRequest) -> Result<Request, String> {
    let method = method_name(&incoming.method());
    let path_and_query = incoming.path_with_query().unwrap_or_else(|| "/".to_owned());
    let mut request = Request::new(&method, &path_and_query);
    request.headers = incoming
        .headers()
        .entries()
        .into_iter()
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                String::from_utf8_lossy(&value).into_owned(),
            )
        })
        .collect();
    request.body = incoming
        .into_body()
        .await
        .map_err(|e| format!("reading the request body failed: {}", e.to_debug_string()))?;
    Ok(request)
}

fn method_name(method: &Method) -> String {
    method.to_string()
}

/// Sends `response` through the outparam.
pub async fn send_response(out: ResponseOutparam, response: Response) {
    let headers: Vec<(String, Vec<u8>)> = response
        .headers
        .into_iter()
        .map(|(name, value)| (name, value.into_bytes()))
        .collect();
    let fields = match Fields::from_list(&headers) {
        Ok(fields) => fields,
        Err(e) => {
            eprintln!("spinstack: invalid response header: {e:?}");
            return send_plain_500(out).await;
        }
    };
    let outgoing = OutgoingResponse::new(fields);
    if outgoing.set_status_code(response.status).is_err() {
        eprintln!("spinstack: invalid response status {}", response.status);
        return send_plain_500(out).await;
    }
    if let Err(e) = out.set_with_body(outgoing, response.body).await {
        eprintln!("spinstack: writing the response body failed: {e:?}");
    }
}

async fn send_plain_500(out: ResponseOutparam) {
    let outgoing = OutgoingResponse::new(Fields::new());
    // 500 is always a valid status.
    let _ = outgoing.set_status_code(500);
    if let Err(e) = out.set_with_body(outgoing, Vec::new()).await {
        eprintln!("spinstack: writing the response body failed: {e:?}");
    }
}

/// Looks up a Spin variable of the component: `Ok(None)` when it is undefined.
///
/// # Errors
/// When the variables provider fails; the message never contains a value.
pub fn variable(name: &str) -> Result<Option<String>, String> {
    match variables::get(name) {
        Ok(value) => Ok(Some(value)),
        Err(variables::Error::Undefined(_)) => Ok(None),
        Err(variables::Error::InvalidName(_)) => Err("invalid variable name".to_owned()),
        Err(variables::Error::Provider(message) | variables::Error::Other(message)) => Err(message),
    }
}

/// Milliseconds since the Unix epoch, from the host's wall clock.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// The request cycle every HTTP component shares: read the request, load the CORS
/// policy from `cors_origin`, answer preflights, run `handler` for everything else and
/// add the CORS headers. `protocol_error` renders a message as the component's
/// protocol error (for a broken configuration, which is logged, or an unreadable body).
pub async fn serve_with_cors(
    incoming: IncomingRequest,
    out: ResponseOutparam,
    component: &str,
    protocol_error: fn(u16, &str) -> Response,
    handler: impl FnOnce(&Request) -> Response,
) {
    let request = match read_request(incoming).await {
        Ok(request) => request,
        Err(cause) => {
            eprintln!("{component}: {cause}");
            return send_response(out, protocol_error(400, "Unreadable request body")).await;
        }
    };
    let config = spinstack_config::Config::new(&variable);
    // Production without a secret: no route may serve (spec sqlite-and-deploy.md §3.2).
    if let Err(e @ spinstack_config::ConfigError::Missing(_)) = config.better_auth_secret() {
        eprintln!("{component}: {e}");
        return send_response(out, protocol_error(500, &e.to_string())).await;
    }
    let cors = match config.cors_origins() {
        Ok(origins) => spinstack_cors::CorsPolicy::new(origins),
        Err(e) => {
            eprintln!("{component}: {e}");
            return send_response(out, protocol_error(500, &e.to_string())).await;
        }
    };
    let response = if spinstack_cors::CorsPolicy::is_preflight(&request) {
        cors.preflight(&request)
    } else {
        let mut response = handler(&request);
        cors.apply(&request, &mut response);
        response
    };
    send_response(out, response).await;
}
