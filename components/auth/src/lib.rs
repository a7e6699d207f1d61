//! The `auth` HTTP component: Better Auth's API under `/api/auth` (logic in
//! `spinstack_auth`), with sessions through the imported `spinstack:session/sessions`
//! interface, users and accounts in PostgreSQL ([`pg_users`]), and the template's CORS.

mod pg_users;

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use spinstack_auth::AuthContext;
use spinstack_auth_rules::origin::TrustedOrigins;
use spinstack_config::{Config, ConfigError};
use spinstack_http::{Request, Response};

fn protocol_error(status: u16, message: &str) -> Response {
    let code = if status == 400 {
        "BAD_REQUEST"
    } else {
        "INTERNAL_SERVER_ERROR"
    };
    spinstack_auth::error::api_error(status, code, message)
}

/// What the endpoints need from configuration.
fn settings() -> Result<(TrustedOrigins, String), ConfigError> {
    let config = Config::new(&spinstack_glue::variable);
    let trusted = TrustedOrigins::new(&config.better_auth_url()?, config.cors_origins()?);
    Ok((trusted, config.database_url()?))
}

fn serve(request: &Request) -> Response {
    let (trusted, database_url) = match settings() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("auth: {e}");
            return protocol_error(500, &e.to_string());
        }
    };
    let users = pg_users::PgUsers::new(database_url);
    let ctx = AuthContext {
        trusted,
        sessions: &spinstack_glue::ImportedSessions,
        users: &users,
        now_ms: spinstack_glue::now_millis(),
    };
    spinstack_auth::handle(request, &ctx)
}

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    spinstack_glue::serve_with_cors(incoming, out, "auth", protocol_error, serve).await;
}
