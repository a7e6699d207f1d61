//! What a Better Auth request may carry, converted from the route table
//! (`spinstack_auth_rules::endpoint`) and its zod-equivalent schemas
//! (`spinstack_auth_rules::validation::Kind` trees) rather than copied by hand: the
//! request body per media type, the query parameters and the path parameters. Two
//! rules beyond the schemas are stated too, so that a request the document calls valid
//! is one the server takes: no string or key of a body or query may hold a NUL
//! character (`spinstack_auth_rules::storable`; passwords aside), and the checks the
//! handlers make on the body ([`handler_checks`]: new passwords' length, sign-in's
//! email pattern, what `/update-user` reads).

use serde_json::{Map, Value as Json, json};
use spinstack_auth_rules::body::MediaTypes;
use spinstack_auth_rules::email::ZOD_EMAIL_PATTERN;
use spinstack_auth_rules::endpoint::Endpoint;
use spinstack_auth_rules::validation::{Field, Kind};
use spinstack_passwords::{MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH};

use super::models::{JSON_WITHOUT_NUL, reference};

/// A string without a NUL character (U+0000): what `spinstack_auth_rules::storable`
/// lets through in a body (passwords aside) or a query.
pub const NO_NUL: &str = r"^[^\u0000]*$";

/// The top-level body fields the NUL rule exempts: they are only hashed, never
/// stored (`spinstack_auth_rules::storable`).
pub const HASHED: &[&str] = &["password", "newPassword", "currentPassword"];

/// The `patternProperties` key that matches exactly the [`HASHED`] names.
fn hashed_names_pattern() -> String {
    format!("^(?:{})$", HASHED.join("|"))
}

/// Where a value travels: query values are always strings (or arrays of strings for a
/// repeated key), which changes what a coerced boolean accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A JSON body.
    Body,
    /// The query string.
    Query,
}

/// The JSON Schema of values `kind` accepts below the top level of a body, or in a
/// query: every string and key without a NUL character.
pub fn json_schema(kind: &Kind, place: Place) -> Json {
    schema_at(kind, place, false)
}

/// The JSON Schema of a whole body `kind` accepts: as [`json_schema`], except that the
/// values of its top-level [`HASHED`] keys may hold NUL characters.
pub fn body_schema(kind: &Kind) -> Json {
    schema_at(kind, Place::Body, true)
}

/// `root`: whether `kind` is the body itself (or a part or option of it), whose
/// [`HASHED`] keys are exempt from the NUL rule.
fn schema_at(kind: &Kind, place: Place, root: bool) -> Json {
    match kind {
        Kind::String => json!({ "type": "string", "pattern": NO_NUL }),
        Kind::NonEmptyString => json!({ "type": "string", "minLength": 1, "pattern": NO_NUL }),
        Kind::Email => email(),
        Kind::Boolean => json!({ "type": "boolean" }),
        Kind::Number => json!({ "type": "number" }),
        Kind::CoercedBoolean => coerced_boolean(place),
        Kind::Any => reference(JSON_WITHOUT_NUL),
        Kind::LiteralTrue => json!({ "const": true }),
        Kind::Object(fields) => object(fields, false, place, root),
        Kind::StrictObject(fields) => object(fields, true, place, root),
        Kind::Array(item) => json!({ "type": "array", "items": json_schema(item, place) }),
        Kind::Record(value) => {
            let mut schema = Map::new();
            schema.insert("type".to_owned(), json!("object"));
            open_keys(&mut schema, json_schema(value, place), root);
            Json::Object(schema)
        }
        Kind::AllOf(parts) => json!({ "allOf": all(parts, place, root) }),
        Kind::Union([only]) => schema_at(only, place, root),
        Kind::Union(options) => json!({ "anyOf": all(options, place, root) }),
    }
}

fn all(kinds: &[Kind], place: Place, root: bool) -> Vec<Json> {
    kinds
        .iter()
        .map(|kind| schema_at(kind, place, root))
        .collect()
}

/// `z.email()`: zod's pattern (which admits no NUL). Not `format: email`, which
/// refuses some addresses zod takes (a local part over 64 characters).
fn email() -> Json {
    json!({
        "type": "string",
        "pattern": ZOD_EMAIL_PATTERN,
        "description": "An email address as zod's `z.email()` accepts it (the pattern).",
    })
}

/// `z.coerce.boolean()`: anything passes and is read with JavaScript truthiness.
fn coerced_boolean(place: Place) -> Json {
    match place {
        Place::Body => json!({
            "description": "Any value, read as JavaScript truthiness.",
            "allOf": [reference(JSON_WITHOUT_NUL)],
        }),
        Place::Query => json!({
            "type": "string",
            "pattern": NO_NUL,
            "description": "Any value is accepted; every non-empty value (`false` too) counts as true.",
        }),
    }
}

/// The keys of an object beyond its declared ones: any name without a NUL, each
/// with a value matching `value` — except, at the body's top level, the [`HASHED`]
/// names, whose values the NUL rule does not look at.
fn open_keys(schema: &mut Map<String, Json>, value: Json, root: bool) {
    schema.insert("propertyNames".to_owned(), json!({ "pattern": NO_NUL }));
    if root {
        let mut hashed = Map::new();
        hashed.insert(hashed_names_pattern(), json!({}));
        schema.insert("patternProperties".to_owned(), Json::Object(hashed));
    }
    schema.insert("additionalProperties".to_owned(), value);
}

/// `z.object` (unknown keys allowed, with any value) or `z.strictObject` (unknown
/// keys refused).
fn object(fields: &[Field], strict: bool, place: Place, root: bool) -> Json {
    let properties: Map<String, Json> = fields
        .iter()
        .map(|field| {
            let schema = field_schema(field, place);
            let schema = if root && HASHED.contains(&field.name) {
                without_nul_rule(schema)
            } else {
                schema
            };
            (field.name.to_owned(), schema)
        })
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
    } else {
        open_keys(&mut schema, reference(JSON_WITHOUT_NUL), root);
    }
    Json::Object(schema)
}

/// A field schema without the NUL rule's pattern (a hashed password's).
fn without_nul_rule(mut schema: Json) -> Json {
    if let Json::Object(map) = &mut schema
        && map.get("pattern") == Some(&json!(NO_NUL))
    {
        map.remove("pattern");
    }
    schema
}

fn field_schema(field: &Field, place: Place) -> Json {
    let schema = json_schema(&field.kind, place);
    if field.nullable {
        json!({ "anyOf": [schema, { "type": "null" }] })
    } else {
        schema
    }
}

/// A check a handler (`crates/auth/src/endpoints`) makes on the body once its
/// route's schema has passed, stated in the document as schema.
#[derive(Debug, Clone, PartialEq)]
pub enum HandlerCheck {
    /// The top-level field must then match this schema (it replaces the field's schema
    /// wherever the body's top level declares the field).
    Field(&'static str, Json),
    /// These keywords join the body's top-level object schema.
    Body(Json),
}

/// The handler checks of `path`'s route: a new password's length
/// (`PASSWORD_TOO_SHORT` / `PASSWORD_TOO_LONG`); sign-in's email pattern
/// (`INVALID_EMAIL`, where the route's schema only asks for a string); and what
/// `/update-user` reads from its any-object body (`EMAIL_CAN_NOT_BE_UPDATED`, the type
/// of `name` and `image`, `No fields to update`).
pub fn handler_checks(path: &str) -> Vec<HandlerCheck> {
    match path {
        "/sign-up/email" => vec![HandlerCheck::Field("password", new_password())],
        "/change-password" | "/reset-password" => {
            vec![HandlerCheck::Field("newPassword", new_password())]
        }
        "/sign-in/email" => vec![HandlerCheck::Field("email", email())],
        "/update-user" => vec![HandlerCheck::Body(user_update())],
        _ => Vec::new(),
    }
}

/// A new password (`spinstack_passwords::check_length`), exempt from the NUL rule.
fn new_password() -> Json {
    json!({
        "type": "string",
        "minLength": MIN_PASSWORD_LENGTH,
        "maxLength": MAX_PASSWORD_LENGTH,
        "description": format!(
            "{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters, counted as JavaScript counts them (UTF-16 code units, before NFKC): a character outside the Basic Multilingual Plane, such as an emoji, counts as two."
        ),
    })
}

/// `/update-user`'s reading of its body: `name` a string, `image` a string or `null`,
/// at least one of them, and `email` absent or falsy (JavaScript's falsy JSON values).
fn user_update() -> Json {
    let text = json_schema(&Kind::String, Place::Body);
    json!({
        "properties": {
            "name": text,
            "image": { "anyOf": [text, { "type": "null" }] },
            "email": {
                "description": "Refused unless falsy (`EMAIL_CAN_NOT_BE_UPDATED`): the email cannot be changed here.",
                "enum": [null, false, 0, ""],
            },
        },
        "anyOf": [{ "required": ["name"] }, { "required": ["image"] }],
    })
}

/// States [`handler_checks`] of `path` in a body schema.
fn apply_handler_checks(schema: &mut Json, path: &str) {
    for check in handler_checks(path) {
        match check {
            HandlerCheck::Field(field, checked) => replace_field(schema, field, &checked),
            HandlerCheck::Body(Json::Object(keywords)) => {
                if let Json::Object(object) = schema {
                    object.extend(keywords);
                }
            }
            HandlerCheck::Body(_) => {}
        }
    }
}

/// Replaces the schema of the top-level `field` wherever `schema` declares it: in its
/// own `properties` or in those of its `allOf` parts and `anyOf` options.
fn replace_field(schema: &mut Json, field: &str, checked: &Json) {
    let Json::Object(map) = schema else {
        return;
    };
    if let Some(slot) = map
        .get_mut("properties")
        .and_then(|properties| properties.get_mut(field))
    {
        *slot = checked.clone();
    }
    for key in ["allOf", "anyOf"] {
        if let Some(Json::Array(parts)) = map.get_mut(key) {
            for part in parts {
                replace_field(part, field, checked);
            }
        }
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
        Kind::Object(fields) => object(&textual(fields), false, Place::Body, true),
        Kind::StrictObject(fields) => object(&textual(fields), true, Place::Body, true),
        Kind::AllOf(parts) => json!({ "allOf": parts.iter().map(form_schema).collect::<Vec<_>>() }),
        other => body_schema(other),
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
    let checked = |mut json: Json| {
        apply_handler_checks(&mut json, endpoint.path);
        json
    };
    let mut content = Map::new();
    content.insert(
        "application/json".to_owned(),
        json!({ "schema": checked(body_schema(&schema.kind)) }),
    );
    let mut body = Map::new();
    if endpoint.media_types == MediaTypes::FormOrJson {
        content.insert(
            "application/x-www-form-urlencoded".to_owned(),
            json!({ "schema": checked(form_schema(&schema.kind)) }),
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
