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
