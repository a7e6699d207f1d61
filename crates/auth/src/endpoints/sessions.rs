//! The caller's sessions (spec §10.5–§10.8): list them (fresh session required) and
//! revoke one, all, or all others.

use serde_json::json;
use spinstack_http::Response;
use spinstack_sessions::json::SessionJson;

use crate::context::AuthContext;
use crate::endpoints::guard::{require_fresh_session, require_session};
use crate::endpoints::{Call, with_cookies};
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
    let cookie_header = call.request.cookie_header();
    // Revoking one's own session clears one's cookies (Better Auth 1.7.29).
    match ctx
        .sessions
        .revoke(&caller.live.user.id, token, cookie_header.as_deref())
    {
        Ok(cleared) => caller.respond(with_cookies(status_true(), &cleared)),
        Err(cause) => caller.respond(internal("revoke-session", &cause)),
    }
}

/// `POST /revoke-sessions`: deletes all of the caller's sessions, the current one too.
pub fn revoke_sessions(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let cookie_header = call.request.cookie_header();
    // The caller's own session goes too: its cookies are cleared (Better Auth 1.7.29).
    match ctx
        .sessions
        .revoke_all(&caller.live.user.id, None, cookie_header.as_deref())
    {
        Ok(cleared) => caller.respond(with_cookies(status_true(), &cleared)),
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
    let cookie_header = call.request.cookie_header();
    match ctx.sessions.revoke_all(
        &caller.live.user.id,
        Some(current),
        cookie_header.as_deref(),
    ) {
        Ok(cleared) => caller.respond(with_cookies(status_true(), &cleared)),
        Err(cause) => caller.respond(internal("revoke-other-sessions", &cause)),
    }
}

#[cfg(test)]
mod tests {
    use spinstack_http::Response;

    use crate::router::handle;
    use crate::testing::{FakeSessions, FakeUsers, NOW, context, outcome, signed_in, user};

    fn call(sessions: &FakeSessions, method: &str, path: &str, body: &str) -> Response {
        let users = FakeUsers::default();
        handle(&signed_in(method, path, body), &context(sessions, &users))
    }

    fn world(created_at: i64) -> FakeSessions {
        let sessions = FakeSessions::default();
        let (alice, bob) = (user("u1", "a@b.co"), user("u2", "b@b.co"));
        sessions.sign_in(&alice, "tok", created_at);
        sessions.sign_in(&alice, "tok-2", NOW);
        sessions.sign_in(&bob, "tok-bob", NOW);
        sessions
    }

    #[test]
    fn list_needs_a_fresh_session() {
        let fresh = world(NOW - 86_399_999);
        let listed = call(&fresh, "GET", "/api/auth/list-sessions", "");
        let body = outcome(&listed).1;
        assert!(body.starts_with(r#"[{"expiresAt":"#) && body.contains(r#""token":"tok-2""#));
        assert!(!body.contains("tok-bob"));
        let stale = world(NOW - 86_400_000);
        assert_eq!(
            outcome(&call(&stale, "GET", "/api/auth/list-sessions", "")).1,
            r#"{"message":"Session is not fresh","code":"SESSION_NOT_FRESH"}"#
        );
    }

    #[test]
    fn revocations() {
        let sessions = world(NOW);
        let tokens = |sessions: &FakeSessions| -> Vec<String> {
            sessions
                .sessions
                .borrow()
                .iter()
                .map(|s| s.session.token.clone())
                .collect()
        };
        let status = r#"{"status":true}"#;
        let foreign = call(
            &sessions,
            "POST",
            "/api/auth/revoke-session",
            r#"{"token":"tok-bob"}"#,
        );
        assert_eq!(outcome(&foreign).1, status);
        assert_eq!(tokens(&sessions).len(), 3);
        let others = call(&sessions, "POST", "/api/auth/revoke-other-sessions", "{}");
        assert_eq!(outcome(&others).1, status);
        assert_eq!(tokens(&sessions), ["tok", "tok-bob"]);
        // Revoking all one's sessions signs this browser out too: its cookies are
        // cleared (Better Auth 1.7.29; 1.7.5 left them).
        let all = call(&sessions, "POST", "/api/auth/revoke-sessions", "{}");
        let cleared = vec!["session=; Max-Age=0"];
        assert_eq!(outcome(&all), (200, status.to_owned(), cleared.clone()));
        assert_eq!(tokens(&sessions), ["tok-bob"]);
    }

    #[test]
    fn revoking_ones_own_session_clears_its_cookies() {
        let sessions = world(NOW);
        let status = r#"{"status":true}"#.to_owned();
        let other = call(
            &sessions,
            "POST",
            "/api/auth/revoke-session",
            r#"{"token":"tok-2"}"#,
        );
        assert_eq!(outcome(&other), (200, status.clone(), vec![]));
        let own = call(
            &sessions,
            "POST",
            "/api/auth/revoke-session",
            r#"{"token":"tok"}"#,
        );
        let cleared = vec!["session=; Max-Age=0"];
        assert_eq!(outcome(&own), (200, status, cleared));
    }
}
