//! README.md's "Add a procedure" example, verbatim: the example's lines must appear in
//! this file (so the README cannot drift from code that compiles), and the procedure
//! they define is registered and called through both mounts.

use schemars::JsonSchema;
use serde::Deserialize;
use spinstack_api::testing::{FixedSessions, MemoryTodos};
use spinstack_api::{ApiError, Context, Procedure, Router, Services};
use spinstack_http::Request;

// ---- the README's example (kept on one line each, as the README shows it) ----------
#[rustfmt::skip]
#[derive(Deserialize, JsonSchema)]
struct Greeting { #[schemars(length(min = 1))] name: String }

#[rustfmt::skip]
fn greet(_ctx: &Context, input: Greeting) -> Result<String, ApiError> { Ok(format!("Hello, {}!", input.name)) }

fn router() -> Router {
    Router::new(vec![
        // …and one line in `router()` (crates/api/src/procedures/mod.rs):
        Procedure::public("greet", greet),
    ])
}
// -------------------------------------------------------------------------------------

/// The code block of the README's "Add a procedure" section.
fn readme_example() -> Vec<&'static str> {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("## Add a procedure")
        .nth(1)
        .expect("README.md has an \"Add a procedure\" section");
    let block = section
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a rust code block");
    block
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect()
}

#[test]
fn the_readme_shows_this_code() {
    let source = include_str!("readme.rs");
    let lines = readme_example();
    assert_eq!(lines.len(), 5, "a five-line example: {lines:#?}");
    for line in lines {
        assert!(
            source.lines().any(|own| own.trim() == line.trim()),
            "README line not in tests/readme.rs: {line}"
        );
    }
}

#[test]
fn the_example_procedure_works() {
    let router = router();
    let (sessions, todos) = (FixedSessions::signed_in("x"), MemoryTodos::default());
    let services = Services {
        sessions: &sessions,
        todos: &todos,
    };
    let rpc = |body: &str| {
        let request = Request::new("POST", "/rpc/greet")
            .with_header("content-type", "application/json")
            .with_body(body);
        let response = spinstack_api::rpc::handle(&request, &router, services);
        (
            response.status,
            String::from_utf8_lossy(&response.body).into_owned(),
        )
    };
    assert_eq!(
        rpc(r#"{"json":{"name":"Ada"}}"#),
        (200, r#"{"json":"Hello, Ada!"}"#.to_owned())
    );
    assert_eq!(
        rpc(r#"{"json":{"name":""}}"#),
        (
            400,
            r#"{"json":{"defined":false,"code":"BAD_REQUEST","status":400,"message":"Input validation failed","data":{"issues":[{"origin":"string","code":"too_small","minimum":1,"inclusive":true,"path":["name"],"message":"Too small: expected string to have >=1 characters"}]}}}"#.to_owned()
        )
    );
    let request = Request::new("POST", "/api-reference/greet")
        .with_header("content-type", "application/json")
        .with_body(r#"{"name":"Ada"}"#);
    let response = spinstack_api::rest::handle(&request, &router, services).expect("matched");
    assert_eq!(response.body, br#""Hello, Ada!""#);
}
