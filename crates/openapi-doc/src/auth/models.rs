//! The component schemas of Better Auth's responses: the user, session and account
//! objects as the `auth` component serialises them (spec §2.3, §8: every key always
//! present, dates as ISO-8601 strings with milliseconds, `null` for empty nullable
//! columns), the session-with-user pair of `/get-session`, and the error body; and,
//! for requests, any JSON value without a NUL character.

use serde_json::{Map, Value as Json, json};

use super::request::NO_NUL;

/// Better Auth's error body.
pub const AUTH_ERROR: &str = "AuthError";
/// A user.
pub const USER: &str = "User";
/// A session.
pub const SESSION: &str = "Session";
/// `{session, user}`.
pub const SESSION_WITH_USER: &str = "SessionWithUser";
/// A linked account.
pub const ACCOUNT: &str = "Account";
/// Any JSON value none of whose strings or keys holds a NUL character.
pub const JSON_WITHOUT_NUL: &str = "JsonWithoutNul";

/// `{"$ref": "#/components/schemas/<name>"}`.
pub fn reference(name: &str) -> Json {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Every schema, by name.
pub fn schemas() -> Map<String, Json> {
    [
        (AUTH_ERROR, auth_error()),
        (USER, user()),
        (SESSION, session()),
        (SESSION_WITH_USER, session_with_user()),
        (ACCOUNT, account()),
        (JSON_WITHOUT_NUL, json_without_nul()),
    ]
    .into_iter()
    .map(|(name, schema)| (name.to_owned(), schema))
    .collect()
}

/// An object whose listed keys are all required.
fn record(description: &str, properties: Json) -> Json {
    let required: Vec<&String> = properties
        .as_object()
        .map(|map| map.keys().collect())
        .unwrap_or_default();
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
    })
}

/// `Date.toJSON()`: `2026-11-29T17:59:07.177Z`.
fn date_time() -> Json {
    json!({ "type": "string", "format": "date-time" })
}

fn auth_error() -> Json {
    json!({
        "type": "object",
        "description": "Better Auth's error body. `code` is absent from a few errors (`No fields to update`, `Invalid <field>: expected a string`, the rate limit's).",
        "properties": {
            "message": { "type": "string" },
            "code": { "type": "string", "description": "e.g. `VALIDATION_ERROR`, `UNAUTHORIZED`, `INVALID_ORIGIN`" },
        },
        "required": ["message"],
    })
}

fn user() -> Json {
    record(
        "A user, as every endpoint returns it (never a password or account data).",
        json!({
            "name": { "type": "string" },
            "email": { "type": "string", "description": "Lower-cased at sign-up." },
            "emailVerified": { "type": "boolean" },
            "image": { "type": ["string", "null"] },
            "createdAt": date_time(),
            "updatedAt": date_time(),
            "id": { "type": "string" },
        }),
    )
}

fn session() -> Json {
    record(
        "A session, its token included.",
        json!({
            "expiresAt": date_time(),
            "token": { "type": "string" },
            "createdAt": date_time(),
            "updatedAt": date_time(),
            "ipAddress": { "type": ["string", "null"], "description": "The client IP at sign-in, `\"\"` when unknown." },
            "userAgent": { "type": ["string", "null"], "description": "The client's `User-Agent` at sign-in, `\"\"` when none." },
            "userId": { "type": "string" },
            "id": { "type": "string" },
        }),
    )
}

fn session_with_user() -> Json {
    record(
        "The caller's session and user.",
        json!({
            "session": reference(SESSION),
            "user": reference(USER),
        }),
    )
}

fn account() -> Json {
    record(
        "A linked account (`credential` for email and password), without its tokens or password.",
        json!({
            "accountId": { "type": "string" },
            "providerId": { "type": "string" },
            "userId": { "type": "string" },
            "createdAt": date_time(),
            "updatedAt": date_time(),
            "id": { "type": "string" },
            "scopes": { "type": "array", "items": { "type": "string" } },
        }),
    )
}

/// What a request may hold where its schema takes any value (`z.any()`, unknown keys
/// of a `z.object`): any JSON, but no string or key, at any depth, may hold a NUL
/// character (`spinstack_auth_rules::storable`). Each keyword applies to its own type
/// only, so numbers, booleans and `null` pass as they are.
fn json_without_nul() -> Json {
    json!({
        "description": "Any JSON value none of whose strings or object keys, at any depth, holds a NUL character (U+0000), which PostgreSQL's `text` cannot store.",
        "pattern": NO_NUL,
        "items": reference(JSON_WITHOUT_NUL),
        "propertyNames": { "pattern": NO_NUL },
        "additionalProperties": reference(JSON_WITHOUT_NUL),
    })
}
