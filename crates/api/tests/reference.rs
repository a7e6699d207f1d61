//! Replays what oRPC 1.16.1 and zod 4.6.7 answered (tests/reference/, recorded by the
//! scripts there) through this crate:
//!
//! - `exchanges.json`: the template's router behind `RPCHandler` and `OpenAPIHandler`
//!   (plus the Elysia wrapper's `Not Found`), every exchange in order against the same
//!   in-memory todo table; status, content type and body must match byte for byte.
//! - `issues.json`: inputs validated against the JSON Schema `@orpc/zod` derives from
//!   a zod schema; our validator must report zod's issues.

use serde_json::Value;
use spinstack_api::testing::{FixedSessions, MemoryTodos};
use spinstack_api::validate::{Issue, validate};
use spinstack_api::{Services, router};
use spinstack_http::Request;
use spinstack_orpc::rpc::decode_input;

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key].as_str().unwrap_or_default()
}

fn request(case: &Value) -> Request {
    let mut request = Request::new(text(case, "method"), text(case, "target"));
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
fn exchanges_match_orpc() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("reference/exchanges.json")).expect("fixture");
    let todos = MemoryTodos::default();
    let sessions = FixedSessions::signed_in("better-auth.session_token=valid");
    let services = Services {
        sessions: &sessions,
        todos: &todos,
    };
    let mut failures = Vec::new();
    for case in &cases {
        let request = request(case);
        let response = if request.path.starts_with("/api-reference") {
            spinstack_api::rest::handle(&request, router(), services)
                .unwrap_or_else(spinstack_orpc::rpc::unmatched)
        } else {
            spinstack_api::rpc::handle(&request, router(), services)
        };
        let body = String::from_utf8_lossy(&response.body);
        // Node's fetch writes `text/plain;charset=UTF-8`; we send what Bun's does.
        let content_type = response
            .header("content-type")
            .map(|t| t.replace("charset=utf-8", "charset=UTF-8"));
        let expected = (
            case["status"].as_u64().unwrap_or_default(),
            case["contentType"].as_str(),
            text(case, "response"),
        );
        let actual = (
            u64::from(response.status),
            content_type.as_deref(),
            body.as_ref(),
        );
        if actual != expected {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  actual   {actual:?}",
                text(case, "name")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() > 100);
}

#[test]
fn issues_match_zod() {
    let suites: Vec<Value> =
        serde_json::from_str(include_str!("reference/issues.json")).expect("fixture");
    let mut failures = Vec::new();
    let mut count = 0;
    for suite in &suites {
        for case in suite["cases"].as_array().into_iter().flatten() {
            count += 1;
            let body = text(case, "body");
            let request = Request::new("POST", "/rpc/p")
                .with_header("content-type", "application/json")
                .with_body(body);
            let input = decode_input(&request).expect("decodes");
            let issues: Vec<Value> = validate(&suite["schema"], &input)
                .iter()
                .map(Issue::to_json)
                .collect();
            let expected = case["issues"].as_array().cloned().unwrap_or_default();
            if issues != expected {
                failures.push(format!(
                    "{} {body}:\n  expected {}\n  actual   {}",
                    text(suite, "name"),
                    Value::Array(expected),
                    Value::Array(issues)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
