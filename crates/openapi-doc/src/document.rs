//! The OpenAPI 3.1 document (spec §4.6): oRPC's layout — `servers` from the request's
//! origin (`<origin>/api-reference`), `info`, `openapi: 3.1.1`, `paths` — with the
//! procedures' real schemas, plus Better Auth's endpoints under `/api/auth` (each with
//! its own `servers` entry, since they are not under `/api-reference`), and the
//! components they share: schemas and the session-cookie security scheme.
//!
//! A procedure whose HTTP path equals an auth route's (a procedure named `ok`, say)
//! keeps the path: OpenAPI keys paths by their text alone, and the procedure is what
//! this mount serves.

use serde_json::{Map, Value as Json, json};
use spinstack_api::Router;

use crate::SESSION_SCHEME;

/// Where the document's parts are served, and how sessions are named.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// The origin the request for the document was addressed to
    /// (`http://localhost:3000`).
    pub origin: &'a str,
    /// The session cookie's name (`better-auth.session_token`, or with the
    /// `__Secure-` prefix behind an `https` `better_auth_url`).
    pub session_cookie: &'a str,
}

/// The document for `router` as served at `site`.
pub fn document(router: &Router, site: Site<'_>) -> Json {
    let mut paths = crate::procedures::paths(router);
    let auth_server = json!([{
        "url": format!("{}/api/auth", site.origin),
        "description": "Better Auth (the auth component)"
    }]);
    for (path, item) in crate::auth::paths() {
        if paths.contains_key(&path) {
            continue;
        }
        paths.insert(path, with_servers(item, &auth_server));
    }
    let mut schemas = crate::errors::schemas();
    schemas.extend(crate::auth::schemas());
    json!({
        "servers": [{"url": format!("{}/api-reference", site.origin)}],
        "info": {
            "title": "API Reference",
            "version": "0.0.0",
            "description": "The app's procedures over plain JSON (also served over oRPC's RPC protocol under `/rpc`), and Better Auth's endpoints under `/api/auth`."
        },
        "openapi": "3.1.1",
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                SESSION_SCHEME: {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": site.session_cookie,
                    "description": "The session cookie Better Auth sets at sign-in (`/api/auth/sign-in/email`)."
                }
            }
        }
    })
}

/// A path item with its own `servers`, placed first as OpenAPI orders a path item.
fn with_servers(item: Json, servers: &Json) -> Json {
    let mut out = Map::new();
    out.insert("servers".to_owned(), servers.clone());
    if let Json::Object(fields) = item {
        out.extend(fields.into_iter().filter(|(key, _)| key != "servers"));
    }
    Json::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site<'static> {
        Site {
            origin: "http://localhost:3000",
            session_cookie: "better-auth.session_token",
        }
    }

    #[test]
    fn laid_out_like_orpc() {
        let doc = document(spinstack_api::router(), site());
        let keys: Vec<_> = doc
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["servers", "info", "openapi", "paths", "components"]);
        assert_eq!(
            doc["servers"],
            json!([{"url": "http://localhost:3000/api-reference"}])
        );
        assert_eq!(doc["openapi"], "3.1.1");
        assert_eq!(doc["info"]["title"], "API Reference");
        assert_eq!(
            doc["components"]["securitySchemes"]["sessionCookie"]["name"],
            "better-auth.session_token"
        );
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document(spinstack_api::router(), site());
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(!refs.is_empty());
        for reference in refs {
            let pointer = reference.strip_prefix('#').unwrap_or(&reference);
            assert!(doc.pointer(pointer).is_some(), "{reference} resolves");
        }
    }

    #[test]
    fn auth_routes_carry_their_server() {
        let doc = document(spinstack_api::router(), site());
        let procedures = crate::procedures::paths(spinstack_api::router());
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            let servers = item.get("servers");
            if procedures.contains_key(path) {
                assert!(servers.is_none(), "{path}");
            } else {
                assert_eq!(
                    servers.and_then(|s| s[0]["url"].as_str()),
                    Some("http://localhost:3000/api/auth"),
                    "{path}"
                );
            }
        }
    }

    /// Every operation of `doc`, by `operationId`.
    fn operations(doc: &Json) -> Map<String, Json> {
        doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(_, item)| item.as_object().into_iter().flatten())
            .filter_map(|(_, op)| Some((op.get("operationId")?.as_str()?.to_owned(), op.clone())))
            .collect()
    }

    /// `schema` with a `#/components/schemas/…` reference followed.
    fn resolved<'a>(doc: &'a Json, schema: &'a Json) -> &'a Json {
        match schema["$ref"].as_str() {
            Some(reference) => doc
                .pointer(reference.strip_prefix('#').unwrap_or(reference))
                .unwrap_or_else(|| panic!("{reference} resolves")),
            None => schema,
        }
    }

    /// Whether the value at JSON pointer `pointer` (`/0/id`) of an instance of
    /// `schema` is described: an index steps into `items`, a name into `properties`
    /// (of the schema or of its `allOf` parts or `anyOf` options).
    fn describes(doc: &Json, schema: &Json, pointer: &str) -> bool {
        let mut current = resolved(doc, schema);
        for step in pointer.split('/').skip(1) {
            let next = if step.parse::<usize>().is_ok() {
                current.get("items")
            } else {
                std::iter::once(current)
                    .chain(current["allOf"].as_array().into_iter().flatten())
                    .chain(current["anyOf"].as_array().into_iter().flatten())
                    .find_map(|part| resolved(doc, part)["properties"].get(step))
            };
            match next {
                Some(schema) => current = resolved(doc, schema),
                None => return false,
            }
        }
        true
    }

    /// A runtime expression's source: (`request`/`response` body, JSON pointer).
    fn expression(text: &str) -> (&str, &str) {
        let (source, pointer) = text.split_once(".body#").unwrap_or_else(|| {
            panic!("{text} reads a body");
        });
        (source.trim_start_matches('$'), pointer)
    }

    /// Every link names an operation of the document and feeds it fields it declares,
    /// from values the source's request or answer has; and the links meant for
    /// stateful fuzzing are there.
    #[test]
    fn links_join_real_operations_and_fields() {
        let doc = document(spinstack_api::router(), site());
        let operations = operations(&doc);
        let mut names = Vec::new();
        for (source_id, source) in &operations {
            let responses = source["responses"].as_object().into_iter().flatten();
            for (status, response) in responses {
                for (name, link) in response["links"].as_object().into_iter().flatten() {
                    names.push(format!("{source_id} {status} {name}"));
                    let target_id = link["operationId"].as_str().unwrap_or_default();
                    let target = operations
                        .get(target_id)
                        .unwrap_or_else(|| panic!("{name}: {target_id} is an operation"));
                    assert!(link["description"].is_string(), "{name}");
                    let mut values = Vec::new();
                    for (field, text) in link["requestBody"].as_object().into_iter().flatten() {
                        let body = &target["requestBody"]["content"]["application/json"]["schema"];
                        assert!(
                            describes(&doc, body, &format!("/{field}")),
                            "{name}: {target_id} takes {field}"
                        );
                        values.push(text.as_str().unwrap_or_default().to_owned());
                    }
                    for (parameter, text) in link["parameters"].as_object().into_iter().flatten() {
                        let (place, parameter) =
                            parameter.split_once('.').unwrap_or(("", parameter));
                        let declared = target["parameters"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|p| p["in"] == place && p["name"] == parameter);
                        assert!(declared, "{name}: {target_id} takes {place} {parameter}");
                        values.push(text.as_str().unwrap_or_default().to_owned());
                    }
                    assert!(!values.is_empty(), "{name} passes something");
                    for text in values {
                        let (from, pointer) = expression(&text);
                        let schema = match from {
                            "request" => {
                                &source["requestBody"]["content"]["application/json"]["schema"]
                            }
                            "response" => &response["content"]["application/json"]["schema"],
                            other => panic!("{name}: {other}"),
                        };
                        assert!(describes(&doc, schema, pointer), "{name}: {text} is there");
                    }
                }
            }
        }
        names.sort();
        assert_eq!(
            names,
            [
                "auth.listAccounts 200 accountInfo",
                "auth.listAccounts 200 unlinkAccount",
                "auth.listSessions 200 revokeSession",
                "auth.signUpEmail 200 signIn",
                "todo.getAll 200 deleteFirst",
                "todo.getAll 200 toggleFirst",
            ]
        );
    }

    fn collect_refs(json: &Json, out: &mut Vec<String>) {
        match json {
            Json::Object(map) => {
                if let Some(Json::String(reference)) = map.get("$ref") {
                    out.push(reference.clone());
                }
                map.values().for_each(|v| collect_refs(v, out));
            }
            Json::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
            _ => {}
        }
    }
}
