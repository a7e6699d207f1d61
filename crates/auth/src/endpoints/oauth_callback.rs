//! `GET|POST /callback/:id`, the OAuth redirect target, with no social providers
//! configured (spec §10.23; 1.7.5's behaviour, which differs from the protocol
//! document's 1.6.27 `state_mismatch` for a missing state):
//! - `POST` re-directs to the `GET` form: body fields then query fields (query wins),
//!   known keys only, in the schema's order.
//! - `GET` without a `state` → `<baseURL>/error?error=state_not_found`; with one, the
//!   state is looked up in `verification` (which also purges expired rows): none →
//!   `state_mismatch`; a row whose value is not an OAuth state (or a database failure)
//!   → `internal_server_error`; an OAuth state → `state_mismatch` at its `errorURL`
//!   (at the error page when that URL is not trusted, a check upstream leaves to the
//!   sign-in that stored it).
//!
//! Known difference: upstream goes on past a state row when the request carries the
//! matching signed `better-auth.state` cookie (then deletes the row and ends at
//! `oauth_provider_not_found`). Such rows and cookies only come from a sign-in with a
//! provider, which this configuration cannot start, and the cookie secret belongs to
//! the `session` component, so every state row ends at the cookie check here.

use serde_json::Value;
use spinstack_http::Response;

use crate::context::AuthContext;
use crate::endpoints::{Call, redirect, unbuildable_url};
use crate::urls::{append_query_params, form_encode};

/// The callback schema's keys, in its order (`z.object` output order).
const KEYS: [&str; 7] = [
    "code",
    "error",
    "device_id",
    "error_description",
    "state",
    "user",
    "iss",
];

/// `GET|POST /callback/:id`.
pub fn oauth_callback(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    if call.request.method == "POST" {
        return repost_as_get(ctx, call);
    }
    let default_error_url = format!("{}/error", ctx.base_url);
    let state = call.query_str("state").unwrap_or_default();
    if state.is_empty() {
        return error_redirect(&default_error_url, "state_not_found");
    }
    let (error_url, code) = match ctx.verifications.find_verification(state, ctx.now_ms) {
        Ok(None) => (None, "state_mismatch"),
        Ok(Some(row)) => match oauth_state_error_url(&row.value) {
            // Either way the request carries no matching signed state cookie here.
            Some(error_url) => (error_url, "state_mismatch"),
            None => (None, "internal_server_error"),
        },
        Err(cause) => {
            eprintln!("auth: callback: reading the OAuth state failed: {cause}");
            (None, "internal_server_error")
        }
    };
    // Checked again, as stored data: an untrusted one falls back to the error page.
    let error_url = error_url.filter(|url| !url.is_empty() && ctx.trusted.is_trusted(url, true));
    error_redirect(error_url.as_deref().unwrap_or(&default_error_url), code)
}

fn error_redirect(error_url: &str, code: &str) -> Response {
    match append_query_params(error_url, &[("error", code)]) {
        Some(location) => redirect(&location),
        None => unbuildable_url("callback"),
    }
}

/// `POST`: `<baseURL>/callback/<id>?<merged fields>`.
fn repost_as_get(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let body = call.body.as_ref().and_then(Value::as_object);
    let pairs: Vec<(&str, &str)> = KEYS
        .iter()
        .filter_map(|&key| {
            let value = call
                .query_str(key)
                .or_else(|| body.and_then(|body| body.get(key)).and_then(Value::as_str))?;
            Some((key, value))
        })
        .collect();
    let id = call.param.as_deref().unwrap_or_default();
    redirect(&format!(
        "{}/callback/{id}?{}",
        ctx.base_url,
        form_encode(&pairs)
    ))
}

/// When `value` is an OAuth state as 1.7.5's `stateDataSchema` accepts it, its
/// `errorURL` (`Some(None)` without one); `None` when it is not one (`JSON.parse` or
/// zod would throw: upstream's `internal_server_error`).
fn oauth_state_error_url(value: &str) -> Option<Option<String>> {
    let state: Value = serde_json::from_str(value).ok()?;
    let state = state.as_object()?;
    let string = |key: &str| state.get(key).map(Value::as_str);
    let optional_string_ok = |key: &str| !matches!(string(key), Some(None));
    let required = string("callbackURL").flatten().is_some()
        && string("codeVerifier").flatten().is_some()
        && state.get("expiresAt").is_some_and(Value::is_number);
    let optional = ["errorURL", "newUserURL", "oauthState", "idTokenNonce"]
        .into_iter()
        .all(optional_string_ok)
        && state.get("requestSignUp").is_none_or(Value::is_boolean)
        && state.get("serverContext").is_none_or(Value::is_object)
        && state.get("link").is_none_or(|link| {
            // `{ email: string, userId: z.coerce.string() }`: any userId coerces.
            link.get("email").is_some_and(Value::is_string)
        });
    (required && optional).then(|| string("errorURL").flatten().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::oauth_state_error_url;

    #[test]
    fn recognises_oauth_states() {
        let state = r#"{"callbackURL":"/cb","codeVerifier":"x","expiresAt":1,"errorURL":"http://localhost:3001/err"}"#;
        assert_eq!(
            oauth_state_error_url(state),
            Some(Some("http://localhost:3001/err".to_owned()))
        );
        assert_eq!(
            oauth_state_error_url(r#"{"callbackURL":"/cb","codeVerifier":"x","expiresAt":1}"#),
            Some(None)
        );
        for not_a_state in [
            "JoHnDoEuSeRiD0123456789abcdefghi",
            "12345",
            r#"{"callbackURL":"/cb","codeVerifier":"x"}"#,
            r#"{"callbackURL":"/cb","codeVerifier":"x","expiresAt":1,"errorURL":null}"#,
            r#"{"callbackURL":"/cb","codeVerifier":"x","expiresAt":1,"link":{}}"#,
        ] {
            assert_eq!(oauth_state_error_url(not_a_state), None, "{not_a_state}");
        }
    }
}

#[cfg(test)]
mod routed_tests {
    use spinstack_http::{Request, Response};

    use crate::router::handle;
    use crate::testing::{FakeSessions, FakeUsers, FakeVerifications, NOW, context_with};
    use crate::urls::{form_encode, hostile};

    fn call(rows: &FakeVerifications, request: &Request) -> Response {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        handle(request, &context_with(&sessions, &users, rows))
    }

    fn location(rows: &FakeVerifications, path: &str) -> Option<String> {
        let reply = call(rows, &Request::new("GET", path));
        assert_eq!(reply.status, 302, "{path}");
        reply.header("location").map(str::to_owned)
    }

    #[test]
    fn get_ends_at_the_error_page() {
        let rows = FakeVerifications::default();
        rows.insert("reset-password:tok", "user-id", NOW + 1);
        rows.insert(
            "st1",
            r#"{"callbackURL":"/cb","codeVerifier":"x","expiresAt":1,"errorURL":"http://localhost:3001/err"}"#,
            NOW + 1,
        );
        let error = "http://localhost:3000/api/auth/error?error=";
        for (path, expected) in [
            (
                "/api/auth/callback/github",
                format!("{error}state_not_found"),
            ),
            (
                "/api/auth/callback/github?code=a&state=",
                format!("{error}state_not_found"),
            ),
            (
                "/api/auth/callback/github?state=nope",
                format!("{error}state_mismatch"),
            ),
            (
                "/api/auth/callback/github?state=reset-password%3Atok",
                format!("{error}internal_server_error"),
            ),
            (
                "/api/auth/callback/github?state=st1&code=c",
                "http://localhost:3001/err?error=state_mismatch".to_owned(),
            ),
        ] {
            assert_eq!(location(&rows, path), Some(expected), "{path}");
        }
        let broken = FakeVerifications {
            fail: true,
            ..FakeVerifications::default()
        };
        assert_eq!(
            location(&broken, "/api/auth/callback/x?state=s"),
            Some(format!("{error}internal_server_error"))
        );
    }

    #[test]
    fn hostile_error_urls_never_redirect_off_site() {
        // A state row's `errorURL` is stored data, not checked at this request.
        for error_url in hostile::CALLBACK_URLS {
            let rows = FakeVerifications::default();
            let state = serde_json::json!({
                "callbackURL": "/cb",
                "codeVerifier": "x",
                "expiresAt": 1,
                "errorURL": error_url,
            });
            rows.insert("st1", &state.to_string(), NOW + 1);
            let path = "/api/auth/callback/github?state=st1&code=c";
            let reply = call(&rows, &Request::new("GET", path));
            hostile::assert_stays_home(&format!("http://localhost:3000{path}"), &reply, error_url);
        }
        // The POST form echoes fields into the query only.
        for value in hostile::CALLBACK_URLS {
            let rows = FakeVerifications::default();
            let path = format!("/api/auth/callback/x?{}", form_encode(&[("state", value)]));
            let request = Request::new("POST", &path)
                .with_header("content-type", "application/x-www-form-urlencoded")
                .with_body(form_encode(&[("code", value), ("user", value)]));
            let reply = call(&rows, &request);
            hostile::assert_stays_home(&format!("http://localhost:3000{path}"), &reply, value);
        }
    }

    #[test]
    fn post_redirects_to_the_get_form() {
        let rows = FakeVerifications::default();
        let post = |path: &str, content_type: &str, body: &str| {
            let request = Request::new("POST", path)
                .with_header("content-type", content_type)
                .with_body(body.to_owned());
            call(&rows, &request).header("location").map(str::to_owned)
        };
        assert_eq!(
            post(
                "/api/auth/callback/github?iss=x&code=q",
                "application/x-www-form-urlencoded",
                "code=abc&state=s%26t&user=%7B%7D&extra=1"
            )
            .as_deref(),
            Some(
                "http://localhost:3000/api/auth/callback/github?code=q&state=s%26t&user=%7B%7D&iss=x"
            )
        );
        assert_eq!(
            post("/api/auth/callback/a%20b", "application/json", "{}").as_deref(),
            Some("http://localhost:3000/api/auth/callback/a%20b?")
        );
    }
}
