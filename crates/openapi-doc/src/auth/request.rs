//! What a Better Auth request may carry, converted from the route table
//! (`spinstack_auth_rules::endpoint`) and its zod-equivalent schemas
//! (`spinstack_auth_rules::validation::Kind` trees) rather than copied by hand: the
//! request body per media type, the query parameters and the path parameters.

use serde_json::{Map, Value as Json, json};
use spinstack_auth_rules::body::MediaTypes;
use spinstack_auth_rules::email::ZOD_EMAIL_PATTERN;
use spinstack_auth_rules::endpoint::Endpoint;
use spinstack_auth_rules::validation::{Field, Kind};

/// Where a value travels: query values are always strings (or arrays of strings for a
/// repeated key), which changes what a coerced boolean accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A JSON body.
    Body,
    /// The query string.
    Query,
}

/// The JSON Schema of values `kind` accepts.
pub fn json_schema(kind: &Kind, place: Place) -> Json {
    match kind {
        Kind::String => json!({ "type": "string" }),
        Kind::NonEmptyString => json!({ "type": "string", "minLength": 1 }),
        Kind::Email => json!({ "type": "string", "format": "email", "pattern": ZOD_EMAIL_PATTERN }),
        Kind::Boolean => json!({ "type": "boolean" }),
        Kind::Number => json!({ "type": "number" }),
        Kind::CoercedBoolean => coerced_boolean(place),
        Kind::Any => json!({}),
        Kind::LiteralTrue => json!({ "const": true }),
        Kind::Object(fields) => object(fields, false, place),
        Kind::StrictObject(fields) => object(fields, true, place),
        Kind::Array(item) => json!({ "type": "array", "items": json_schema(item, place) }),
        Kind::Record(value) => {
            json!({ "type": "object", "additionalProperties": json_schema(value, place) })
        }
        Kind::AllOf(parts) => json!({ "allOf": all(parts, place) }),
        Kind::Union([only]) => json_schema(only, place),
        Kind::Union(options) => json!({ "anyOf": all(options, place) }),
    }
}

fn all(kinds: &[Kind], place: Place) -> Vec<Json> {
    kinds.iter().map(|kind| json_schema(kind, place)).collect()
}

/// `z.coerce.boolean()`: anything passes and is read with JavaScript truthiness.
fn coerced_boolean(place: Place) -> Json {
    match place {
        Place::Body => json!({ "description": "Any value, read as JavaScript truthiness." }),
        Place::Query => json!({
            "type": "string",
            "description": "Any value is accepted; every non-empty value (`false` too) counts as true.",
        }),
    }
}

/// `z.object` (unknown keys allowed) or `z.strictObject` (unknown keys refused).
fn object(fields: &[Field], strict: bool, place: Place) -> Json {
    let properties: Map<String, Json> = fields
        .iter()
        .map(|field| (field.name.to_owned(), field_schema(field, place)))
        .collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|field| !field.optional)
        .map(|field| field.name)
        .collect();
    let mut schema = Map::new();
    schema.insert("type".to_owned(), json!("object"));
    schema.insert("properties".to_owned(), Json::Object(properties));
    if !required.is_empty() {
        schema.insert("required".to_owned(), json!(required));
    }
    if strict {
        schema.insert("additionalProperties".to_owned(), json!(false));
    }
    Json::Object(schema)
}

fn field_schema(field: &Field, place: Place) -> Json {
    let schema = json_schema(&field.kind, place);
    if field.nullable {
        json!({ "anyOf": [schema, { "type": "null" }] })
    } else {
        schema
    }
}

/// A form body: values are strings, so only string-valued fields can be sent (the
/// others fail validation whatever their text); they are left out.
fn form_schema(kind: &Kind) -> Json {
    let textual = |fields: &[Field]| -> Vec<Field> {
        fields
            .iter()
            .filter(|field| is_textual(&field.kind))
            .copied()
            .collect()
    };
    match kind {
        Kind::Object(fields) => object(&textual(fields), false, Place::Body),
        Kind::StrictObject(fields) => object(&textual(fields), true, Place::Body),
        Kind::AllOf(parts) => json!({ "allOf": parts.iter().map(form_schema).collect::<Vec<_>>() }),
        other => json_schema(other, Place::Body),
    }
}

/// Whether a string can satisfy `kind`.
fn is_textual(kind: &Kind) -> bool {
    match kind {
        Kind::String | Kind::NonEmptyString | Kind::Email | Kind::Any | Kind::CoercedBoolean => {
            true
        }
        Kind::Union(options) => options.iter().any(is_textual),
        _ => false,
    }
}

/// The `requestBody` of `method` on `endpoint`, from its body schema and media types.
/// `GET` requests carry no body (the `GET|POST /callback/:id` route reads its body only
/// on `POST`).
pub fn body(endpoint: &Endpoint, method: &str) -> Option<Json> {
    if method == "GET" {
        return None;
    }
    let schema = endpoint.body?;
    let mut content = Map::new();
    content.insert(
        "application/json".to_owned(),
        json!({ "schema": json_schema(&schema.kind, Place::Body) }),
    );
    let mut body = Map::new();
    if endpoint.media_types == MediaTypes::FormOrJson {
        content.insert(
            "application/x-www-form-urlencoded".to_owned(),
            json!({ "schema": form_schema(&schema.kind) }),
        );
        body.insert(
            "description".to_owned(),
            json!("JSON, or a form whose values are all strings (so non-string fields can only be sent as JSON)."),
        );
    }
    body.insert("required".to_owned(), json!(!schema.optional));
    body.insert("content".to_owned(), Json::Object(content));
    Some(Json::Object(body))
}

/// The path parameters (`:token` → `{token}`), then the query parameters of the
/// route's schema, then `extra`: query parameters a handler reads without a schema.
pub fn parameters(endpoint: &Endpoint, extra: &[(&str, &str)]) -> Vec<Json> {
    let mut parameters: Vec<Json> = endpoint
        .path
        .split('/')
        .filter_map(|segment| segment.strip_prefix(':'))
        .map(path_parameter)
        .collect();
    if let Some(schema) = endpoint.query {
        parameters.extend(
            query_fields(&schema.kind)
                .into_iter()
                .map(|(field, required)| query_parameter(&field, required && !schema.optional)),
        );
    }
    parameters.extend(extra.iter().map(|(name, description)| {
        json!({
            "name": name,
            "in": "query",
            "required": false,
            "description": description,
            "schema": { "type": "string" },
        })
    }));
    parameters
}

fn path_parameter(name: &str) -> Json {
    let description = match name {
        "token" => "The password-reset token from the emailed link.",
        "id" => "The OAuth provider's id (e.g. `github`).",
        _ => "A path segment.",
    };
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "description": description,
        "schema": { "type": "string", "minLength": 1 },
    })
}

fn query_parameter(field: &Field, required: bool) -> Json {
    json!({
        "name": field.name,
        "in": "query",
        "required": required,
        "schema": field_schema(field, Place::Query),
    })
}

/// The keys a query schema names, each with whether every accepted query must have it
/// (a union's options are merged: a key is required only if every option requires it).
/// Query values are strings, so keys whose schema no string satisfies (`z.literal(true)`)
/// are left out, and so are the union options that require one.
fn query_fields(kind: &Kind) -> Vec<(Field, bool)> {
    match kind {
        Kind::Object(fields) | Kind::StrictObject(fields) => fields
            .iter()
            .filter(|field| is_textual(&field.kind))
            .map(|field| (*field, !field.optional))
            .collect(),
        Kind::AllOf(parts) => merge(parts, |a, b| a || b),
        Kind::Union(options) => {
            let possible: Vec<Kind> = options.iter().copied().filter(query_possible).collect();
            merge(&possible, |a, b| a && b)
        }
        _ => Vec::new(),
    }
}

/// Whether some query (strings only) can satisfy an object option: none of its
/// required keys needs a non-string.
fn query_possible(kind: &Kind) -> bool {
    match kind {
        Kind::Object(fields) | Kind::StrictObject(fields) => fields
            .iter()
            .all(|field| field.optional || is_textual(&field.kind)),
        _ => true,
    }
}

/// The fields of `kinds` in order of first appearance, `required` combined by `join`
/// (a key missing from one kind counts as not required there).
fn merge(kinds: &[Kind], join: fn(bool, bool) -> bool) -> Vec<(Field, bool)> {
    let per_kind: Vec<Vec<(Field, bool)>> = kinds.iter().map(query_fields).collect();
    let mut merged: Vec<(Field, bool)> = Vec::new();
    for (field, _) in per_kind.iter().flatten() {
        if merged.iter().any(|(seen, _)| seen.name == field.name) {
            continue;
        }
        let required = per_kind
            .iter()
            .map(|fields| {
                fields
                    .iter()
                    .any(|(other, required)| other.name == field.name && *required)
            })
            .reduce(join)
            .unwrap_or(false);
        merged.push((*field, required));
    }
    merged
}

/// For a query that is a union of parameter sets, the sets in words (parameters
/// alone cannot say "exactly one of"); `None` for any other query.
pub fn query_combinations(kind: &Kind) -> Option<String> {
    let Kind::Union(options) = kind else {
        return None;
    };
    let sets: Vec<String> = options
        .iter()
        .filter(|option| query_possible(option))
        .filter_map(parameter_set)
        .collect();
    (sets.len() > 1).then(|| {
        format!(
            "The query must be exactly one of these parameter sets: {}.",
            sets.join("; or ")
        )
    })
}

fn parameter_set(kind: &Kind) -> Option<String> {
    let (Kind::Object(fields) | Kind::StrictObject(fields)) = kind else {
        return None;
    };
    let names: Vec<String> = fields
        .iter()
        .filter(|field| is_textual(&field.kind))
        .map(|field| {
            if field.optional {
                format!("optional `{}`", field.name)
            } else {
                format!("`{}`", field.name)
            }
        })
        .collect();
    let rest = if matches!(kind, Kind::StrictObject(_)) {
        " (nothing else)"
    } else {
        ""
    };
    Some(format!("{}{rest}", names.join(", ")))
}

/// Whether validating a query against `kind` can fail (a query is always an object of
/// strings or string arrays, so only its keys can be wrong).
pub fn query_can_fail(kind: &Kind) -> bool {
    match kind {
        Kind::Any | Kind::CoercedBoolean => false,
        Kind::Object(fields) => fields
            .iter()
            .any(|field| !field.optional || query_can_fail(&field.kind)),
        _ => true,
    }
}
