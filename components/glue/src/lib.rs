//! The one piece of Spin SDK code the HTTP components share. It converts a
//! `wasi:http` incoming request into a [`spinstack_http::Request`] (its body read
//! under the 1 MiB limit of [`spinstack_http::body_limit`]) and a
//! [`spinstack_http::Response`] back into an outgoing response, keeping header order
//! and repeated headers (several `Set-Cookie` lines), which the SDK's map-based
//! `Request`/`Response` types would lose; it reads Spin variables for
//! `spinstack_config`, and opens the request's database ([`db`]). With the `session-import` feature it also provides the
//! consumers' [`SessionResolver`](spinstack_sessions::SessionResolver) over the
//! imported `spinstack:session/sessions` interface.

pub mod db;
pub mod noting;
#[cfg(feature = "session-import")]
mod session_bindings;
#[cfg(feature = "session-import")]
mod sessions;
#[cfg(feature = "todo-store")]
pub mod todo_store;
#[cfg(feature = "session-import")]
pub use sessions::{ImportedSessions, NotReady};

use futures_core::Stream;
use spin_sdk::http::{Fields, IncomingRequest, Method, OutgoingResponse, ResponseOutparam};
use spin_sdk::variables;
use spinstack_http::body_limit::{LimitedBody, MAX_BODY_BYTES, TOO_LARGE_MESSAGE};
use spinstack_http::header_limit::{
    HEADERS_TOO_LARGE_MESSAGE, MAX_HEADER_BYTES, headers_too_large,
};
use spinstack_http::request_log::{self, Failure, RequestLine, RouteTemplate};
use spinstack_http::{Request, Response};

/// Why the body of a request was not read.
#[derive(Debug)]
pub enum BodyError {
    /// Over [`MAX_BODY_BYTES`]: declared so, or found so while reading.
    TooLarge,
    /// The body stream failed (the client went away).
    Unreadable(String),
}

/// The request without its body: method, path and query, headers in order.
pub fn request_head(incoming: &IncomingRequest) -> Request {
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
    request
}

/// Reads the body of `incoming` (whose head is `head`) under [`MAX_BODY_BYTES`]: a
/// larger declared `Content-Length` is refused without reading, and a body without
/// one is read a chunk at a time (the SDK reads at most 16 KiB per chunk) and
/// refused as soon as it passes the limit, the rest left unread.
///
/// # Errors
/// [`BodyError::TooLarge`] over the limit; [`BodyError::Unreadable`] when the body
/// stream fails.
pub async fn read_body(incoming: IncomingRequest, head: &Request) -> Result<Vec<u8>, BodyError> {
    let mut body =
        LimitedBody::new(MAX_BODY_BYTES, &head.headers).map_err(|_| BodyError::TooLarge)?;
    let stream = incoming.into_body_stream();
    let mut stream = std::pin::pin!(stream);
    while let Some(chunk) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        let chunk = chunk.map_err(|e| {
            BodyError::Unreadable(format!(
                "reading the request body failed: {}",
                e.to_debug_string()
            ))
        })?;
        body.push(&chunk).map_err(|_| BodyError::TooLarge)?;
    }
    Ok(body.into_bytes())
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

/// The Spin variable a configuration error names, for the request log.
pub fn configuration_failure(error: &spinstack_config::ConfigError) -> Failure {
    use spinstack_config::ConfigError;
    match error {
        ConfigError::Missing(name)
        | ConfigError::Invalid { name, .. }
        | ConfigError::Unavailable { name, .. } => Failure::configuration(name),
    }
}

/// The request cycle every HTTP component shares: read the request's head, refuse to
/// serve production without a secret, load the CORS policy from `cors_origin`, answer
/// preflights, refuse headers over their limit (`431`,
/// [`spinstack_http::header_limit`]), read the body under its limit ([`read_body`]), run
/// `handler` for everything else and add the CORS headers (to the refusals too, so a
/// browser can read them). `protocol_error` renders a message as the component's
/// protocol error (for a broken configuration; headers over the limit: `431`; an
/// unreadable body: `400`, one over the limit: `413`).
///
/// Every request, whatever its answer, ends with one JSON line on stderr
/// ([`spinstack_http::request_log`], `docs/logs.md`): its route as `route` names it
/// (a template, never the path as sent), its status and duration, and for a failure
/// its kind — a configuration error names its variable there, once.
pub async fn serve_with_cors(
    incoming: IncomingRequest,
    out: ResponseOutparam,
    component: &str,
    protocol_error: fn(u16, &str) -> Response,
    route: impl FnOnce(&Request) -> RouteTemplate,
    handler: impl FnOnce(&Request) -> Response,
) {
    let started = std::time::Instant::now();
    // A fresh instance serves each request; start clean all the same.
    let _ = request_log::take_noted();
    let mut request = request_head(&incoming);
    let route = route(&request);
    let response = respond(incoming, &mut request, component, protocol_error, handler).await;
    let line = RequestLine::new(
        component,
        &request.method,
        route,
        &response,
        request_log::take_noted(),
    );
    send_logged(out, response, line, started).await;
}

/// Sends `response`, then writes the request's log `line` with the time since
/// `started` (so the duration includes sending): the end of every HTTP component's
/// request, through [`serve_with_cors`] or not.
pub async fn send_logged(
    out: ResponseOutparam,
    response: Response,
    line: RequestLine,
    started: std::time::Instant,
) {
    send_response(out, response).await;
    line.finished(
        request_log::unix_millis_now(),
        started.elapsed().as_micros(),
    )
    .write();
}

/// The response of [`serve_with_cors`], with the request's body read into `request`.
async fn respond(
    incoming: IncomingRequest,
    request: &mut Request,
    component: &str,
    protocol_error: fn(u16, &str) -> Response,
    handler: impl FnOnce(&Request) -> Response,
) -> Response {
    let config = spinstack_config::Config::new(&variable);
    // Production without a secret: no route may serve (spec sqlite-and-deploy.md §3.2).
    // Only the session component uses the secret; this checks that it is set. The
    // request's log line names the variable.
    if let Err(e @ spinstack_config::ConfigError::Missing(_)) =
        config.secret_present_in_production()
    {
        request_log::note(configuration_failure(&e));
        return protocol_error(500, &e.to_string());
    }
    let cors = match config.cors_origins() {
        Ok(origins) => spinstack_cors::CorsPolicy::new(origins),
        Err(e) => {
            request_log::note(configuration_failure(&e));
            return protocol_error(500, &e.to_string());
        }
    };
    if headers_too_large(&request.headers) {
        // Never a header or the path: they may carry a cookie or a token.
        eprintln!(
            "{component}: {} request refused: headers over {MAX_HEADER_BYTES} bytes",
            request.method
        );
        let mut response = protocol_error(431, HEADERS_TOO_LARGE_MESSAGE);
        cors.apply(request, &mut response);
        return response;
    }
    if spinstack_cors::CorsPolicy::is_preflight(request) {
        return cors.preflight(request);
    }
    let mut response = match read_body(incoming, request).await {
        Ok(body) => {
            request.body = body;
            handler(request)
        }
        Err(BodyError::TooLarge) => {
            // Never the path: it may carry a token.
            eprintln!(
                "{component}: {} request refused: body over {MAX_BODY_BYTES} bytes",
                request.method
            );
            protocol_error(413, TOO_LARGE_MESSAGE)
        }
        Err(BodyError::Unreadable(cause)) => {
            eprintln!("{component}: {cause}");
            protocol_error(400, "Unreadable request body")
        }
    };
    cors.apply(request, &mut response);
    response
}
