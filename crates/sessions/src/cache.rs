//! The cookie cache as the session logic uses it (spec cookie-cache-and-secrets.md
//! §5, §7): the `session_data` cookies of a write, and the conversions between the
//! session records and what the cache carries.

use spinstack_cookie_cache::{
    CachedSession, CachedUser, JweRandomness, Persistence, SessionData, chunks,
};
use spinstack_cookies::SetCookie;

use crate::keys::SessionKeys;
use crate::model::{Session, SessionWithUser, User};

/// The `Set-Cookie` lines that write `live` into the cache: the request's cache
/// cookies expired or overwritten, then the new chunks. Nothing when the cache is
/// off.
pub fn write(
    keys: &SessionKeys,
    live: &SessionWithUser,
    persistence: Persistence,
    cookie_header: Option<&str>,
    now_ms: i64,
    randomness: &JweRandomness,
) -> Vec<SetCookie> {
    let Some(cache) = &keys.cache else {
        return Vec::new();
    };
    let value = cache.encode(
        &cached_session(&live.session),
        &cached_user(&live.user),
        persistence,
        now_ms,
        randomness,
    );
    let written = chunks::write(
        &keys.names.session_data,
        &value,
        cache.cookie_max_age(persistence),
        cookie_header,
    );
    if !written.written {
        eprintln!(
            "session: the session_data cookie would need more than 100 chunks, so it was not written"
        );
    }
    written.set_cookies
}

/// The session and user a cache hit carries.
pub fn live_from(data: SessionData) -> SessionWithUser {
    let SessionData { session, user, .. } = data;
    SessionWithUser {
        session: Session {
            id: session.id,
            token: session.token,
            user_id: session.user_id,
            expires_at: session.expires_at,
            created_at: session.created_at,
            updated_at: session.updated_at,
            ip_address: session.ip_address,
            user_agent: session.user_agent,
        },
        user: User {
            id: user.id,
            name: user.name,
            email: user.email,
            email_verified: user.email_verified,
            image: user.image,
            created_at: user.created_at,
            updated_at: user.updated_at,
        },
    }
}

fn cached_session(session: &Session) -> CachedSession {
    CachedSession {
        id: session.id.clone(),
        token: session.token.clone(),
        user_id: session.user_id.clone(),
        expires_at: session.expires_at,
        created_at: session.created_at,
        updated_at: session.updated_at,
        ip_address: session.ip_address.clone(),
        user_agent: session.user_agent.clone(),
    }
}

fn cached_user(user: &User) -> CachedUser {
    CachedUser {
        id: user.id.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        email_verified: user.email_verified,
        image: user.image.clone(),
        created_at: user.created_at,
        updated_at: user.updated_at,
    }
}
