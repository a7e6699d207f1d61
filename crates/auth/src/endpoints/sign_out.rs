//! `POST /sign-out` (spec §3.9): deletes the cookie's session if it is validly signed,
//! always clears the cookies and answers `{"success":true}`.

use spinstack_http::Response;

use crate::context::AuthContext;
use crate::endpoints::{Call, with_cookies};
use crate::error::internal;

/// `POST /sign-out`.
pub fn sign_out(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let cookie_header = call.request.cookie_header();
    match ctx.sessions.end(cookie_header.as_deref()) {
        Ok(cookies) => with_cookies(
            Response::json(200, &serde_json::json!({ "success": true })),
            &cookies,
        ),
        Err(cause) => internal("sign-out", &cause),
    }
}
