//! oRPC's RPC protocol on the server side (spec §1.2, §3): which paths the `/rpc` mount
//! claims, how a request's input is decoded (the `?data=` of a GET, or the body by its
//! media type: the `{json, meta}` envelope, or multipart with `data`, `maps` and
//! numbered file parts), and how outputs and errors are written.

use serde_json::Value as Json;
use spinstack_http::{Request, Response};

use crate::body::{self, Body};
use crate::error::OrpcError;
use crate::multipart::{self, Part, PartValue};
use crate::rpc_json;
use crate::value::Value;

/// The RPC handler's mount.
pub const PREFIX: &str = "/rpc";

/// The path a request names under `prefix`, as oRPC's matchers compare it: `None`
/// unless the path is `prefix` itself or starts with `prefix/`; otherwise the rest
/// with one leading and one trailing `/` removed, behind a single `/`
/// (`/rpc/todo/getAll/` → `/todo/getAll`). Nothing is percent-decoded: procedures are
/// registered under their encoded names.
pub fn mount_path(prefix: &str, path: &str) -> Option<String> {
    let rest = path.strip_prefix(prefix)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    Some(format!("/{rest}"))
}

/// The HTTP path of a procedure: `/` and its router path with `.` as `/`
/// (`todo.getAll` → `/todo/getAll`).
pub fn http_path(procedure: &str) -> String {
    format!("/{}", procedure.replace('.', "/"))
}

/// Decodes the input of an RPC request: for `GET` the last `data` query parameter
/// (absent or empty = `undefined`), otherwise the body.
///
/// # Errors
/// [`OrpcError::malformed`] when the text is not JSON, the envelope is `null`, or its
/// `meta` or `maps` do not fit the data.
pub fn decode_input(request: &Request) -> Result<Value, OrpcError> {
    if request.method == "GET" {
        let data = request
            .query
            .as_deref()
            .map(body::search_params)
            .unwrap_or_default()
            .into_iter()
            .rev()
            .find(|(name, _)| name == "data")
            .map(|(_, value)| value)
            .unwrap_or_default();
        let envelope = body::parse_emptyable_json(&data).map_err(|_| OrpcError::malformed())?;
        return from_envelope(envelope.as_ref(), None);
    }
    let parsed = body::parse(
        request.header("content-type"),
        request.header("content-disposition"),
        &request.body,
    )
    .map_err(|_| OrpcError::malformed())?;
    match parsed {
        Body::Json(envelope) => from_envelope(envelope.as_ref(), None),
        Body::Form(parts) => from_form(&parts),
        // A string, URLSearchParams, a stream or a file has no `.json`: `undefined`.
        Body::Text(_) | Body::UrlEncoded(_) | Body::EventStream | Body::File(_) => {
            Ok(Value::Undefined)
        }
    }
}

/// `StandardRPCSerializer.deserialize` of a parsed JSON envelope.
fn from_envelope(envelope: Option<&Json>, parts: Option<&[Part]>) -> Result<Value, OrpcError> {
    let envelope = match envelope {
        None => return Ok(Value::Undefined),
        // `null.json` throws.
        Some(Json::Null) => return Err(OrpcError::malformed()),
        Some(envelope) => envelope,
    };
    let field = |name: &str| envelope.as_object().and_then(|object| object.get(name));
    let blob = |index: usize| {
        let parts = parts?;
        match multipart::get(parts, &index.to_string())? {
            PartValue::File(file) => Some(Ok(file.clone())),
            PartValue::Text(_) => Some(Err(())),
        }
    };
    let maps = if parts.is_some() { field("maps") } else { None };
    rpc_json::deserialize(field("json"), field("meta"), maps, &blob)
        .map_err(|_| OrpcError::malformed())
}

/// A multipart request: the JSON of the first `data` field, with its files.
fn from_form(parts: &[Part]) -> Result<Value, OrpcError> {
    let Some(PartValue::Text(data)) = multipart::get(parts, "data") else {
        // Missing, or a file: `JSON.parse` fails or yields `null`.
        return Err(OrpcError::malformed());
    };
    let envelope: Json = serde_json::from_str(data).map_err(|_| OrpcError::malformed())?;
    from_envelope(Some(&envelope), Some(parts))
}

/// `200` with the output: `{"json":…,"meta":…}` (empty parts left out), or multipart
/// with the files when the output holds any (§3.4).
pub fn success(output: &Value) -> Response {
    let serialized = rpc_json::serialize(output);
    if serialized.blobs.is_empty() {
        return Response::json(200, &envelope(serialized.json, serialized.meta, None));
    }
    let data = envelope(serialized.json, serialized.meta, Some(serialized.maps));
    let mut parts = vec![Part {
        name: "data".to_owned(),
        value: PartValue::Text(data.to_string()),
    }];
    parts.extend(
        serialized
            .blobs
            .into_iter()
            .enumerate()
            .map(|(index, file)| Part {
                name: index.to_string(),
                value: PartValue::File(file),
            }),
    );
    let (content_type, body) = multipart::build(&parts);
    Response::empty(200)
        .with_header("content-type", &content_type)
        .with_body(body)
}

fn envelope(json: Option<Json>, meta: Vec<Json>, maps: Option<Vec<Json>>) -> Json {
    let mut envelope = serde_json::Map::new();
    if let Some(json) = json {
        envelope.insert("json".to_owned(), json);
    }
    if !meta.is_empty() {
        envelope.insert("meta".to_owned(), Json::Array(meta));
    }
    if let Some(maps) = maps {
        envelope.insert("maps".to_owned(), Json::Array(maps));
    }
    Json::Object(envelope)
}

/// `<status> {"json":{"defined":…,"code":…,"status":…,"message":…[,"data":…]}}`.
pub fn failure(error: &OrpcError) -> Response {
    Response::json(error.status, &serde_json::json!({ "json": error }))
}

/// The plain `404 Not Found` the original server sends for a path no procedure claims
/// (not an oRPC envelope).
pub fn unmatched() -> Response {
    Response::text(404, "Not Found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_rules() {
        let at = |path| mount_path(PREFIX, path);
        assert_eq!(at("/rpc/healthCheck").as_deref(), Some("/healthCheck"));
        assert_eq!(at("/rpc/healthCheck/").as_deref(), Some("/healthCheck"));
        assert_eq!(at("/rpc/todo/getAll").as_deref(), Some("/todo/getAll"));
        assert_eq!(at("/rpc").as_deref(), Some("/"));
        assert_eq!(at("/rpc/").as_deref(), Some("/"));
        assert_eq!(at("/rpc//x").as_deref(), Some("//x"));
        assert_eq!(at("/rpcx/healthCheck"), None);
        assert_eq!(at("/rpc/%65cho").as_deref(), Some("/%65cho"));
        assert_eq!(http_path("todo.getAll"), "/todo/getAll");
    }

    fn post(content_type: &str, body: &str) -> Request {
        Request::new("POST", "/rpc/x")
            .with_header("content-type", content_type)
            .with_body(body)
    }

    #[test]
    fn decodes_bodies() {
        let json = |body| decode_input(&post("application/json", body));
        assert_eq!(json(""), Ok(Value::Undefined));
        assert_eq!(json("{}"), Ok(Value::Undefined));
        assert_eq!(json("[]"), Ok(Value::Undefined));
        assert_eq!(json("5"), Ok(Value::Undefined));
        assert_eq!(json("null"), Err(OrpcError::malformed()));
        assert_eq!(json("{bad"), Err(OrpcError::malformed()));
        assert_eq!(
            json(r#"{"json":{"a":1}}"#),
            Ok(Value::object([("a", Value::Number(1.0))]))
        );
        assert_eq!(
            decode_input(&post("text/plain", "{\"json\":1}")),
            Ok(Value::Undefined)
        );
    }

    #[test]
    fn decodes_get_data() {
        let get = |target| decode_input(&Request::new("GET", target));
        assert_eq!(get("/rpc/x"), Ok(Value::Undefined));
        assert_eq!(get("/rpc/x?data="), Ok(Value::Undefined));
        assert_eq!(
            get("/rpc/x?data=%7B%22json%22%3A1%7D"),
            Ok(Value::Number(1.0))
        );
        assert_eq!(get("/rpc/x?data=%7Bbad&data=%7B%7D"), Ok(Value::Undefined));
        assert_eq!(
            get("/rpc/x?data=%7B%7D&data=%7Bbad"),
            Err(OrpcError::malformed())
        );
    }

    #[test]
    fn decodes_multipart() {
        let form = |body: &str| decode_input(&post("multipart/form-data; boundary=B", body));
        let with_file = "--B\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{\"json\":{\"f\":{}},\"maps\":[[\"f\"]]}\r\n--B\r\nContent-Disposition: form-data; name=\"0\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B--\r\n";
        let Ok(value) = form(with_file) else {
            panic!("decodes")
        };
        assert!(matches!(value.get("f"), Some(Value::File(file)) if file.bytes == b"hi"));
        let text_part = "--B\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{\"json\":{\"f\":{}},\"maps\":[[\"f\"]]}\r\n--B\r\nContent-Disposition: form-data; name=\"0\"\r\n\r\nhi\r\n--B--\r\n";
        assert_eq!(form(text_part), Err(OrpcError::malformed()));
        let no_data = "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--B--\r\n";
        assert_eq!(form(no_data), Err(OrpcError::malformed()));
        assert_eq!(form("garbage"), Err(OrpcError::malformed()));
    }

    #[test]
    fn writes_responses() {
        let ok = success(&Value::String("OK".into()));
        assert_eq!(
            (ok.status, ok.body.as_slice()),
            (200, br#"{"json":"OK"}"#.as_slice())
        );
        assert_eq!(success(&Value::Undefined).body, b"{}");
        let dated = success(&Value::object([("at", Value::Date(Some(0)))]));
        assert_eq!(
            String::from_utf8_lossy(&dated.body),
            r#"{"json":{"at":"1970-01-01T00:00:00.000Z"},"meta":[[1,"at"]]}"#
        );
        let error = failure(&OrpcError::new("METHOD_NOT_SUPPORTED"));
        assert_eq!(error.status, 405);
        assert_eq!(
            String::from_utf8_lossy(&error.body),
            r#"{"json":{"defined":false,"code":"METHOD_NOT_SUPPORTED","status":405,"message":"Method Not Supported"}}"#
        );
        let missing = unmatched();
        assert_eq!(
            (missing.status, missing.body.as_slice()),
            (404, b"Not Found".as_slice())
        );
    }

    #[test]
    fn files_make_a_multipart_response() {
        let file = crate::value::File {
            name: "a.txt".into(),
            content_type: "text/plain".into(),
            bytes: b"hello".to_vec(),
        };
        let response = success(&Value::object([
            ("a", Value::File(file.clone())),
            ("d", Value::Date(Some(0))),
        ]));
        let content_type = response
            .header("content-type")
            .unwrap_or_default()
            .to_owned();
        let parts = multipart::parse(&content_type, &response.body).unwrap_or_default();
        assert_eq!(
            multipart::get(&parts, "data"),
            Some(&PartValue::Text(
                r#"{"json":{"a":{},"d":"1970-01-01T00:00:00.000Z"},"meta":[[1,"d"]],"maps":[["a"]]}"#.into()
            ))
        );
        assert_eq!(multipart::get(&parts, "0"), Some(&PartValue::File(file)));
    }
}
