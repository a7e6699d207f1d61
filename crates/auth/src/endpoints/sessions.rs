//! The caller's sessions (spec §10.5–§10.8): list them (fresh session required) and
//! revoke one, all, or all others.

use serde_json::json;
use spinstack_http::Response;
use spinstack_sessions::json::SessionJson;

use crate::context::AuthContext;
use crate::endpoints::Call;
use crate::endpoints::guard::{require_fresh_session, require_session};
use crate::error::internal;

fn status_true() -> Response {
    Response::json(200, &json!({ "status": true }))
}

/// `GET /list-sessions`: the caller's unexpired sessions, tokens included.
pub fn list_sessions(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_fresh_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    match ctx.sessions.list(&caller.live.user.id) {
        Ok(sessions) => {
            let body: Vec<SessionJson<'_>> = sessions.iter().map(SessionJson::from).collect();
            caller.respond(Response::json(200, &body))
        }
        Err(cause) => caller.respond(internal("list-sessions", &cause)),
    }
}

/// `POST /revoke-session`: deletes the session with `token` if it is the caller's.
pub fn revoke_session(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let token = call.body_str("token").unwrap_or_default();
    match ctx.sessions.revoke(&caller.live.user.id, token) {
        Ok(()) => caller.respond(status_true()),
        Err(cause) => caller.respond(internal("revoke-session", &cause)),
    }
}

/// `POST /revoke-sessions`: deletes all of the caller's sessions, the current one too.
pub fn revoke_sessions(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    match ctx.sessions.revoke_all(&caller.live.user.id, None) {
        Ok(()) => caller.respond(status_true()),
        Err(cause) => caller.respond(internal("revoke-sessions", &cause)),
    }
}

/// `POST /revoke-other-sessions`: deletes all of the caller's other sessions.
pub fn revoke_other_sessions(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let current = caller.live.session.token.as_str();
    match ctx.sessions.revoke_all(&caller.live.user.id, Some(current)) {
        Ok(()) => caller.respond(status_true()),
        Err(cause) => caller.respond(internal("revoke-other-sessions", &cause)),
    }
}
