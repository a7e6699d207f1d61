//! The `/rpc` mount (spec §1.2, §3): procedure lookup, the strict-GET rule, envelope
//! decoding and encoding, and the site's own answers for paths outside the mount.

use spinstack_http::{Request, Response, fallback};
use spinstack_orpc::{OrpcError, envelope, rpc};

use crate::procedures::find;

/// Answers a request routed to the `rpc` component (CORS is the caller's job).
pub fn handle(request: &Request) -> Response {
    let Some(path) = rpc::procedure_path(&request.path) else {
        // The original mounts oRPC's OpenAPI handler on the `/api-reference` prefix,
        // so `/api-referencex` is its plain 404; everything else is the site's.
        return if request.path.starts_with("/api-reference") {
            rpc::unmatched()
        } else {
            fallback::respond(request)
        };
    };
    let Some(procedure) = find(&path) else {
        return rpc::unmatched();
    };
    // StrictGetMethodPlugin: every procedure here is POST-only.
    if request.method == "GET" {
        return rpc::failure(&OrpcError::new("METHOD_NOT_SUPPORTED"));
    }
    let input = match envelope::decode_rpc_input(
        request.header("content-type"),
        request.header("content-disposition"),
        &request.body,
    ) {
        Ok(input) => input,
        Err(error) => return rpc::failure(&error),
    };
    match (procedure.handler)(input) {
        Ok(output) => rpc::success(&output),
        Err(error) => rpc::failure(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(method: &str, path: &str, body: &str) -> (u16, String) {
        let request = Request::new(method, path)
            .with_header("content-type", "application/json")
            .with_body(body);
        let response = handle(&request);
        (
            response.status,
            String::from_utf8_lossy(&response.body).into_owned(),
        )
    }

    #[test]
    fn golden_exchanges() {
        assert_eq!(
            call("POST", "/rpc/healthCheck", "{}"),
            (200, r#"{"json":"OK"}"#.into())
        );
        assert_eq!(
            call("POST", "/rpc/healthCheck", ""),
            (200, r#"{"json":"OK"}"#.into())
        );
        assert_eq!(
            call("GET", "/rpc/healthCheck", ""),
            (405, r#"{"json":{"defined":false,"code":"METHOD_NOT_SUPPORTED","status":405,"message":"Method Not Supported"}}"#.into())
        );
        assert_eq!(
            call("POST", "/rpc/healthCheck", "{bad"),
            (400, r#"{"json":{"defined":false,"code":"BAD_REQUEST","status":400,"message":"Malformed request. Ensure the request body is properly formatted and the 'Content-Type' header is set correctly."}}"#.into())
        );
        assert_eq!(call("POST", "/rpc/nope", "{}"), (404, "Not Found".into()));
        assert_eq!(call("POST", "/rpc", "{}"), (404, "Not Found".into()));
        assert_eq!(
            call("PUT", "/rpc/healthCheck", "{}"),
            (200, r#"{"json":"OK"}"#.into())
        );
    }

    #[test]
    fn site_routes() {
        assert_eq!(call("GET", "/", ""), (200, "OK".into()));
        assert_eq!(call("GET", "/nope", ""), (404, "NOT_FOUND".into()));
        assert_eq!(
            call("GET", "/rpcx/healthCheck", ""),
            (404, "NOT_FOUND".into())
        );
        assert_eq!(
            call("GET", "/api-referencex", ""),
            (404, "Not Found".into())
        );
    }
}
