//! The router's procedures as OpenAPI operations, as oRPC's generator lays them out
//! for procedures without `.route()` (spec §4.1, §4.6): `POST /<path with dots as
//! slashes>`, `operationId` the dotted path, the input schema as a required JSON
//! request body (none without an input schema), the output schema under `200 OK`.
//! Beyond the original: the error responses ([`crate::errors`]), the session cookie
//! as the security requirement of protected procedures, a tag for grouping, and
//! OpenAPI links between the template's todo procedures ([`link_table`]).

use serde_json::{Map, Value as Json, json};
use spinstack_api::{Access, Procedure, Router};
use spinstack_orpc::rpc::http_path;

/// The tag of the router's operations.
pub const TAG: &str = "API";

/// A link from a procedure's `200` answer to a procedure its values feed.
#[derive(Debug, Clone)]
pub struct Link {
    /// The procedure whose answer feeds the link.
    pub from: &'static str,
    /// The link's name.
    pub name: &'static str,
    /// The procedure it calls.
    pub to: &'static str,
    /// The target's request body, with runtime expressions.
    pub body: Json,
    /// What following it does.
    pub description: &'static str,
}

/// The links between the template's procedures: a listed todo can be toggled or
/// deleted by its `id`.
pub fn link_table() -> Vec<Link> {
    let first_id = || json!({ "id": "$response.body#/0/id" });
    vec![
        Link {
            from: "todo.getAll",
            name: "toggleFirst",
            to: "todo.toggle",
            body: first_id(),
            description: "Toggle the first listed todo.",
        },
        Link {
            from: "todo.getAll",
            name: "deleteFirst",
            to: "todo.delete",
            body: first_id(),
            description: "Delete the first listed todo.",
        },
    ]
}

/// The path items of every procedure, keyed by HTTP path (`/todo/create`), in router
/// order.
pub fn paths(router: &Router) -> Map<String, Json> {
    router
        .procedures()
        .iter()
        .map(|procedure| {
            (
                http_path(procedure.path()),
                json!({ "post": operation(procedure, &links(router, procedure.path())) }),
            )
        })
        .collect()
}

/// The [`link_table`] links from `source` whose target the router has, as OpenAPI
/// link objects.
fn links(router: &Router, source: &str) -> Map<String, Json> {
    let known = |path: &str| router.procedures().iter().any(|p| p.path() == path);
    link_table()
        .into_iter()
        .filter(|link| link.from == source && known(link.to))
        .map(|link| {
            let object = json!({
                "operationId": link.to,
                "requestBody": link.body,
                "description": link.description,
            });
            (link.name.to_owned(), object)
        })
        .collect()
}

fn operation(procedure: &Procedure, links: &Map<String, Json>) -> Json {
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
    let mut ok = json!({
        "description": "OK",
        "content": {"application/json": {"schema": procedure.output_schema()}}
    });
    if !links.is_empty()
        && let Json::Object(map) = &mut ok
    {
        map.insert("links".to_owned(), Json::Object(links.clone()));
    }
    let mut responses = Map::new();
    responses.insert("200".to_owned(), ok);
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
        // A listed todo feeds toggle and delete.
        assert_eq!(
            paths["/todo/getAll"]["post"]["responses"]["200"]["links"]["toggleFirst"],
            json!({"operationId": "todo.toggle", "requestBody": {"id": "$response.body#/0/id"},
                "description": "Toggle the first listed todo."})
        );
        assert!(health["responses"]["200"].get("links").is_none());
        let create = &paths["/todo/create"]["post"];
        assert_eq!(create["operationId"], "todo.create");
        assert_eq!(
            create["requestBody"],
            json!({"required": true, "content": {"application/json": {"schema":
                {"type":"object","properties":{"text":{"type":"string","minLength":1}},"required":["text"]}}}})
        );
    }
}
