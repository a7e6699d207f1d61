//! Better Auth's session middlewares (spec §3.6): the caller's session, or 401 — with
//! any cookies the lookup produced (a refresh, or the clearing of a dead session)
//! carried by whatever response the endpoint finally sends.

use spinstack_http::Response;
use spinstack_sessions::{Lookup, Outcome, SessionWithUser};

use crate::context::AuthContext;
use crate::endpoints::{Call, with_cookies};
use crate::error::{api_error, unauthorized};

/// A signed-in caller and the cookies to send with the response.
pub struct SignedIn {
    /// The session and its user.
    pub live: SessionWithUser,
    /// `Set-Cookie` lines from the lookup (a sliding refresh).
    pub cookies: Vec<String>,
}

impl SignedIn {
    /// `response` with the lookup's cookies.
    pub fn respond(&self, response: Response) -> Response {
        with_cookies(response, &self.cookies)
    }
}

/// Who is calling, as Better Auth's `getSessionFromCtx` sees it.
pub enum Caller {
    /// A live session (boxed: it is large, the other variant small).
    SignedIn(Box<SignedIn>),
    /// No session; the `Set-Cookie` lines the lookup produced (the clearing sequence
    /// for a dead session) still go out with whatever the endpoint answers.
    Anonymous(Vec<String>),
}

/// `getSessionFromCtx`: resolves the caller's session. As upstream, the request's
/// `?disableRefresh` (any non-empty value) skips the sliding refresh, and a refresh
/// that lost its row counts as no session — without the clearing cookies, which
/// better-call drops with the inner call's thrown error (recorded with 1.7.5).
///
/// # Errors
/// 500 `FAILED_TO_GET_SESSION` when the session component failed. (Upstream swallows
/// that failure into "no session"; a database outage is not "signed out", so it is a
/// 500 here, as `GET /get-session` answers it.)
pub fn caller(ctx: &AuthContext<'_>, call: &Call<'_>) -> Result<Caller, Response> {
    let cookie_header = call.request.cookie_header();
    let disable_refresh = call
        .request
        .query_param("disableRefresh")
        .is_some_and(|value| !value.is_empty());
    let resolved = ctx
        .sessions
        .resolve(cookie_header.as_deref(), Lookup::confirmed(disable_refresh))
        .map_err(|cause| {
            eprintln!("auth: session lookup failed: {cause}");
            api_error(500, "FAILED_TO_GET_SESSION", "Failed to get session")
        })?;
    Ok(match resolved.outcome {
        Outcome::SignedIn(live) => Caller::SignedIn(Box::new(SignedIn {
            live: *live,
            cookies: resolved.set_cookies,
        })),
        Outcome::Anonymous => Caller::Anonymous(resolved.set_cookies),
        Outcome::RefreshFailed => Caller::Anonymous(Vec::new()),
    })
}

/// `sessionMiddleware`: the caller's session, or the error response to send.
///
/// # Errors
/// 401 `UNAUTHORIZED` without a session, or [`caller`]'s 500.
pub fn require_session(ctx: &AuthContext<'_>, call: &Call<'_>) -> Result<SignedIn, Response> {
    match caller(ctx, call)? {
        Caller::SignedIn(signed_in) => Ok(*signed_in),
        Caller::Anonymous(cookies) => Err(with_cookies(unauthorized(), &cookies)),
    }
}

/// Sessions created at least this long ago are not "fresh" (`freshAge`, one day).
pub const FRESH_AGE_MS: i64 = 86_400_000;

/// `freshSessionMiddleware`: as [`require_session`], then 403 `SESSION_NOT_FRESH` for
/// a session created a day or more ago.
///
/// # Errors
/// As [`require_session`], plus 403 `SESSION_NOT_FRESH`.
pub fn require_fresh_session(ctx: &AuthContext<'_>, call: &Call<'_>) -> Result<SignedIn, Response> {
    let signed_in = require_session(ctx, call)?;
    if ctx.now_ms - signed_in.live.session.created_at >= FRESH_AGE_MS {
        return Err(signed_in.respond(api_error(403, "SESSION_NOT_FRESH", "Session is not fresh")));
    }
    Ok(signed_in)
}

#[cfg(test)]
mod tests {
    use spinstack_http::Request;

    use crate::router::handle;
    use crate::testing::{FakeSessions, FakeUsers, NOW, context, outcome, user};

    const UNAUTHORIZED: &str = r#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#;

    #[test]
    fn a_lost_refresh_is_a_plain_401() {
        let sessions = FakeSessions {
            refresh_failed: true,
            ..FakeSessions::default()
        };
        let users = FakeUsers::default();
        let request = Request::new("GET", "/api/auth/list-accounts").with_header("cookie", "tok");
        let reply = handle(&request, &context(&sessions, &users));
        // As 1.7.5: no FAILED_TO_GET_SESSION and no clearing cookies (get-session itself
        // answers those).
        assert_eq!(outcome(&reply), (401, UNAUTHORIZED.to_owned(), vec![]));
        let session = handle(
            &Request::new("GET", "/api/auth/get-session").with_header("cookie", "tok"),
            &context(&sessions, &users),
        );
        assert_eq!(session.status, 401);
        assert_eq!(outcome(&session).2, ["session=; Max-Age=0"]);
    }

    #[test]
    fn disable_refresh_in_the_query_reaches_the_lookup() {
        let sessions = FakeSessions::default();
        sessions.sign_in(&user("u1", "a@b.co"), "tok", NOW);
        let users = FakeUsers::default();
        for (path, expected) in [
            ("/api/auth/list-accounts", false),
            ("/api/auth/list-accounts?disableRefresh=", false),
            ("/api/auth/list-accounts?disableRefresh=false", true),
        ] {
            let request = Request::new("GET", path).with_header("cookie", "tok");
            assert_eq!(handle(&request, &context(&sessions, &users)).status, 200);
            assert_eq!(
                sessions.last_disable_refresh.get(),
                Some(expected),
                "{path}"
            );
            // Every endpoint but get-session confirms the session in the database.
            assert_eq!(sessions.last_disable_cookie_cache.get(), Some(true));
        }
    }

    #[test]
    fn lookup_failure_is_500_without_internals() {
        let sessions = FakeSessions {
            fail: true,
            ..FakeSessions::default()
        };
        let users = FakeUsers::default();
        let request = Request::new("GET", "/api/auth/list-sessions").with_header("cookie", "tok");
        let reply = handle(&request, &context(&sessions, &users));
        assert_eq!(
            outcome(&reply),
            (
                500,
                r#"{"message":"Failed to get session","code":"FAILED_TO_GET_SESSION"}"#.to_owned(),
                vec![]
            )
        );
    }
}
