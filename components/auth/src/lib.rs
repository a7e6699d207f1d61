//! The `auth` HTTP component: Better Auth's API under `/api/auth` (logic in
//! `spinstack_auth`), with sessions through the imported `spinstack:session/sessions`
//! interface; users and accounts, verification rows and, in production, rate-limit
//! buckets through `spinstack-storage` on the request's database (`spinstack_glue::db`:
//! Spin's SQLite or PostgreSQL, as `database_url` says); and the template's CORS. The
//! client IP (rate limiting, `session.ip_address`) comes from the source
//! `trusted_proxy_header`/`trusted_proxy_hops` name: the peer address by default.

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_auth::{AuthContext, auth_base_url};
use spinstack_auth_rules::origin::TrustedOrigins;
use spinstack_config::{ClientIpSource, Config, ConfigError, NodeEnv};
use spinstack_glue::noting::{NotingConnection, NotingSessions};
use spinstack_http::{Request, Response};

/// A failure outside any endpoint as Better Auth's `{"message","code"}` error.
fn protocol_error(status: u16, message: &str) -> Response {
    let code = match status {
        400 => "BAD_REQUEST",
        413 => "PAYLOAD_TOO_LARGE",
        431 => "REQUEST_HEADER_FIELDS_TOO_LARGE",
        _ => "INTERNAL_SERVER_ERROR",
    };
    spinstack_auth::error::api_error(status, code, message)
}

/// What the endpoints need from configuration.
struct Settings {
    trusted: TrustedOrigins,
    base_url: String,
    production: bool,
    client_ip: ClientIpSource,
}

fn settings() -> Result<Settings, ConfigError> {
    let config = Config::new(&spinstack_glue::variable);
    let better_auth_url = config.better_auth_url()?;
    Ok(Settings {
        trusted: TrustedOrigins::new(&better_auth_url, config.cors_origins()?),
        base_url: auth_base_url(&better_auth_url),
        production: config.node_env()? == NodeEnv::Production,
        client_ip: config.client_ip_source()?,
    })
}

fn serve(request: &Request) -> Response {
    let settings = match settings() {
        Ok(settings) => settings,
        Err(e) => {
            // The request's log line names the variable (once).
            spinstack_http::request_log::note(spinstack_glue::configuration_failure(&e));
            return protocol_error(500, &e.to_string());
        }
    };
    let db = spinstack_glue::db::Db::from_config();
    // Failures noted for the request's log line: configuration or database.
    let store = spinstack_storage::Store::new(NotingConnection(&db));
    let sessions = NotingSessions(&spinstack_glue::ImportedSessions);
    let ctx = AuthContext {
        trusted: settings.trusted,
        base_url: settings.base_url,
        production: settings.production,
        client_ip: settings.client_ip,
        sessions: &sessions,
        users: &store,
        verifications: &store,
        rate_limit: settings
            .production
            .then_some(&store as &dyn spinstack_rate_limit::RateLimitStore),
        now_ms: spinstack_glue::now_millis(),
    };
    spinstack_auth::handle(request, &ctx)
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    spinstack_glue::serve_with_cors(
        incoming,
        out,
        "auth",
        protocol_error,
        spinstack_auth::router::route,
        serve,
    )
    .await;
}
