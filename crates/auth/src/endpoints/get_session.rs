//! `GET /api/auth/get-session` (spec §3.6): `null` or `{session, user}`, never cached,
//! with whatever cookies the resolution asks for.

use spinstack_http::{Request, Response};
use spinstack_sessions::Outcome;
use spinstack_sessions::json::SessionWithUserJson;

use crate::error::api_error;
use spinstack_sessions::SessionResolver;

const FAILED: (&str, &str) = ("FAILED_TO_GET_SESSION", "Failed to get session");

/// Answers get-session.
pub fn get_session(request: &Request, sessions: &dyn SessionResolver) -> Response {
    // `disableRefresh` counts with JavaScript truthiness of the string.
    let disable_refresh = request
        .query_param("disableRefresh")
        .is_some_and(|value| !value.is_empty());
    let cookie_header = request.cookie_header();
    let resolved = match sessions.resolve(cookie_header.as_deref(), disable_refresh) {
        Ok(resolved) => resolved,
        Err(cause) => {
            eprintln!("get-session: {cause}");
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

/// Puts the `Set-Cookie` lines first, then `Cache-Control`/`Pragma`, as Better Auth
/// orders them.
fn no_store(response: Response, set_cookies: &[String]) -> Response {
    let mut headers: Vec<(String, String)> = set_cookies
        .iter()
        .map(|cookie| ("set-cookie".to_owned(), cookie.clone()))
        .collect();
    headers.push(("cache-control".to_owned(), "no-store".to_owned()));
    headers.push(("pragma".to_owned(), "no-cache".to_owned()));
    headers.extend(response.headers);
    Response {
        headers,
        ..response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spinstack_sessions::ResolvedSession;
    use std::cell::RefCell;

    struct Fixed {
        answer: Result<ResolvedSession, String>,
        seen: RefCell<Vec<(Option<String>, bool)>>,
    }

    impl SessionResolver for Fixed {
        fn resolve(&self, cookie: Option<&str>, disable: bool) -> Result<ResolvedSession, String> {
            self.seen
                .borrow_mut()
                .push((cookie.map(str::to_owned), disable));
            self.answer.clone()
        }
    }

    fn fixed(answer: Result<ResolvedSession, String>) -> Fixed {
        Fixed {
            answer,
            seen: RefCell::new(Vec::new()),
        }
    }

    #[test]
    fn anonymous_is_null_and_not_cached() {
        let sessions = fixed(Ok(ResolvedSession {
            outcome: Outcome::Anonymous,
            set_cookies: vec!["a=; Max-Age=0".into()],
        }));
        let resp = get_session(&Request::new("GET", "/api/auth/get-session"), &sessions);
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, b"null");
        let names: Vec<&str> = resp.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["set-cookie", "cache-control", "pragma", "content-type"]
        );
    }

    #[test]
    fn disable_refresh_uses_string_truthiness() {
        let sessions = fixed(Ok(ResolvedSession {
            outcome: Outcome::Anonymous,
            set_cookies: vec![],
        }));
        for (query, expected) in [
            ("", false),
            ("?disableRefresh=", false),
            ("?disableRefresh=false", true),
        ] {
            let req = Request::new("GET", &format!("/api/auth/get-session{query}"))
                .with_header("cookie", "x=1");
            get_session(&req, &sessions);
            assert_eq!(
                sessions.seen.borrow().last(),
                Some(&(Some("x=1".to_owned()), expected))
            );
        }
    }

    #[test]
    fn refresh_failure_is_401() {
        let sessions = fixed(Ok(ResolvedSession {
            outcome: Outcome::RefreshFailed,
            set_cookies: vec![],
        }));
        let resp = get_session(&Request::new("GET", "/api/auth/get-session"), &sessions);
        assert_eq!(resp.status, 401);
        assert_eq!(
            resp.body,
            br#"{"message":"Failed to get session","code":"FAILED_TO_GET_SESSION"}"#
        );
    }

    #[test]
    fn backend_failure_is_500_without_internals() {
        let sessions = fixed(Err("connection refused at 10.0.0.1".into()));
        let resp = get_session(&Request::new("GET", "/api/auth/get-session"), &sessions);
        assert_eq!(resp.status, 500);
        assert!(!String::from_utf8_lossy(&resp.body).contains("10.0.0.1"));
    }
}
