//! Owns the per-endpoint rule table (which media types, schemas and origin checks
//! apply to each Better Auth route) and [`check`], which runs them in Better Auth's
//! order (spec §2.4 steps 4–7): body media type and JSON → router-level origin and
//! callback-URL check → body then query validation (then our NUL rule, see
//! [`crate::storable`]) → login CSRF → the GET
//! endpoints' `callbackURL` check. Session middlewares and handlers come after.

use serde_json::{Map, Value};
use spinstack_http::Request;

use crate::Rejection;
use crate::body::{MediaTypes, parse_body, query_object};
use crate::csrf::{check_callback_url, check_login_csrf, check_router_origin};
use crate::origin::TrustedOrigins;
use crate::schemas as s;
use crate::storable::{check_no_nul, check_query_no_nul};
use crate::validation::{Schema, Target, validate};

/// The request-level rules of one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The path under `/api/auth`, with `:name` for a path parameter.
    pub path: &'static str,
    /// The methods the route answers.
    pub methods: &'static [&'static str],
    /// The body media types it accepts.
    pub media_types: MediaTypes,
    /// Its body schema, if it declares one.
    pub body: Option<&'static Schema>,
    /// Its query schema, if it declares one.
    pub query: Option<&'static Schema>,
    /// Whether the login CSRF rule applies (sign-in and sign-up by email).
    pub login_csrf: bool,
    /// Whether `query.callbackURL` is checked after validation (GET callbacks).
    pub query_callback: bool,
}

const fn route(path: &'static str, methods: &'static [&'static str]) -> Endpoint {
    Endpoint {
        path,
        methods,
        media_types: MediaTypes::Json,
        body: None,
        query: None,
        login_csrf: false,
        query_callback: false,
    }
}

const fn post(path: &'static str, body: &'static Schema) -> Endpoint {
    Endpoint {
        body: Some(body),
        ..route(path, POST)
    }
}

const fn get_with_callback(path: &'static str, query: &'static Schema) -> Endpoint {
    Endpoint {
        query: Some(query),
        query_callback: true,
        ..route(path, GET)
    }
}

const GET: &[&str] = &["GET"];
const POST: &[&str] = &["POST"];
const GET_POST: &[&str] = &["GET", "POST"];

/// Every route of Better Auth's email/password API in this configuration.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        media_types: MediaTypes::FormOrJson,
        login_csrf: true,
        ..post("/sign-up/email", &s::SIGN_UP_EMAIL)
    },
    Endpoint {
        media_types: MediaTypes::FormOrJson,
        login_csrf: true,
        ..post("/sign-in/email", &s::SIGN_IN_EMAIL)
    },
    post("/sign-out", &s::SIGN_OUT),
    Endpoint {
        query: Some(&s::GET_SESSION_QUERY),
        ..route("/get-session", GET_POST)
    },
    route("/list-sessions", GET),
    post("/revoke-session", &s::REVOKE_SESSION),
    route("/revoke-sessions", POST),
    route("/revoke-other-sessions", POST),
    post("/update-user", &s::FIELD_RECORD),
    post("/change-password", &s::CHANGE_PASSWORD),
    post("/change-email", &s::CHANGE_EMAIL),
    post("/delete-user", &s::DELETE_USER),
    get_with_callback("/delete-user/callback", &s::DELETE_USER_CALLBACK_QUERY),
    // Its own `originCheck` on `body.redirectTo` repeats the router-level check.
    post("/request-password-reset", &s::REQUEST_PASSWORD_RESET),
    get_with_callback("/reset-password/:token", &s::RESET_PASSWORD_CALLBACK_QUERY),
    Endpoint {
        query: Some(&s::RESET_PASSWORD_QUERY),
        ..post("/reset-password", &s::RESET_PASSWORD)
    },
    post("/verify-password", &s::VERIFY_PASSWORD),
    post("/send-verification-email", &s::SEND_VERIFICATION_EMAIL),
    get_with_callback("/verify-email", &s::VERIFY_EMAIL_QUERY),
    post("/update-session", &s::FIELD_RECORD),
    route("/list-accounts", GET),
    post("/unlink-account", &s::UNLINK_ACCOUNT),
    post("/sign-in/social", &s::SIGN_IN_SOCIAL),
    post("/link-social", &s::LINK_SOCIAL),
    post("/get-access-token", &s::ACCOUNT_SELECTION),
    post("/refresh-token", &s::ACCOUNT_SELECTION),
    Endpoint {
        query: Some(&s::ACCOUNT_SELECTION),
        ..route("/account-info", GET)
    },
    Endpoint {
        media_types: MediaTypes::FormOrJson,
        body: Some(&s::OAUTH_CALLBACK),
        query: Some(&s::OAUTH_CALLBACK),
        ..route("/callback/:id", GET_POST)
    },
    route("/ok", GET),
    route("/error", GET),
];

/// The route for `method` and `path` (relative to `/api/auth`, e.g. `/sign-in/email`),
/// matching `:name` segments against any non-empty segment. `None` is better-call's
/// 404 (unknown path or wrong method).
pub fn find(method: &str, path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS
        .iter()
        .find(|endpoint| endpoint.methods.contains(&method) && path_matches(endpoint.path, path))
}

fn path_matches(pattern: &str, path: &str) -> bool {
    let mut wanted = pattern.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with(':') && !g.is_empty() => {}
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

/// What the rules let through, for the handler.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The parsed body (`None`: the request had none), validated if the route has a
    /// body schema. Defaults (sign-in's `rememberMe: true`) are not filled in.
    pub body: Option<Value>,
    /// The query (values are strings, or arrays for repeated keys).
    pub query: Map<String, Value>,
}

/// Runs `endpoint`'s request-level rules on `request` in Better Auth's order; the
/// first failure is the answer.
///
/// # Errors
/// The [`Rejection`] of the first rule that fails: 415/400 from the body, 403/400
/// from the origin and callback checks, 400 `VALIDATION_ERROR`, 403 from login CSRF.
pub fn check(
    endpoint: &Endpoint,
    request: &Request,
    trusted: &TrustedOrigins,
) -> Result<Checked, Rejection> {
    let body = parse_body(request, endpoint.media_types)?;
    let query = query_object(request);
    check_router_origin(request, body.as_ref(), &query, trusted)?;
    if let Some(schema) = endpoint.body {
        validate(schema, body.as_ref(), Target::Body)?;
    }
    if let Some(schema) = endpoint.query {
        // better-call always hands the schema an object, empty without a query.
        validate(schema, Some(&Value::Object(query.clone())), Target::Query)?;
    }
    if let Some(body) = &body {
        check_no_nul(body, Target::Body)?;
    }
    if endpoint.query.is_some() {
        check_query_no_nul(&query)?;
    }
    if endpoint.login_csrf {
        check_login_csrf(request, trusted)?;
    }
    if endpoint.query_callback {
        check_callback_url(query.get("callbackURL").and_then(Value::as_str), trusted)?;
    }
    Ok(Checked { body, query })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_routes_by_method_and_path() {
        let sign_in = find("POST", "/sign-in/email").expect("sign-in");
        assert_eq!(sign_in.media_types, MediaTypes::FormOrJson);
        assert!(sign_in.login_csrf);
        assert!(find("GET", "/sign-in/email").is_none());
        assert!(find("POST", "/sign-in/email/").is_none());
        assert!(find("POST", "/nope").is_none());
        assert!(find("GET", "/get-session").is_some());
        assert!(find("POST", "/get-session").is_some());
        let reset = find("GET", "/reset-password/abc123").expect("reset callback");
        assert_eq!(reset.path, "/reset-password/:token");
        assert!(reset.query_callback);
        assert!(find("GET", "/reset-password/").is_none());
        assert!(find("GET", "/reset-password/a/b").is_none());
        assert_eq!(
            find("POST", "/reset-password").map(|e| e.path),
            Some("/reset-password")
        );
        assert_eq!(
            find("GET", "/callback/github").map(|e| e.path),
            Some("/callback/:id")
        );
        // Every route is listed once per method.
        for (index, endpoint) in ENDPOINTS.iter().enumerate() {
            for method in endpoint.methods {
                let first = ENDPOINTS.iter().position(|other| {
                    other.methods.contains(method) && other.path == endpoint.path
                });
                assert_eq!(first, Some(index), "{method} {}", endpoint.path);
            }
        }
    }

    #[test]
    fn chain_order() {
        let trusted = TrustedOrigins::new("http://localhost:3000", ["http://localhost:3001"]);
        let sign_up = find("POST", "/sign-up/email").expect("sign-up");
        let request = |origin: &str, body: &str| {
            Request::new("POST", "/api/auth/sign-up/email")
                .with_header("content-type", "application/json")
                .with_header("origin", origin)
                .with_body(body.to_owned())
        };
        let valid = r#"{"email":"a@b.co","password":"password1234","name":"A"}"#;
        // A foreign Origin without a cookie is refused by the login CSRF rule, which
        // runs after validation...
        let foreign = check(
            sign_up,
            &request("http://evil.example.com", valid),
            &trusted,
        );
        assert_eq!(foreign.map_err(|r| r.code), Err(Some("INVALID_ORIGIN")));
        let invalid = check(sign_up, &request("http://evil.example.com", "{}"), &trusted);
        assert_eq!(invalid.map_err(|r| r.code), Err(Some("VALIDATION_ERROR")));
        // ...while a callback URL is checked before validation.
        let callback = r#"{"callbackURL":"https://evil.com"}"#;
        let refused = check(
            sign_up,
            &request("http://localhost:3001", callback),
            &trusted,
        );
        assert_eq!(
            refused.map_err(|r| r.code),
            Err(Some("INVALID_CALLBACK_URL"))
        );
        let checked = check(sign_up, &request("http://localhost:3001", valid), &trusted);
        assert_eq!(
            checked.map(|c| c.body),
            Ok(serde_json::from_str(valid).ok())
        );
    }
}
