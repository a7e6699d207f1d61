//! `GET /api/auth/get-session` (spec §3.6): `null` or `{session, user}`, never cached,
//! with whatever cookies the resolution asks for. `POST` answers 405 (no
//! `deferSessionRefresh`).

use spinstack_http::Response;
use spinstack_sessions::json::SessionWithUserJson;
use spinstack_sessions::{Lookup, Outcome};

use crate::context::AuthContext;
use crate::endpoints::{Call, with_cookies};
use crate::error::api_error;

const FAILED: (&str, &str) = ("FAILED_TO_GET_SESSION", "Failed to get session");

/// `GET /get-session`.
pub fn get_session(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    // `disableRefresh` counts with JavaScript truthiness of the string.
    let disable_refresh = call
        .request
        .query_param("disableRefresh")
        .is_some_and(|value| !value.is_empty());
    // So does `disableCookieCache`: the session is then confirmed in the database.
    let disable_cookie_cache = call
        .request
        .query_param("disableCookieCache")
        .is_some_and(|value| !value.is_empty());
    let lookup = Lookup {
        disable_refresh,
        disable_cookie_cache,
    };
    let cookie_header = call.request.cookie_header();
    let resolved = match ctx.sessions.resolve(cookie_header.as_deref(), lookup) {
        Ok(resolved) => resolved,
        Err(cause) => {
            eprintln!("auth: get-session: {cause}");
            return no_store(api_error(500, FAILED.0, FAILED.1), &[]);
        }
    };
    let response = match &resolved.outcome {
        Outcome::Anonymous => Response::json(200, &()),
        Outcome::SignedIn(live) => Response::json(200, &SessionWithUserJson::from(&**live)),
        Outcome::RefreshFailed => api_error(401, FAILED.0, FAILED.1),
    };
    no_store(response, &resolved.set_cookies)
}

/// `POST /get-session`: only allowed with `deferSessionRefresh`, which is off.
pub fn post_get_session(_: &AuthContext<'_>, _: &Call<'_>) -> Response {
    no_store(
        api_error(
            405,
            "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
            "POST method requires deferSessionRefresh to be enabled in session config",
        ),
        &[],
    )
}

/// `Set-Cookie` lines first, then `Cache-Control`/`Pragma`, as Better Auth orders them.
fn no_store(mut response: Response, set_cookies: &[String]) -> Response {
    let mut headers = vec![
        ("cache-control".to_owned(), "no-store".to_owned()),
        ("pragma".to_owned(), "no-cache".to_owned()),
    ];
    headers.append(&mut response.headers);
    with_cookies(
        Response {
            headers,
            ..response
        },
        set_cookies,
    )
}

#[cfg(test)]
mod tests {
    use crate::router::handle;
    use crate::testing::{FakeSessions, FakeUsers, context};
    use spinstack_http::Request;

    #[test]
    fn anonymous_is_null_and_not_cached() {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        let resp = handle(
            &Request::new("GET", "/api/auth/get-session"),
            &context(&sessions, &users),
        );
        assert_eq!(
            (resp.status, resp.body.as_slice()),
            (200, b"null".as_slice())
        );
        let names: Vec<&str> = resp.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["cache-control", "pragma", "content-type"]);
    }

    #[test]
    fn the_cookie_cache_is_trusted_unless_the_query_disables_it() {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        for (path, disabled) in [
            ("/api/auth/get-session", false),
            ("/api/auth/get-session?disableCookieCache=", false),
            ("/api/auth/get-session?disableCookieCache=false", true),
            (
                "/api/auth/get-session?disableCookieCache=1&disableRefresh=",
                true,
            ),
        ] {
            handle(&Request::new("GET", path), &context(&sessions, &users));
            assert_eq!(
                sessions.last_disable_cookie_cache.get(),
                Some(disabled),
                "{path}"
            );
        }
    }

    #[test]
    fn backend_failure_is_500_without_internals() {
        let sessions = FakeSessions {
            fail: true,
            ..FakeSessions::default()
        };
        let users = FakeUsers::default();
        let resp = handle(
            &Request::new("GET", "/api/auth/get-session"),
            &context(&sessions, &users),
        );
        assert_eq!(resp.status, 500);
        assert_eq!(
            resp.body,
            br#"{"message":"Failed to get session","code":"FAILED_TO_GET_SESSION"}"#
        );
    }
}
