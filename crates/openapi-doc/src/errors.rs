//! The error responses of procedure calls on the REST mount (spec §3.6, §4.4): oRPC's
//! `{"defined":false,"code","status","message"[,"data"]}` as plain JSON, one schema per
//! status a procedure can answer — `400` for a malformed body or an input that fails
//! validation (with zod's issues in `data.issues`), `401` for a protected procedure
//! without a session, `500` for an internal failure (its cause is only logged).

use serde_json::{Map, Value as Json, json};

/// The statuses, codes and component-schema names of the errors a procedure can send.
const ERRORS: &[(u16, &str, &str, &str)] = &[
    (
        400,
        "BAD_REQUEST",
        "BadRequestError",
        "The body is malformed, or the input fails validation",
    ),
    (
        401,
        "UNAUTHORIZED",
        "UnauthorizedError",
        "The procedure needs a session and the request has none",
    ),
    (
        500,
        "INTERNAL_SERVER_ERROR",
        "InternalServerError",
        "An unexpected failure (the cause is logged, never sent)",
    ),
];

/// Whether an error status applies to a procedure.
fn applies(status: u16, protected: bool) -> bool {
    status != 401 || protected
}

/// The error entries of an operation's `responses`, keyed by status.
pub fn responses(protected: bool) -> Map<String, Json> {
    ERRORS
        .iter()
        .filter(|(status, ..)| applies(*status, protected))
        .map(|(status, _, name, description)| {
            let response = json!({
                "description": description,
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}
            });
            (status.to_string(), response)
        })
        .collect()
}

/// The error schemas the responses reference, for `components.schemas`.
pub fn schemas() -> Map<String, Json> {
    ERRORS
        .iter()
        .map(|(status, code, name, _)| ((*name).to_owned(), schema(*status, code)))
        .collect()
}

/// One error's shape: its code and status are fixed; `data` is only sent by a
/// validation failure, with the issues zod reports.
fn schema(status: u16, code: &str) -> Json {
    let mut properties = json!({
        "defined": {"const": false},
        "code": {"const": code},
        "status": {"const": status},
        "message": {"type": "string"},
    });
    if status == 400
        && let Json::Object(map) = &mut properties
    {
        map.insert("data".to_owned(), validation_data());
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": ["defined", "code", "status", "message"],
        "additionalProperties": false,
    })
}

/// `data` of `Input validation failed`: zod's issues, each with its `code`, the `path`
/// to the offending value and a `message` (plus the details of its code).
fn validation_data() -> Json {
    json!({
        "type": "object",
        "properties": {
            "issues": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "path": {"type": "array", "items": {"type": ["string", "number"]}},
                        "message": {"type": "string"},
                    },
                    "required": ["code", "path", "message"],
                },
            },
        },
        "required": ["issues"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_procedures_cannot_answer_401() {
        let public: Vec<_> = responses(false).keys().cloned().collect();
        assert_eq!(public, ["400", "500"]);
        let protected: Vec<_> = responses(true).keys().cloned().collect();
        assert_eq!(protected, ["400", "401", "500"]);
        assert_eq!(schemas().len(), ERRORS.len());
    }
}
