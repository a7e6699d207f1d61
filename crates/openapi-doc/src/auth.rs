//! Better Auth's endpoints — what the `auth` component serves under `/api/auth` — as
//! OpenAPI 3.1 path items, and the component schemas they reference. Owns the
//! documentation of every route of [`ENDPOINTS`], one operation per method it answers:
//!
//! - [`request`]: parameters and request bodies, converted from the routes'
//!   validation schemas (`spinstack_auth_rules::schemas`), so the document cannot
//!   drift from the validator;
//! - [`operations`]: the per-operation table — id, summary, who may call it and the
//!   answers only that endpoint gives;
//! - [`responses`]: answers as OpenAPI responses, plus the errors the shared request
//!   rules (body, origin, validation, session, rate limit) add to every route;
//! - [`models`]: the schemas of users, sessions, accounts and the error body.
//!
//! The document builder adds each path item's `servers` (`<origin>/api/auth`) and the
//! `sessionCookie` security scheme.

mod models;
mod operations;
mod request;
mod responses;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value as Json, json};
use spinstack_auth_rules::endpoint::{ENDPOINTS, Endpoint};

use operations::{Access, Operation};

/// The tag of every Better Auth operation.
const TAG: &str = "Auth";

/// Better Auth's endpoints, keyed by their path under `/api/auth` in OpenAPI's
/// template form (`/reset-password/{token}`): one OpenAPI 3.1 path item per route with
/// an operation per method it answers.
pub fn paths() -> Map<String, Json> {
    let table = operations::table();
    let mut paths = Map::new();
    for endpoint in ENDPOINTS {
        let item: Map<String, Json> = endpoint
            .methods
            .iter()
            .filter_map(|method| operations::find(&table, method, endpoint.path))
            .map(|op| (op.method.to_ascii_lowercase(), operation(endpoint, op)))
            .collect();
        if !item.is_empty() {
            paths.insert(template(endpoint.path), Json::Object(item));
        }
    }
    paths
}

/// The schemas the path items reference as `#/components/schemas/<name>`.
pub fn schemas() -> Map<String, Json> {
    models::schemas()
}

/// `/reset-password/:token` → `/reset-password/{token}`.
fn template(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// One operation object.
fn operation(endpoint: &Endpoint, op: &Operation) -> Json {
    let mut out = Map::new();
    out.insert("operationId".to_owned(), json!(format!("auth.{}", op.id)));
    out.insert("tags".to_owned(), json!([TAG]));
    out.insert("summary".to_owned(), json!(op.summary));
    if let Some(description) = description(endpoint, op) {
        out.insert("description".to_owned(), json!(description));
    }
    if let Some(security) = security(op.access) {
        out.insert("security".to_owned(), security);
    }
    let parameters = request::parameters(endpoint, op.extra_query);
    if !parameters.is_empty() {
        out.insert("parameters".to_owned(), Json::Array(parameters));
    }
    if let Some(body) = request::body(endpoint, op.method) {
        out.insert("requestBody".to_owned(), body);
    }
    out.insert(
        "responses".to_owned(),
        Json::Object(responses::responses(endpoint, op)),
    );
    Json::Object(out)
}

/// The operation's own description, then the query's combination rule (a union of
/// parameter sets cannot be said with parameters alone).
fn description(endpoint: &Endpoint, op: &Operation) -> Option<String> {
    let rule = endpoint
        .query
        .and_then(|schema| request::query_combinations(&schema.kind));
    match (op.description, rule) {
        (None, None) => None,
        (Some(text), None) => Some(text.to_owned()),
        (None, Some(rule)) => Some(rule),
        (Some(text), Some(rule)) => Some(format!("{text}\n\n{rule}")),
    }
}

/// `security`: required for the session middlewares; optional (`{}` or the cookie)
/// where the endpoint reads a session if there is one; absent otherwise.
fn security(access: Access) -> Option<Json> {
    match access {
        Access::Public => None,
        Access::Optional => Some(json!([{}, { crate::SESSION_SCHEME: [] }])),
        Access::Session | Access::FreshSession | Access::SessionBare401 => {
            Some(crate::session_required())
        }
    }
}
