//! The `session` library component: exports `spinstack:session/sessions`
//! (wit/session.wit) and is the only code that reads or writes the `session` table or
//! holds the cookie-signing secret. The algorithms live in `spinstack-sessions` and the
//! SQL of both backends in `spinstack-storage`; this crate wires them to Spin variables
//! ([`settings`]) and to the request's database (`spinstack_glue::db`: Spin's SQLite or
//! PostgreSQL, as `database_url` says).

mod bindings;
mod settings;
mod wit_convert;

use bindings::exports::spinstack::session::sessions::{
    Creation, Error, Guest, NewSession, NewUser, Resolution, ResolveOptions, Session,
};
use spinstack_cookies::{cookie_value, verify_signed_cookie};
use spinstack_sessions::create::{self, remembered, session_cookies};
use spinstack_sessions::{ResolveRequest, SessionLifecycle, SessionStore, resolve};

use settings::Settings;
use spinstack_glue::db::Db;
use spinstack_storage::{Store, StoreError};

struct Component;

/// A store failure: a configuration problem when the host refused the database (the
/// message says what to set), a database failure otherwise.
fn database(error: StoreError) -> Error {
    if error.is_denied() {
        Error::Configuration(error.to_string())
    } else {
        Error::Database(error.to_string())
    }
}

fn load() -> Result<(Settings, Store<Db>), Error> {
    // The caller has usually checked the SQLite schema in this request already.
    let db = Db::checking_schema_on_failure();
    let settings = settings::load(&db)?;
    Ok((settings, Store::new(db)))
}

/// The store alone, for calls that never touch a cookie: no settings are read, so a
/// generated development secret costs them no database query.
fn store_only() -> Store<Db> {
    Store::new(Db::checking_schema_on_failure())
}

fn cookie_lines(cookies: &[spinstack_cookies::SetCookie]) -> Vec<String> {
    cookies.iter().map(ToString::to_string).collect()
}

fn random(
    kind: &str,
    generated: Result<String, spinstack_ids::RandomError>,
) -> Result<String, Error> {
    generated.map_err(|e| Error::Database(format!("generating a {kind}: {e}")))
}

impl Guest for Component {
    fn resolve(
        cookie_header: Option<String>,
        options: ResolveOptions,
    ) -> Result<Resolution, Error> {
        let (settings, mut store) = load()?;
        let request = ResolveRequest {
            cookie_header: cookie_header.as_deref(),
            disable_refresh: options.disable_refresh,
            now_ms: spinstack_glue::now_millis(),
        };
        let resolution = resolve(&mut store, &settings.keys, request).map_err(database)?;
        Ok(wit_convert::resolution(resolution))
    }

    fn create(request: NewSession, new_user: Option<NewUser>) -> Result<Creation, Error> {
        let (settings, mut store) = load()?;
        let remember = remembered(
            &settings.keys,
            request.remember,
            request.cookie_header.as_deref(),
        );
        let new = create::NewSession {
            user_id: request.user_id,
            remember: request.remember,
            ip_address: request.ip_address,
            user_agent: request.user_agent,
        };
        // Without an explicit `rememberMe` the row lasts 7 days even when a
        // `dont_remember` cookie shapes the cookies (Better Auth's change-password).
        let row = create::session_row(
            &new,
            request.remember.unwrap_or(true),
            random("session id", spinstack_ids::generate_id())?,
            random("session token", spinstack_ids::generate_session_token())?,
            spinstack_glue::now_millis(),
        );
        let new_user = match new_user {
            Some(user) => Some(spinstack_sessions::NewUser {
                id: user.id,
                name: user.name,
                email: user.email,
                image: user.image,
                account_id: random("account id", spinstack_ids::generate_id())?,
                password_hash: user.password_hash,
            }),
            None => None,
        };
        if !store.insert(&row, new_user.as_ref()).map_err(database)? {
            return Ok(Creation::EmailTaken);
        }
        let cookies = session_cookies(
            &settings.keys,
            &row.token,
            remember,
            request.cookie_header.as_deref(),
        );
        Ok(Creation::Created(wit_convert::created(
            row,
            cookie_lines(&cookies),
        )))
    }

    fn end(cookie_header: Option<String>) -> Result<Vec<String>, Error> {
        let (settings, mut store) = load()?;
        let token = cookie_header
            .as_deref()
            .and_then(|header| cookie_value(header, &settings.keys.names.session_token))
            .and_then(|value| verify_signed_cookie(&settings.keys.secret, &value));
        // A session that could not be deleted is not ended: the caller answers an
        // error and keeps the cookies, as Better Auth's sign-out does when its delete
        // throws, rather than telling the client it signed out of a live session.
        if let Some(token) = token {
            store.delete_by_token(&token).map_err(database)?;
        }
        Ok(cookie_lines(
            &settings
                .keys
                .names
                .clearing_sequence(cookie_header.as_deref()),
        ))
    }

    fn reissue(token: String, cookie_header: Option<String>) -> Result<Vec<String>, Error> {
        let (settings, _) = load()?;
        let remember = remembered(&settings.keys, None, cookie_header.as_deref());
        Ok(cookie_lines(&session_cookies(
            &settings.keys,
            &token,
            remember,
            cookie_header.as_deref(),
        )))
    }

    fn revoke(user_id: String, token: String) -> Result<(), Error> {
        let mut store = store_only();
        store.delete_for_user(&user_id, &token).map_err(database)
    }

    fn revoke_all(user_id: String, except_token: Option<String>) -> Result<(), Error> {
        let mut store = store_only();
        store
            .delete_all_for_user(&user_id, except_token.as_deref())
            .map_err(database)
    }

    fn verify_token(token: String) -> Result<Option<String>, Error> {
        let (settings, _) = load()?;
        Ok(spinstack_sessions::jws::verify_hs256(
            &settings.keys.secret,
            &token,
        ))
    }

    fn list_for_user(user_id: String) -> Result<Vec<Session>, Error> {
        let mut store = store_only();
        let sessions = store
            .list_for_user(&user_id, spinstack_glue::now_millis())
            .map_err(database)?;
        Ok(sessions.into_iter().map(wit_convert::session).collect())
    }
}

bindings::export!(Component with_types_in bindings);
