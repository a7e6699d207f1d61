//! The endpoints, one module per family, and what they share: the checked call, the
//! session guard, the client facts a new session records, redirects (never to an
//! unsafe location) and `Set-Cookie` plumbing.

pub mod accounts;
pub mod disabled;
pub mod email_token;
pub mod error_page;
pub mod get_session;
pub mod guard;
pub mod oauth_callback;
pub mod password_reset;
pub mod provider_tokens;
pub mod sessions;
pub mod sign_in;
pub mod sign_out;
pub mod sign_up;
pub mod user;
pub mod verify_email;

use serde_json::{Map, Value};
use spinstack_http::{Request, Response};

use crate::context::AuthContext;
use crate::urls::is_safe_location;

/// A request that passed the route's rules, with its parsed body and query.
pub struct Call<'r> {
    /// The request.
    pub request: &'r Request,
    /// The parsed body (`None` without one).
    pub body: Option<Value>,
    /// The parsed query.
    pub query: Map<String, Value>,
    /// The raw (not percent-decoded, as better-call passes it) path parameter of
    /// `/reset-password/:token` and `/callback/:id`.
    pub param: Option<String>,
    /// The client IP from the configured source (`AuthContext::client_ip`), as the
    /// rate limiter saw it.
    pub client_ip: Option<String>,
}

impl Call<'_> {
    /// A query parameter as `URLSearchParams.get` reads it: the first value.
    pub fn query_str(&self, key: &str) -> Option<&str> {
        match self.query.get(key)? {
            Value::Array(values) => values.first()?.as_str(),
            value => value.as_str(),
        }
    }

    /// A string field of the body.
    pub fn body_str(&self, key: &str) -> Option<&str> {
        self.body.as_ref()?.get(key)?.as_str()
    }

    /// A boolean field of the body.
    pub fn body_bool(&self, key: &str) -> Option<bool> {
        self.body.as_ref()?.get(key)?.as_bool()
    }
}

/// An endpoint.
pub type Handler = fn(&AuthContext<'_>, &Call<'_>) -> Response;

/// The handler of `method path` (path relative to `/api/auth`), if implemented.
pub fn handler_for(method: &str, path: &str) -> Option<Handler> {
    let handler: Handler = match (method, path) {
        ("POST", "/sign-up/email") => sign_up::sign_up_email,
        ("POST", "/sign-in/email") => sign_in::sign_in_email,
        ("POST", "/sign-out") => sign_out::sign_out,
        ("GET", "/get-session") => get_session::get_session,
        ("POST", "/get-session") => get_session::post_get_session,
        ("GET", "/list-sessions") => sessions::list_sessions,
        ("POST", "/revoke-session") => sessions::revoke_session,
        ("POST", "/revoke-sessions") => sessions::revoke_sessions,
        ("POST", "/revoke-other-sessions") => sessions::revoke_other_sessions,
        ("POST", "/update-user") => user::update_user,
        ("POST", "/change-password") => user::change_password,
        ("POST", "/verify-password") => user::verify_password_endpoint,
        ("GET", "/list-accounts") => accounts::list_accounts,
        ("POST", "/change-email") => disabled::change_email,
        ("POST", "/delete-user") => disabled::delete_user,
        ("GET", "/delete-user/callback") => disabled::delete_user_callback,
        ("POST", "/request-password-reset") => disabled::request_password_reset,
        ("POST", "/send-verification-email") => disabled::send_verification_email,
        ("POST", "/update-session") => disabled::update_session,
        ("POST", "/sign-in/social") => disabled::sign_in_social,
        ("POST", "/link-social") => disabled::link_social,
        ("GET", "/reset-password/:token") => password_reset::reset_password_callback,
        ("POST", "/reset-password") => password_reset::reset_password,
        ("GET", "/verify-email") => verify_email::verify_email,
        ("POST", "/unlink-account") => accounts::unlink_account,
        ("POST", "/get-access-token") => provider_tokens::get_access_token,
        ("POST", "/refresh-token") => provider_tokens::refresh_token,
        ("GET", "/account-info") => provider_tokens::account_info,
        ("GET" | "POST", "/callback/:id") => oauth_callback::oauth_callback,
        ("GET", "/error") => error_page::error_page,
        ("GET", "/ok") => ok,
        _ => return None,
    };
    Some(handler)
}

/// `GET /ok`.
fn ok(_: &AuthContext<'_>, _: &Call<'_>) -> Response {
    Response::json(200, &serde_json::json!({ "ok": true }))
}

/// better-call's redirect: `302` with `Location`, then the `Content-Type:
/// application/json` every endpoint response carries, and an empty body. A location
/// that fails [`is_safe_location`] (protocol-relative, control characters) is never
/// sent: the request ends as an unbuildable URL does, whatever upstream would answer.
pub fn redirect(location: &str) -> Response {
    if !is_safe_location(location) {
        // Never the location itself: it may carry a token (a reset link's callback).
        eprintln!(
            "auth: refused to redirect to an unsafe location (protocol-relative or with control characters)"
        );
        return Response::empty(500);
    }
    Response::empty(302)
        .with_header("location", location)
        .with_header("content-type", "application/json")
}

/// A `Location` Better Auth failed to build (JavaScript's `URL` threw): a non-API
/// error, which better-call answers with an empty 500.
pub fn unbuildable_url(endpoint: &str) -> Response {
    eprintln!("auth: {endpoint}: could not build the redirect URL");
    Response::empty(500)
}

/// Puts `Set-Cookie` lines first, as Better Auth's responses order them.
pub fn with_cookies(response: Response, cookies: &[String]) -> Response {
    if cookies.is_empty() {
        return response;
    }
    let mut headers: Vec<(String, String)> = cookies
        .iter()
        .map(|cookie| ("set-cookie".to_owned(), cookie.clone()))
        .collect();
    headers.extend(response.headers);
    Response {
        headers,
        ..response
    }
}

/// The client IP and user agent a new session records (`""` when unknown, as the
/// reference server stores them).
pub fn client_facts(call: &Call<'_>) -> (Option<String>, Option<String>) {
    (
        Some(call.client_ip.clone().unwrap_or_default()),
        Some(
            call.request
                .header("user-agent")
                .unwrap_or_default()
                .to_owned(),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urls::hostile;

    /// The last line of defence: whatever a handler builds, no unsafe `Location` goes
    /// out.
    #[test]
    fn redirects_only_to_safe_locations() {
        for location in ["/done?error=X", "http://localhost:3001/cb", "/a//b"] {
            assert_eq!(redirect(location).header("location"), Some(location));
        }
        for location in hostile::CALLBACK_URLS {
            let response = redirect(location);
            if location.starts_with(['/', '\\']) || location.chars().any(char::is_control) {
                hostile::assert_stays_home("http://localhost:3000/api/auth/x", &response, location);
            }
        }
        for location in [
            "//evil.com",
            "/..//evil.com",
            "/\\evil.com",
            "/\t/evil.com",
            "",
        ] {
            assert_eq!(redirect(location), Response::empty(500), "{location:?}");
        }
    }
}
