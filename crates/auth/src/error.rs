//! Better Auth's error responses (spec §2.5): `{"message","code"}` with
//! `Content-Type: application/json`.

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
}
