//! The `health` HTTP component: `GET /api/health` for readiness probes (SpinKube,
//! load balancers). `200 {"status":"ok"}` when every variable the app reads is valid and
//! the database answers one cheap query; otherwise `503` naming the check that failed —
//! `{"status":"unavailable","failed":"configuration"}` or `…"failed":"database"}` — with
//! the reason (which names a variable, never a value) in the log only. `GET /` stays the
//! original server's `OK` (the `rpc` component); this route is new.
//!
//! The variables of the HTTP components are checked here through
//! `spinstack_config`; the secrets, the base URL and the cookie cache by the composed
//! `session` library, which holds the secret and runs the query
//! ([`ImportedSessions::check`]).

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_config::Config;
use spinstack_glue::{ImportedSessions, NotReady, request_head, send_logged, variable};
use spinstack_http::Response;
use spinstack_http::request_log::{Failure, RequestLine, RouteTemplate};

/// The check that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failed {
    Configuration,
    Database,
}

impl Failed {
    fn name(self) -> &'static str {
        match self {
            Self::Configuration => "configuration",
            Self::Database => "database",
        }
    }
}

/// Every variable the HTTP components read themselves.
fn check_variables() -> Result<(), String> {
    let config = Config::new(&variable);
    config.database().map_err(|e| e.to_string())?;
    config.node_env().map_err(|e| e.to_string())?;
    config
        .secret_present_in_production()
        .map_err(|e| e.to_string())?;
    config.cors_origins().map_err(|e| e.to_string())?;
    config.client_ip_source().map_err(|e| e.to_string())?;
    Ok(())
}

/// The first check that fails, and why (for the log).
fn readiness() -> Result<(), (Failed, String)> {
    check_variables().map_err(|reason| (Failed::Configuration, reason))?;
    ImportedSessions::check().map_err(|not_ready| match not_ready {
        NotReady::Configuration(reason) => (Failed::Configuration, reason),
        NotReady::Database(reason) => (Failed::Database, reason),
    })
}

fn json(status: u16, body: &serde_json::Value) -> Response {
    Response::json(status, body).with_header("cache-control", "no-store")
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    let started = std::time::Instant::now();
    let request = request_head(&incoming);
    let mut noted = None;
    let response = if request.method != "GET" && request.method != "HEAD" {
        json(405, &serde_json::json!({ "status": "method not allowed" }))
            .with_header("allow", "GET, HEAD")
    } else {
        match readiness() {
            Ok(()) => json(200, &serde_json::json!({ "status": "ok" })),
            Err((failed, reason)) => {
                eprintln!("health: {} check failed: {reason}", failed.name());
                let otherwise = match failed {
                    Failed::Configuration => Failure::Configuration(None),
                    Failed::Database => Failure::Database,
                };
                noted = Some(Failure::classify(&reason, otherwise));
                json(
                    503,
                    &serde_json::json!({ "status": "unavailable", "failed": failed.name() }),
                )
            }
        }
    };
    // The request's JSON line (docs/logs.md), as every HTTP component writes one.
    let line = RequestLine::new(
        "health",
        &request.method,
        RouteTemplate::fixed("/api/health"),
        &response,
        noted,
    );
    send_logged(out, response, line, started).await;
}
