//! Owns the request-level origin and CSRF rules (spec §5.2–§5.4, as better-auth 1.7.5
//! applies them): the router-level check of every non-GET request (Origin/Referer
//! when a cookie is sent, then the callback URL fields), sign-in/sign-up's login CSRF
//! rule with `Sec-Fetch-*`, and the `callbackURL` query check of GET endpoints.

use serde_json::{Map, Value};
use spinstack_http::Request;
use url::Url;

use crate::Rejection;
use crate::body::joined_header;
use crate::origin::TrustedOrigins;

/// A body field holding a URL the client will be sent to.
struct CallbackField {
    /// The body key.
    key: &'static str,
    /// Whether `query.<key>` stands in for a falsy body value.
    also_query: bool,
    /// The name used in its messages.
    label: &'static str,
    /// Its 403 code.
    code: &'static str,
}

/// The fields in the order Better Auth checks them.
const CALLBACK_FIELDS: [CallbackField; 4] = [
    CallbackField {
        key: "callbackURL",
        also_query: true,
        label: "callbackURL",
        code: "INVALID_CALLBACK_URL",
    },
    CallbackField {
        key: "redirectTo",
        also_query: false,
        label: "redirectURL",
        code: "INVALID_REDIRECT_URL",
    },
    CallbackField {
        key: "errorCallbackURL",
        also_query: false,
        label: "errorCallbackURL",
        code: "INVALID_ERROR_CALLBACK_URL",
    },
    CallbackField {
        key: "newUserCallbackURL",
        also_query: false,
        label: "newUserCallbackURL",
        code: "INVALID_NEW_USER_CALLBACK_URL",
    },
];

/// The router-level check Better Auth runs on every request but GET, HEAD and
/// OPTIONS, after body parsing and before schema validation (spec §5.2):
/// 1. when a `Cookie` header is present (whatever it holds), Origin — or else
///    Referer — must be present, not `null`, and trusted;
/// 2. `callbackURL` (body, else query), `redirectTo`, `errorCallbackURL` and
///    `newUserCallbackURL` (body), when truthy in JavaScript's sense, must be strings
///    that are trusted absolute URLs or safe relative paths.
///
/// `body` is the raw parsed body ([`crate::body::parse_body`]) and `query` the raw
/// query ([`crate::body::query_object`]): the check sees them before validation.
///
/// # Errors
/// 403 `MISSING_OR_NULL_ORIGIN` / `INVALID_ORIGIN`; 403 `INVALID_CALLBACK_URL`,
/// `INVALID_REDIRECT_URL`, `INVALID_ERROR_CALLBACK_URL`,
/// `INVALID_NEW_USER_CALLBACK_URL`; 400 `{"message":"Invalid <label>: expected a
/// string"}` (no code) for a truthy non-string value.
pub fn check_router_origin(
    request: &Request,
    body: Option<&Value>,
    query: &Map<String, Value>,
    trusted: &TrustedOrigins,
) -> Result<(), Rejection> {
    if matches!(request.method.as_str(), "GET" | "HEAD" | "OPTIONS") {
        return Ok(());
    }
    validate_origin(request, trusted, false)?;
    let body = body.and_then(Value::as_object);
    for field in CALLBACK_FIELDS {
        let truthy = |value: &&Value| is_truthy(value);
        let value = body
            .and_then(|body| body.get(field.key))
            .filter(truthy)
            .or_else(|| {
                field
                    .also_query
                    .then(|| query.get(field.key))
                    .flatten()
                    .filter(truthy)
            });
        let Some(value) = value else {
            continue;
        };
        let Value::String(url) = value else {
            let message = format!("Invalid {}: expected a string", field.label);
            return Err(Rejection::message_only(400, message));
        };
        if !trusted.is_trusted(url, true) {
            let message = format!("Invalid {}", field.label);
            return Err(Rejection::new(403, field.code, message));
        }
    }
    Ok(())
}

/// The login CSRF rule of `/sign-in/email` and `/sign-up/email` (spec §5.3), run
/// after schema validation: with a `Cookie` header, the origin check of
/// [`check_router_origin`]; otherwise, when any `Sec-Fetch-Site`/`-Mode`/`-Dest` is
/// present, a cross-site navigation is refused and Origin or Referer is required
/// and must be trusted; with no fetch metadata, an Origin or Referer that is
/// present must be trusted, and a request with neither (curl, server-to-server) is
/// allowed.
///
/// # Errors
/// 403 `CROSS_SITE_NAVIGATION_LOGIN_BLOCKED`, `MISSING_OR_NULL_ORIGIN`,
/// `INVALID_ORIGIN`.
pub fn check_login_csrf(request: &Request, trusted: &TrustedOrigins) -> Result<(), Rejection> {
    if has_header(request, "cookie") {
        return validate_origin(request, trusted, false);
    }
    let site = joined_header(request, "sec-fetch-site");
    let mode = joined_header(request, "sec-fetch-mode");
    let dest = joined_header(request, "sec-fetch-dest");
    let present = |value: &Option<String>| value.as_deref().is_some_and(|v| !js_trim(v).is_empty());
    if present(&site) || present(&mode) || present(&dest) {
        if site.as_deref() == Some("cross-site") && mode.as_deref() == Some("navigate") {
            return Err(Rejection::new(
                403,
                "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
                "Cross-site navigation login blocked. This request appears to be a CSRF attack.",
            ));
        }
        return validate_origin(request, trusted, true);
    }
    let non_empty = |name| joined_header(request, name).is_some_and(|v| !v.is_empty());
    if non_empty("origin") || non_empty("referer") {
        return validate_origin(request, trusted, true);
    }
    Ok(())
}

/// The `callbackURL` query check of `GET /verify-email`, `GET /reset-password/:token`
/// and `GET /delete-user/callback` (spec §5.4), run after query validation (so the
/// value is a string when present). Absent or empty passes.
///
/// # Errors
/// 403 `INVALID_CALLBACK_URL`.
pub fn check_callback_url(
    callback_url: Option<&str>,
    trusted: &TrustedOrigins,
) -> Result<(), Rejection> {
    match callback_url {
        Some(url) if !url.is_empty() && !trusted.is_trusted(url, true) => Err(Rejection::new(
            403,
            "INVALID_CALLBACK_URL",
            "Invalid callbackURL",
        )),
        _ => Ok(()),
    }
}

/// The origin the request was addressed to (what Better Auth reads from
/// `request.url`): from Spin's `spin-full-url` header, else `http://` + `Host`.
pub fn request_origin(request: &Request) -> Option<String> {
    let url = match request.header("spin-full-url") {
        Some(full) => full.to_owned(),
        None => format!("http://{}", request.header("host")?),
    };
    let origin = Url::parse(&url).ok()?.origin().ascii_serialization();
    (origin != "null").then_some(origin)
}

/// Better Auth's `validateOrigin`: runs when forced or when a cookie is sent.
fn validate_origin(
    request: &Request,
    trusted: &TrustedOrigins,
    force: bool,
) -> Result<(), Rejection> {
    if !(force || has_header(request, "cookie")) {
        return Ok(());
    }
    let origin = joined_header(request, "origin");
    // A sandboxed or privacy-preserving same-origin request says `Origin: null`; the
    // request's own origin stands in for it then.
    let inferred = (origin.as_deref() == Some("null")
        && joined_header(request, "sec-fetch-site").as_deref() == Some("same-origin"))
    .then(|| request_origin(request))
    .flatten();
    let candidate = inferred
        .or(origin.filter(|value| !value.is_empty()))
        .or_else(|| joined_header(request, "referer"))
        .unwrap_or_default();
    if candidate.is_empty() || candidate == "null" {
        return Err(Rejection::new(
            403,
            "MISSING_OR_NULL_ORIGIN",
            "Missing or null Origin",
        ));
    }
    if !trusted.is_trusted(&candidate, false) {
        return Err(Rejection::new(403, "INVALID_ORIGIN", "Invalid origin"));
    }
    Ok(())
}

fn has_header(request: &Request, name: &str) -> bool {
    request
        .headers
        .iter()
        .any(|(key, _)| key.eq_ignore_ascii_case(name))
}

/// JavaScript truthiness of a JSON value.
fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n != 0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// JavaScript's `String.prototype.trim`.
fn js_trim(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const WEB: &str = "http://localhost:3001";

    fn trusted() -> TrustedOrigins {
        TrustedOrigins::new("http://localhost:3000", [WEB])
    }

    fn post(headers: &[(&str, &str)]) -> Request {
        headers.iter().fold(
            Request::new("POST", "/api/auth/sign-out"),
            |request, (name, value)| request.with_header(name, value),
        )
    }

    fn router(request: &Request, body: Value) -> Result<(), Rejection> {
        check_router_origin(request, Some(&body), &Map::new(), &trusted())
    }

    fn code(result: Result<(), Rejection>) -> Option<&'static str> {
        result.err().and_then(|rejection| rejection.code)
    }

    #[test]
    fn origin_is_checked_only_with_a_cookie() {
        let check = |headers: &[(&str, &str)]| code(router(&post(headers), json!({})));
        assert_eq!(check(&[("cookie", "a=1")]), Some("MISSING_OR_NULL_ORIGIN"));
        assert_eq!(
            check(&[("cookie", "a=1"), ("origin", "null")]),
            Some("MISSING_OR_NULL_ORIGIN")
        );
        assert_eq!(
            check(&[("cookie", ""), ("origin", "http://evil.com")]),
            Some("INVALID_ORIGIN")
        );
        assert_eq!(check(&[("cookie", "a=1"), ("origin", WEB)]), None);
        // A Referer with a path matches by its origin.
        let referer = "http://localhost:3001/dashboard?x=1";
        assert_eq!(check(&[("cookie", "a=1"), ("referer", referer)]), None);
        // A trusted Referer does not rescue an untrusted Origin.
        assert_eq!(
            check(&[
                ("cookie", "a=1"),
                ("origin", "http://evil.com"),
                ("referer", referer)
            ]),
            Some("INVALID_ORIGIN")
        );
        // No cookie: any Origin passes the router-level check.
        assert_eq!(check(&[("origin", "http://evil.com")]), None);
        // GET is never checked.
        let get = Request::new("GET", "/api/auth/get-session").with_header("cookie", "a=1");
        assert_eq!(router(&get, json!({})), Ok(()));
        let rejection = router(&post(&[("cookie", "a=1")]), json!({})).expect_err("no origin");
        assert_eq!(rejection.status, 403);
        assert_eq!(
            rejection.to_response().body,
            br#"{"message":"Missing or null Origin","code":"MISSING_OR_NULL_ORIGIN"}"#
        );
    }

    #[test]
    fn null_origin_from_the_same_origin_stands_for_the_request_origin() {
        let request = post(&[
            ("cookie", "a=1"),
            ("origin", "null"),
            ("sec-fetch-site", "same-origin"),
            ("host", "localhost:3000"),
        ]);
        assert_eq!(router(&request, json!({})), Ok(()));
        let foreign_host = post(&[
            ("cookie", "a=1"),
            ("origin", "null"),
            ("sec-fetch-site", "same-origin"),
            ("spin-full-url", "http://evil.com/api/auth/sign-out"),
        ]);
        assert_eq!(
            code(router(&foreign_host, json!({}))),
            Some("INVALID_ORIGIN")
        );
        assert_eq!(
            request_origin(&foreign_host).as_deref(),
            Some("http://evil.com")
        );
    }

    #[test]
    fn callback_fields() {
        let request = post(&[]);
        let refused = |body| router(&request, body).map_err(|r| (r.status, r.code, r.message));
        assert_eq!(
            refused(json!({"callbackURL": "https://evil.com/x"})),
            Err((
                403,
                Some("INVALID_CALLBACK_URL"),
                "Invalid callbackURL".to_owned()
            ))
        );
        assert_eq!(
            refused(json!({"redirectTo": "//evil.com"})),
            Err((
                403,
                Some("INVALID_REDIRECT_URL"),
                "Invalid redirectURL".to_owned()
            ))
        );
        assert_eq!(
            refused(json!({"errorCallbackURL": "myapp://x"})),
            Err((
                403,
                Some("INVALID_ERROR_CALLBACK_URL"),
                "Invalid errorCallbackURL".to_owned()
            ))
        );
        assert_eq!(
            refused(json!({"newUserCallbackURL": "/a%2f"})),
            Err((
                403,
                Some("INVALID_NEW_USER_CALLBACK_URL"),
                "Invalid newUserCallbackURL".to_owned()
            ))
        );
        assert_eq!(
            refused(json!({"callbackURL": 5})),
            Err((
                400,
                None,
                "Invalid callbackURL: expected a string".to_owned()
            ))
        );
        assert_eq!(
            refused(json!({"redirectTo": true})),
            Err((
                400,
                None,
                "Invalid redirectURL: expected a string".to_owned()
            ))
        );
        // Falsy values are skipped (the schema reports them).
        assert_eq!(
            refused(json!({"callbackURL": false, "redirectTo": 0, "errorCallbackURL": ""})),
            Ok(())
        );
        assert_eq!(
            refused(
                json!({"callbackURL": "/dashboard", "redirectTo": "http://localhost:3000/reset"})
            ),
            Ok(())
        );
        // The query's callbackURL stands in for a falsy body one.
        let mut query = Map::new();
        query.insert("callbackURL".to_owned(), json!("https://evil.com"));
        let body = json!({"callbackURL": ""});
        assert_eq!(
            code(check_router_origin(
                &request,
                Some(&body),
                &query,
                &trusted()
            )),
            Some("INVALID_CALLBACK_URL")
        );
        query.insert("callbackURL".to_owned(), json!(["/a", "/b"]));
        let rejection = check_router_origin(&request, None, &query, &trusted()).expect_err("array");
        assert_eq!(
            rejection.to_response().body,
            br#"{"message":"Invalid callbackURL: expected a string"}"#
        );
    }

    #[test]
    fn login_csrf() {
        let check = |headers: &[(&str, &str)]| code(check_login_csrf(&post(headers), &trusted()));
        let rejection = check_login_csrf(
            &post(&[
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "navigate"),
                ("origin", WEB),
            ]),
            &trusted(),
        )
        .expect_err("navigation");
        assert_eq!(
            rejection.to_response().body,
            br#"{"message":"Cross-site navigation login blocked. This request appears to be a CSRF attack.","code":"CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"}"#
        );
        assert_eq!(rejection.status, 403);
        // Fetch metadata makes Origin/Referer mandatory.
        assert_eq!(
            check(&[("sec-fetch-site", "cross-site"), ("sec-fetch-mode", "cors")]),
            Some("MISSING_OR_NULL_ORIGIN")
        );
        assert_eq!(
            check(&[("sec-fetch-dest", "document")]),
            Some("MISSING_OR_NULL_ORIGIN")
        );
        // Any one of the three headers alone is fetch metadata.
        assert_eq!(
            check(&[("sec-fetch-site", "same-origin")]),
            Some("MISSING_OR_NULL_ORIGIN")
        );
        assert_eq!(
            check(&[("sec-fetch-mode", "cors")]),
            Some("MISSING_OR_NULL_ORIGIN")
        );
        assert_eq!(
            check(&[("sec-fetch-site", "same-site"), ("origin", WEB)]),
            None
        );
        // Blank fetch metadata counts as absent.
        assert_eq!(check(&[("sec-fetch-dest", "  ")]), None);
        // Without fetch metadata: a present Origin/Referer must be trusted, none is fine.
        assert_eq!(
            check(&[("origin", "http://evil.example.com")]),
            Some("INVALID_ORIGIN")
        );
        assert_eq!(
            check(&[("referer", "http://evil.example.com/login")]),
            Some("INVALID_ORIGIN")
        );
        assert_eq!(check(&[("origin", "null")]), Some("MISSING_OR_NULL_ORIGIN"));
        assert_eq!(check(&[]), None);
        // With a cookie, only the origin check (a navigation from a trusted origin passes).
        assert_eq!(
            check(&[
                ("cookie", "a=1"),
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "navigate"),
                ("origin", WEB)
            ]),
            None
        );
        assert_eq!(check(&[("cookie", "a=1")]), Some("MISSING_OR_NULL_ORIGIN"));
    }

    #[test]
    fn get_callback_url() {
        assert_eq!(check_callback_url(None, &trusted()), Ok(()));
        assert_eq!(check_callback_url(Some(""), &trusted()), Ok(()));
        assert_eq!(check_callback_url(Some("/done"), &trusted()), Ok(()));
        assert_eq!(
            check_callback_url(Some("http://localhost:3001/done"), &trusted()),
            Ok(())
        );
        let rejection =
            check_callback_url(Some("https://evil.com"), &trusted()).expect_err("foreign");
        assert_eq!(
            rejection.to_response().body,
            br#"{"message":"Invalid callbackURL","code":"INVALID_CALLBACK_URL"}"#
        );
    }
}
