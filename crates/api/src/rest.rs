//! The `/api-reference` mount's procedure calls (spec §4.1–§4.4): `POST
//! /api-reference/<path>` with the input as plain JSON, answered with plain JSON.
//! (The OpenAPI document and reference page come with the API issue.)

use serde_json::Value;
use spinstack_http::{Request, Response};
use spinstack_orpc::{OrpcError, rpc};

use crate::procedures::find;

/// The OpenAPI handler's mount.
pub const PREFIX: &str = "/api-reference";

/// Answers a request routed to the `openapi` component (CORS is the caller's job).
pub fn handle(request: &Request) -> Response {
    let procedure = procedure_path(&request.path).and_then(|path| find(&path));
    let Some(procedure) = procedure.filter(|_| request.method == "POST") else {
        return rpc::unmatched();
    };
    let input = match decode_input(request) {
        Ok(input) => input,
        Err(error) => return failure(&error),
    };
    match (procedure.handler)(input) {
        Ok(output) => match output.json {
            Some(json) => Response::json(200, &json),
            None => Response::empty(200),
        },
        Err(error) => failure(&error),
    }
}

fn procedure_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix(PREFIX)?;
    let rest = rest.strip_prefix('/')?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    (!rest.is_empty()).then(|| rest.replace('/', "."))
}

/// Plain JSON bodies; no body is `undefined`; other media types carry no JSON input.
fn decode_input(request: &Request) -> Result<Option<Value>, OrpcError> {
    let json = request.header("content-type").is_none_or(|value| {
        value
            .trim()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    if !json || request.body.is_empty() {
        return Ok(None);
    }
    serde_json::from_slice(&request.body)
        .map(Some)
        .map_err(|_| OrpcError::malformed())
}

fn failure(error: &OrpcError) -> Response {
    Response::json(error.status, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(method: &str, path: &str, body: &str) -> (u16, String) {
        let response = handle(&Request::new(method, path).with_body(body));
        (
            response.status,
            String::from_utf8_lossy(&response.body).into_owned(),
        )
    }

    #[test]
    fn calls_and_misses() {
        assert_eq!(
            call("POST", "/api-reference/healthCheck", ""),
            (200, r#""OK""#.into())
        );
        assert_eq!(
            call("POST", "/api-reference/healthCheck/", "{}"),
            (200, r#""OK""#.into())
        );
        assert_eq!(
            call("GET", "/api-reference/healthCheck", ""),
            (404, "Not Found".into())
        );
        assert_eq!(
            call("POST", "/api-reference/nope", ""),
            (404, "Not Found".into())
        );
        assert_eq!(
            call("POST", "/api-reference/healthCheck", "{bad"),
            (400, r#"{"defined":false,"code":"BAD_REQUEST","status":400,"message":"Malformed request. Ensure the request body is properly formatted and the 'Content-Type' header is set correctly."}"#.into())
        );
    }
}
