//! Replays the exchanges better-auth 1.7.5 answered (tests/reference/exchanges.json,
//! recorded by tests/reference/generate.mjs with the template's options) through
//! `endpoint::check`: where Better Auth refused the request with one of the
//! request-level rules, the rejection must be byte-identical; where the request got
//! past them (to the handler's own answer), `check` must let it through. The few
//! deliberate differences are listed in [`DELIBERATE`] with our answer.

use serde_json::Value;
use spinstack_auth_rules::{TrustedOrigins, email, endpoint};
use spinstack_http::Request;

/// The codes the request-level rules produce (the handlers never do).
const RULE_CODES: &[&str] = &[
    "UNSUPPORTED_MEDIA_TYPE",
    "BAD_REQUEST",
    "VALIDATION_ERROR",
    "MISSING_OR_NULL_ORIGIN",
    "INVALID_ORIGIN",
    "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
    "INVALID_CALLBACK_URL",
    "INVALID_REDIRECT_URL",
    "INVALID_ERROR_CALLBACK_URL",
    "INVALID_NEW_USER_CALLBACK_URL",
];

/// Cases where we refuse on purpose what 1.7.5 let through: `(name, status, body)`.
/// A callback URL that resolves to a protocol-relative path (`/..//evil.com`) is an
/// open redirect upstream (see `origin::is_safe_relative_url`).
const DELIBERATE: &[(&str, u16, &str)] = &[(
    "sign-in traversal callbackURL",
    403,
    r#"{"message":"Invalid callbackURL","code":"INVALID_CALLBACK_URL"}"#,
)];

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key].as_str().unwrap_or_default()
}

fn request(case: &Value) -> Request {
    let target = text(case, "target");
    let mut request = Request::new(text(case, "method"), &format!("/api/auth{target}"))
        // As Spin adds it; the reference ran at http://localhost:3000.
        .with_header(
            "spin-full-url",
            &format!("http://localhost:3000/api/auth{target}"),
        );
    for pair in case["headers"].as_array().into_iter().flatten() {
        request = request.with_header(
            pair[0].as_str().unwrap_or_default(),
            pair[1].as_str().unwrap_or_default(),
        );
    }
    if let Some(body) = case["body"].as_str() {
        request = request.with_body(body);
    }
    request
}

#[test]
fn matches_better_auth() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("reference/exchanges.json")).expect("fixture");
    let trusted = TrustedOrigins::new("http://localhost:3000", ["http://localhost:3001"]);
    let mut failures = Vec::new();
    let (mut refused, mut passed) = (0, 0);
    for case in &cases {
        let name = text(case, "name");
        let request = request(case);
        let path = request.path.trim_start_matches("/api/auth");
        let route = endpoint::find(&request.method, path).expect("every case has a route");
        let got = endpoint::check(route, &request, &trusted);
        if let Some(&(_, status, body)) = DELIBERATE.iter().find(|(known, ..)| *known == name) {
            match &got {
                Err(rejection)
                    if rejection.status == status
                        && rejection.to_response().body == body.as_bytes() => {}
                _ => failures.push(format!("{name}: want our deliberate {status} {body}")),
            }
            continue;
        }
        let status = case["status"].as_u64().unwrap_or_default();
        let reference = text(case, "response");
        let reference_json: Value = serde_json::from_str(reference).unwrap_or(Value::Null);
        let code = reference_json["code"].as_str();
        let message_only = reference_json.get("message").is_some() && code.is_none();
        let by_rule =
            code.is_some_and(|code| RULE_CODES.contains(&code)) || (status == 400 && message_only);
        if by_rule {
            refused += 1;
        } else {
            passed += 1;
        }
        match (&got, by_rule) {
            (Err(rejection), true) => {
                let body = rejection.to_response().body;
                if u64::from(rejection.status) != status || body != reference.as_bytes() {
                    failures.push(format!(
                        "{name}: got {} {}, want {status} {reference}",
                        rejection.status,
                        String::from_utf8_lossy(&body)
                    ));
                }
            }
            (Ok(checked), false) => {
                // Sign-in's own email rule comes first in its handler.
                if code == Some("INVALID_EMAIL") {
                    let email = checked.body.as_ref().and_then(|b| b["email"].as_str());
                    let rejection = email::sign_in_email(email.unwrap_or_default())
                        .expect_err("reference refused the email");
                    assert_eq!(rejection.to_response().body, reference.as_bytes(), "{name}");
                }
            }
            (Err(rejection), false) => failures.push(format!(
                "{name}: refused with {rejection}, but the reference reached the handler ({status} {reference})"
            )),
            (Ok(_), true) => failures.push(format!("{name}: passed, want {status} {reference}")),
        }
    }
    for (name, ..) in DELIBERATE {
        assert!(
            cases.iter().any(|case| text(case, "name") == *name),
            "no case {name:?}"
        );
    }
    // Both kinds of answer are exercised.
    assert!(
        refused > 80 && passed > 20,
        "{refused} refused, {passed} passed"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
