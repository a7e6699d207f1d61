//! Owns the one request rule Better Auth does not have: no string of a body or query
//! may hold a NUL character (U+0000), which PostgreSQL's `text` cannot store. Better
//! Auth on PostgreSQL fails such a request with a `500` from the database (on an
//! insert, or on a lookup by token); here it is the caller's `400 VALIDATION_ERROR`,
//! naming the field as a schema failure would. Passwords are exempt: they are only
//! ever hashed, never stored or looked up as text, so Better Auth's answer stands.

use serde_json::{Map, Value};

use crate::Rejection;
use crate::validation::{Issue, PathStep, Target, reject_issues};

const MESSAGE: &str = "Invalid input: NUL characters (\\u0000) cannot be stored";

/// The body fields that are hashed, never stored as they are.
const HASHED: &[&str] = &["password", "newPassword", "currentPassword"];

/// Checks every key and string of `value`.
///
/// # Errors
/// 400 `VALIDATION_ERROR` listing each string that holds a NUL character.
pub fn check_no_nul(value: &Value, target: Target) -> Result<(), Rejection> {
    let mut issues = Vec::new();
    collect(value, &mut Vec::new(), &mut issues);
    reject_issues(&issues, target)
}

/// [`check_no_nul`] for a query.
///
/// # Errors
/// As [`check_no_nul`].
pub fn check_query_no_nul(query: &Map<String, Value>) -> Result<(), Rejection> {
    let mut issues = Vec::new();
    collect_object(query, &mut Vec::new(), &mut issues);
    reject_issues(&issues, Target::Query)
}

fn collect(value: &Value, path: &mut Vec<PathStep>, issues: &mut Vec<Issue>) {
    match value {
        Value::String(text) if text.contains('\0') => issues.push(issue(path)),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(PathStep::Index(index));
                collect(item, path, issues);
                path.pop();
            }
        }
        Value::Object(map) => collect_object(map, path, issues),
        _ => {}
    }
}

fn collect_object(map: &Map<String, Value>, path: &mut Vec<PathStep>, issues: &mut Vec<Issue>) {
    for (key, item) in map {
        if path.is_empty() && HASHED.contains(&key.as_str()) {
            continue;
        }
        path.push(PathStep::Key(key.escape_default().to_string()));
        if key.contains('\0') {
            issues.push(issue(path));
        } else {
            collect(item, path, issues);
        }
        path.pop();
    }
}

fn issue(path: &[PathStep]) -> Issue {
    Issue {
        path: path.to_vec(),
        message: MESSAGE.to_owned(),
        aborts: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_nul_in_strings_and_keys() {
        assert!(check_no_nul(&json!({"name": "Ada", "tags": ["a", 1]}), Target::Body).is_ok());
        // Passwords are hashed, never stored: Better Auth's answer stands for them.
        let passwords =
            json!({"password": "a\u{0}", "newPassword": "\u{0}", "currentPassword": "\u{0}"});
        assert!(check_no_nul(&passwords, Target::Body).is_ok());
        assert!(check_no_nul(&json!({"nested": {"password": "\u{0}"}}), Target::Body).is_err());
        let rejected = check_no_nul(
            &json!({"name": "a\u{0}b", "list": ["ok", "\u{0}"], "k\u{0}": 1}),
            Target::Body,
        );
        assert_eq!(
            rejected.map_err(|r| (r.status, r.code, r.message)),
            Err((
                400,
                Some("VALIDATION_ERROR"),
                "[body.name] Invalid input: NUL characters (\\u0000) cannot be stored; \
                 [body.list.1] Invalid input: NUL characters (\\u0000) cannot be stored; \
                 [body.k\\u{0}] Invalid input: NUL characters (\\u0000) cannot be stored"
                    .to_owned()
            ))
        );
        let mut query = Map::new();
        query.insert("token".to_owned(), json!("x\u{0}"));
        assert_eq!(
            check_query_no_nul(&query).map_err(|r| r.message),
            Err(
                "[query.token] Invalid input: NUL characters (\\u0000) cannot be stored".to_owned()
            )
        );
    }
}
