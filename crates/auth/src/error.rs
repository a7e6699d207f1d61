//! Better Auth's error responses (spec §2.5): `{"message","code"}` with
//! `Content-Type: application/json`, and the generic 500s that hide internals.

use serde::Serialize;
use spinstack_http::Response;

#[derive(Serialize)]
struct ErrorBody<'a> {
    message: &'a str,
    code: &'a str,
}

/// A Better Auth error response.
pub fn api_error(status: u16, code: &str, message: &str) -> Response {
    Response::json(status, &ErrorBody { message, code })
}

/// An error carrying only a message (`No fields to update`, …).
pub fn message_only(status: u16, message: &str) -> Response {
    Response::json(status, &serde_json::json!({ "message": message }))
}

/// `401 UNAUTHORIZED`.
pub fn unauthorized() -> Response {
    api_error(401, "UNAUTHORIZED", "Unauthorized")
}

/// A backend failure: logged with its cause, answered without it.
pub fn internal(context: &str, cause: &str) -> Response {
    eprintln!("auth: {context}: {cause}");
    api_error(500, "INTERNAL_SERVER_ERROR", "Internal Server Error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_order() {
        let resp = api_error(401, "UNAUTHORIZED", "Unauthorized");
        assert_eq!(resp.status, 401);
        assert_eq!(
            resp.body,
            br#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#
        );
    }

    #[test]
    fn internal_hides_the_cause() {
        let resp = internal("test", "connection refused at 10.0.0.1");
        assert!(!String::from_utf8_lossy(&resp.body).contains("10.0.0.1"));
    }
}
