//! The router's procedures as OpenAPI operations, as oRPC's generator lays them out
//! for procedures without `.route()` (spec §4.1, §4.6): `POST /<path with dots as
//! slashes>`, `operationId` the dotted path, the input schema as a required JSON
//! request body (none without an input schema), the output schema under `200 OK`.
//! Beyond the original: the error responses ([`crate::errors`]), the session cookie
//! as the security requirement of protected procedures, and a tag for grouping.

use serde_json::{Map, Value as Json, json};
use spinstack_api::{Access, Procedure, Router};
use spinstack_orpc::rpc::http_path;

/// The tag of the router's operations.
pub const TAG: &str = "API";

/// The path items of every procedure, keyed by HTTP path (`/todo/create`), in router
/// order.
pub fn paths(router: &Router) -> Map<String, Json> {
    router
        .procedures()
        .iter()
        .map(|procedure| {
            (
                http_path(procedure.path()),
                json!({ "post": operation(procedure) }),
            )
        })
        .collect()
}

fn operation(procedure: &Procedure) -> Json {
    let protected = procedure.access() == Access::Session;
    let mut op = Map::new();
    op.insert("operationId".to_owned(), json!(procedure.path()));
    op.insert("tags".to_owned(), json!([TAG]));
    if protected {
        op.insert("security".to_owned(), crate::session_required());
    }
    if let Some(input) = procedure.input_schema() {
        op.insert(
            "requestBody".to_owned(),
            json!({"required": true, "content": {"application/json": {"schema": input}}}),
        );
    }
    let mut responses = Map::new();
    responses.insert(
        "200".to_owned(),
        json!({
            "description": "OK",
            "content": {"application/json": {"schema": procedure.output_schema()}}
        }),
    );
    responses.extend(crate::errors::responses(protected));
    op.insert("responses".to_owned(), Json::Object(responses));
    Json::Object(op)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_procedures() {
        let paths = paths(spinstack_api::router());
        let keys: Vec<_> = paths.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "/healthCheck",
                "/privateData",
                "/todo/getAll",
                "/todo/create",
                "/todo/toggle",
                "/todo/delete"
            ]
        );
        let health = &paths["/healthCheck"]["post"];
        assert_eq!(health["operationId"], "healthCheck");
        assert_eq!(
            health["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"type": "string"})
        );
        assert!(health.get("requestBody").is_none());
        assert!(health.get("security").is_none());
        let private = &paths["/privateData"]["post"];
        assert_eq!(private["security"], json!([{"sessionCookie": []}]));
        assert!(private["responses"].get("401").is_some());
        let create = &paths["/todo/create"]["post"];
        assert_eq!(create["operationId"], "todo.create");
        assert_eq!(
            create["requestBody"],
            json!({"required": true, "content": {"application/json": {"schema":
                {"type":"object","properties":{"text":{"type":"string","minLength":1}},"required":["text"]}}}})
        );
    }
}
