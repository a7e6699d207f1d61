//! Serving HTTP: one fresh component instance per request, as Spin's HTTP trigger does
//! for `wasi:http/incoming-handler@0.2` (`crates/trigger-http/src/{server,wasi,headers}.rs`).
//!
//! - `/.well-known/spin/health` answers `OK`; other paths under `/.well-known/spin/` are
//!   the runtime's (`info` answers the app name as JSON, `pg-stats` the PostgreSQL and
//!   SQLite call counts when `SPIN_TEST_RUNTIME_PG_STATS=1`, anything else 404);
//! - a path no route matches gets Spin's generic 404: status 404, empty body;
//! - a matched request gets the absolute URI (`http://<Host header>/…`) and the `spin-*`
//!   headers appended to its own headers, then runs in a new instance;
//! - a guest that traps, or never sets the response, gives a 500 with an empty body and
//!   the error on stderr.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use wasmtime::Store;
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use crate::app::{App, ComponentRuntime};
use crate::routes::{RouteMatch, Target};
use crate::state::InstanceState;

const WELL_KNOWN_PREFIX: &str = "/.well-known/spin/";

/// The lines `spin up` prints once it listens: `Serving http://…` then the routes.
pub fn startup_message(app: &App, addr: SocketAddr) -> String {
    let base = format!("http://{addr}");
    let mut out = format!("Serving {base}\nAvailable Routes:\n");
    for (target, route) in app.router.describe() {
        out.push_str(&format!("  {target}: {base}{route}\n"));
    }
    out
}

/// Accepts connections until the task is dropped.
///
/// # Errors
///
/// The listener's accept error.
pub async fn serve(app: Arc<App>, listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, client_addr) = listener.accept().await?;
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(handle(&app, req, client_addr).await) }
            });
            if let Err(e) = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                eprintln!("spin-test-runtime: error serving HTTP connection: {e:?}");
            }
        });
    }
}

fn full(status: StatusCode, body: impl Into<Bytes>) -> Response<HyperOutgoingBody> {
    let mut response = Response::new(
        Full::new(body.into())
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *response.status_mut() = status;
    response
}

fn empty(status: StatusCode) -> Response<HyperOutgoingBody> {
    let mut response = Response::new(Empty::new().map_err(|never| match never {}).boxed_unsync());
    *response.status_mut() = status;
    response
}

/// Handles one request; never fails (errors become 500s and are logged).
pub async fn handle(
    app: &App,
    req: Request<Incoming>,
    client_addr: SocketAddr,
) -> Response<HyperOutgoingBody> {
    let path = req.uri().path().to_owned();
    if let Some(well_known) = path.strip_prefix(WELL_KNOWN_PREFIX) {
        return match well_known {
            "health" => full(StatusCode::OK, "OK"),
            "info" => {
                let mut r = full(StatusCode::OK, format!("{{\"name\":{:?}}}", app.name));
                r.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                r
            }
            "pg-stats" if app.serve_pg_stats => {
                let mut r = full(StatusCode::OK, app.pools.stats.json());
                r.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                r
            }
            _ => empty(StatusCode::NOT_FOUND),
        };
    }
    let Some(route) = app.router.route(&path) else {
        return empty(StatusCode::NOT_FOUND);
    };
    match &route.target {
        Target::StaticResponse(index) => static_response(app, *index),
        Target::Component(id) => {
            app.pools.stats.record(crate::pg::stats::Call::Request);
            let Some(component) = app.components.get(id) else {
                eprintln!("spin-test-runtime: unknown routing destination {id:?}");
                return empty(StatusCode::INTERNAL_SERVER_ERROR);
            };
            match run(app, component, &route, req, client_addr).await {
                Ok(response) => response,
                Err(e) => {
                    eprintln!(
                        "spin-test-runtime: error processing request {path} in component {id:?}: {e:?}"
                    );
                    empty(StatusCode::INTERNAL_SERVER_ERROR)
                }
            }
        }
    }
}

fn static_response(app: &App, index: usize) -> Response<HyperOutgoingBody> {
    let Some(sr) = app.static_responses.get(&index) else {
        return empty(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let status = StatusCode::from_u16(sr.status_code.unwrap_or(200))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match &sr.body {
        Some(body) => full(status, body.clone()),
        None => empty(status),
    };
    for (name, value) in &sr.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(n, v);
        }
    }
    response
}

/// Rewrites the request as Spin's trigger does: absolute URI from the `Host` header and
/// the `spin-*` headers appended.
fn prepare_request(
    req: Request<Incoming>,
    route: &RouteMatch,
    client_addr: SocketAddr,
) -> wasmtime::Result<Request<Incoming>> {
    let (mut parts, body) = req.into_parts();
    let host = match parts.headers.get(http::header::HOST) {
        Some(h) => h.to_str()?.to_owned(),
        None => match parts.uri.authority() {
            Some(a) => a.to_string(),
            None => wasmtime::bail!("no 'Host' header present in request"),
        },
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    for value in parts.headers.values() {
        // Spin passes headers to the guest as UTF-8 strings and fails the request otherwise.
        std::str::from_utf8(value.as_bytes())?;
    }
    let display_host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_owned();
    for (name, value) in route.spin_headers(&display_host, &path_and_query, client_addr) {
        parts.headers.append(
            HeaderName::from_bytes(name.as_bytes())?,
            HeaderValue::from_str(&value)?,
        );
    }
    parts.uri = Uri::builder()
        .scheme("http")
        .authority(host)
        .path_and_query(path_and_query)
        .build()?;
    Ok(Request::from_parts(parts, body))
}

async fn run(
    app: &App,
    component: &ComponentRuntime,
    route: &RouteMatch,
    req: Request<Incoming>,
    client_addr: SocketAddr,
) -> wasmtime::Result<Response<HyperOutgoingBody>> {
    let req = prepare_request(req, route, client_addr)?;
    let mut store = Store::new(
        &app.engine,
        InstanceState::new(component.config.clone(), app.pools.clone()),
    );
    let proxy = component.pre.instantiate_async(&mut store).await?;
    let request = store
        .data_mut()
        .http()
        .new_incoming_request(Scheme::Http, req)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let outparam = store.data_mut().http().new_response_outparam(tx)?;

    // The instance lives in this task until the guest returns, which may be after it has
    // started streaming the response body.
    let task = tokio::spawn(async move {
        proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, request, outparam)
            .await
    });
    match rx.await {
        Ok(Ok(response)) => {
            tokio::spawn(async move {
                match task.await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        eprintln!(
                            "spin-test-runtime: component error after response started: {e:?}"
                        );
                    }
                    Err(e) => eprintln!("spin-test-runtime: guest task failed: {e:?}"),
                }
            });
            Ok(response)
        }
        Ok(Err(code)) => wasmtime::bail!("guest failed to produce a response: {code:?}"),
        Err(_) => {
            task.await??;
            wasmtime::bail!("guest failed to produce a response prior to returning")
        }
    }
}
