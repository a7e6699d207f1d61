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
    Creation, Error, Guest, NewSession, Owner, Resolution, ResolveOptions, Session, SessionWithUser,
};
use spinstack_cookie_cache::{JweRandomness, Strategy};
use spinstack_sessions::create::{self, remembered, session_and_cache_cookies};
use spinstack_sessions::{ResolveRequest, SessionKeys, SessionLifecycle, SessionStore, resolve};

use settings::Settings;
use spinstack_glue::db::Db;
use spinstack_sql::Connection;
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

/// Fresh bytes for a jwe cache write, drawn from the OS only when the cache is on with
/// the jwe strategy: the others never read them, so a session request without a jwe
/// cache makes no random-number call for them.
fn jwe_randomness(keys: &SessionKeys) -> Result<JweRandomness, Error> {
    let mut bytes = [0; 32];
    if keys
        .cache
        .as_ref()
        .is_some_and(|cache| cache.settings().strategy == Strategy::Jwe)
    {
        spinstack_ids::fill_random(&mut bytes)
            .map_err(|e| Error::Database(format!("generating a cache IV: {e}")))?;
    }
    Ok(JweRandomness::from_bytes(bytes))
}

/// The clearing sequence when the session of `cookie_header` is `deleted`.
fn clearing_if_own(
    keys: &SessionKeys,
    cookie_header: Option<&str>,
    deleted: impl Fn(&str) -> bool,
) -> Vec<String> {
    match keys.session_token(cookie_header) {
        Some(own) if deleted(&own.value) => {
            cookie_lines(&keys.names.clearing_sequence(cookie_header))
        }
        _ => Vec::new(),
    }
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
            disable_cookie_cache: options.disable_cookie_cache,
            now_ms: spinstack_glue::now_millis(),
            randomness: jwe_randomness(&settings.keys)?,
        };
        let resolution = resolve(&mut store, &settings.keys, request).map_err(database)?;
        Ok(wit_convert::resolution(resolution))
    }

    fn create(request: NewSession, owner: Owner) -> Result<Creation, Error> {
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
        let now_ms = spinstack_glue::now_millis();
        // Without an explicit `rememberMe` the row lasts 7 days even when a
        // `dont_remember` cookie shapes the cookies (Better Auth's change-password).
        let row = create::session_row(
            &new,
            request.remember.unwrap_or(true),
            random("session id", spinstack_ids::generate_id())?,
            random("session token", spinstack_ids::generate_session_token())?,
            now_ms,
        );
        let (user, new_user) = match owner {
            Owner::Existing(user) => (wit_convert::from_user(user), None),
            Owner::New(user) => {
                let inserted = spinstack_sessions::NewUser {
                    id: user.id,
                    name: user.name,
                    email: user.email,
                    image: user.image,
                    account_id: random("account id", spinstack_ids::generate_id())?,
                    password_hash: user.password_hash,
                };
                (inserted.user_row(now_ms), Some(inserted))
            }
        };
        if !store.insert(&row, new_user.as_ref()).map_err(database)? {
            return Ok(Creation::EmailTaken);
        }
        let live = spinstack_sessions::SessionWithUser { session: row, user };
        let cookies = session_and_cache_cookies(
            &settings.keys,
            &live,
            remember,
            request.cookie_header.as_deref(),
            now_ms,
            &jwe_randomness(&settings.keys)?,
        );
        Ok(Creation::Created(wit_convert::created(
            live.session,
            cookie_lines(&cookies),
        )))
    }

    fn end(cookie_header: Option<String>) -> Result<Vec<String>, Error> {
        let (settings, mut store) = load()?;
        let token = settings.keys.session_token(cookie_header.as_deref());
        // A session that could not be deleted is not ended: the caller answers an
        // error and keeps the cookies, as Better Auth's sign-out does when its delete
        // throws, rather than telling the client it signed out of a live session.
        if let Some(token) = token {
            store.delete_by_token(&token.value).map_err(database)?;
        }
        Ok(cookie_lines(
            &settings
                .keys
                .names
                .clearing_sequence(cookie_header.as_deref()),
        ))
    }

    fn reissue(live: SessionWithUser, cookie_header: Option<String>) -> Result<Vec<String>, Error> {
        let (settings, _) = load()?;
        let remember = remembered(&settings.keys, None, cookie_header.as_deref());
        Ok(cookie_lines(&session_and_cache_cookies(
            &settings.keys,
            &wit_convert::from_live(live),
            remember,
            cookie_header.as_deref(),
            spinstack_glue::now_millis(),
            &jwe_randomness(&settings.keys)?,
        )))
    }

    fn revoke(
        user_id: String,
        token: String,
        cookie_header: Option<String>,
    ) -> Result<Vec<String>, Error> {
        let mut store = store_only();
        store.delete_for_user(&user_id, &token).map_err(database)?;
        if cookie_header.is_none() {
            return Ok(Vec::new());
        }
        let (settings, _) = load()?;
        Ok(clearing_if_own(
            &settings.keys,
            cookie_header.as_deref(),
            |own| own == token,
        ))
    }

    fn revoke_all(
        user_id: String,
        except_token: Option<String>,
        cookie_header: Option<String>,
    ) -> Result<Vec<String>, Error> {
        let mut store = store_only();
        store
            .delete_all_for_user(&user_id, except_token.as_deref())
            .map_err(database)?;
        if cookie_header.is_none() {
            return Ok(Vec::new());
        }
        let (settings, _) = load()?;
        Ok(clearing_if_own(
            &settings.keys,
            cookie_header.as_deref(),
            |own| except_token.as_deref() != Some(own),
        ))
    }

    fn check() -> Result<(), Error> {
        let db = Db::checking_schema_on_failure();
        settings::load(&db)?;
        db.query("SELECT 1", &[])
            .map(drop)
            .map_err(|e| database(StoreError::new("checking the database", e)))
    }

    fn verify_token(token: String) -> Result<Option<String>, Error> {
        let (settings, _) = load()?;
        Ok(settings.keys.verify_token(&token))
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
