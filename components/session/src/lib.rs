//! The `session` library component: exports `spinstack:session/sessions`
//! (wit/session.wit) and is the only code that reads or writes the `session` table or
//! holds the cookie-signing secret. The algorithm lives in `spinstack-sessions`; this
//! crate wires it to Spin variables ([`settings`]) and Spin's PostgreSQL ([`pg_store`]).

mod bindings;
mod pg_store;
mod settings;
mod wit_convert;

use bindings::exports::spinstack::session::sessions::{Error, Guest, Resolution, ResolveOptions};
use spinstack_sessions::{ResolveRequest, resolve};

struct Component;

impl Guest for Component {
    fn resolve(
        cookie_header: Option<String>,
        options: ResolveOptions,
    ) -> Result<Resolution, Error> {
        let settings = settings::load().map_err(|e| Error::Configuration(e.to_string()))?;
        let mut store = pg_store::PgSessionStore::new(settings.database_url);
        let request = ResolveRequest {
            cookie_header: cookie_header.as_deref(),
            disable_refresh: options.disable_refresh,
            now_ms: spinstack_glue::now_millis(),
        };
        let resolution = resolve(&mut store, &settings.keys, request)
            .map_err(|e| Error::Database(e.to_string()))?;
        Ok(wit_convert::resolution(resolution))
    }
}

bindings::export!(Component with_types_in bindings);
