//! Better Auth's session middlewares (spec §3.6): the caller's session, or 401 — with
//! any cookies the lookup produced (a refresh, or the clearing of a dead session)
//! carried by whatever response the endpoint finally sends.

use spinstack_http::Response;
use spinstack_sessions::{Outcome, SessionWithUser};

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

/// `sessionMiddleware`: the caller's session, or the error response to send.
///
/// # Errors
/// 401 `UNAUTHORIZED` without a session, 401 `FAILED_TO_GET_SESSION` when the refresh
/// lost its row, 500 when the session component failed.
pub fn require_session(ctx: &AuthContext<'_>, call: &Call<'_>) -> Result<SignedIn, Response> {
    let cookie_header = call.request.cookie_header();
    let resolved = ctx
        .sessions
        .resolve(cookie_header.as_deref(), false)
        .map_err(|cause| {
            eprintln!("auth: session lookup failed: {cause}");
            api_error(500, "FAILED_TO_GET_SESSION", "Failed to get session")
        })?;
    match resolved.outcome {
        Outcome::SignedIn(live) => Ok(SignedIn {
            live: *live,
            cookies: resolved.set_cookies,
        }),
        Outcome::Anonymous => Err(with_cookies(unauthorized(), &resolved.set_cookies)),
        Outcome::RefreshFailed => Err(with_cookies(
            api_error(401, "FAILED_TO_GET_SESSION", "Failed to get session"),
            &resolved.set_cookies,
        )),
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
