//! RPC responses and path matching (spec §1.2, §3.1, §3.5–§3.6).

use spinstack_http::Response;

use crate::envelope::Encoded;
use crate::error::OrpcError;

/// The RPC handler's mount.
pub const PREFIX: &str = "/rpc";

/// The procedure path a request path names under [`PREFIX`], as oRPC matches it:
/// only `PREFIX` itself or `PREFIX/...` belong to the handler; one leading and one
/// trailing `/` of the rest are ignored; segments are not percent-decoded. Returns
/// `None` for paths outside the mount.
pub fn procedure_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix(PREFIX)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    Some(rest.replace('/', "."))
}

/// `200 {"json":…,"meta":…}`.
pub fn success(output: &Encoded) -> Response {
    Response::json(200, &output.to_rpc_envelope())
}

/// `<status> {"json":{"defined":…,"code":…,"status":…,"message":…}}`.
pub fn failure(error: &OrpcError) -> Response {
    let envelope = serde_json::json!({ "json": error });
    Response::json(error.status, &envelope)
}

/// The plain `404 Not Found` of a path no procedure claims (not an oRPC envelope).
pub fn unmatched() -> Response {
    Response::empty(404)
        .with_header("content-type", "text/plain;charset=utf-8")
        .with_body("Not Found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_rules() {
        assert_eq!(
            procedure_path("/rpc/healthCheck").as_deref(),
            Some("healthCheck")
        );
        assert_eq!(
            procedure_path("/rpc/healthCheck/").as_deref(),
            Some("healthCheck")
        );
        assert_eq!(
            procedure_path("/rpc/todo/getAll").as_deref(),
            Some("todo.getAll")
        );
        assert_eq!(procedure_path("/rpc").as_deref(), Some(""));
        assert_eq!(procedure_path("/rpcx/healthCheck"), None);
        assert_eq!(procedure_path("/rpc/%65cho").as_deref(), Some("%65cho"));
    }

    #[test]
    fn error_envelope() {
        let resp = failure(&OrpcError::new("METHOD_NOT_SUPPORTED"));
        assert_eq!(resp.status, 405);
        assert_eq!(
            String::from_utf8_lossy(&resp.body),
            r#"{"json":{"defined":false,"code":"METHOD_NOT_SUPPORTED","status":405,"message":"Method Not Supported"}}"#
        );
    }
}
