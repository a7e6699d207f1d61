//! Owns schema validation of endpoint bodies and queries: a small declarative subset
//! of zod v4 (the kinds Better Auth's email/password endpoints use) that reports the
//! same issues, in the same order, with zod's English messages, and formats them as
//! better-call's `VALIDATION_ERROR` (spec §2.5): `[body.name] Invalid input: expected
//! string, received undefined`, issues joined by `"; "`, root issues as `[body] …`.

use serde_json::{Map, Value};

use crate::Rejection;
use crate::email::is_valid_email;

/// What a value must be (one zod schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `z.string()`.
    String,
    /// `z.string().nonempty()`.
    NonEmptyString,
    /// `z.email()`: a string matching zod's email pattern.
    Email,
    /// `z.boolean()`.
    Boolean,
    /// `z.number()`.
    Number,
    /// `z.coerce.boolean()`: anything is accepted (and read as JavaScript truthiness).
    CoercedBoolean,
    /// `z.any()`.
    Any,
    /// `z.literal(true)`.
    LiteralTrue,
    /// `z.object({...})`: unknown keys are allowed (and ignored).
    Object(&'static [Field]),
    /// `z.strictObject({...})`: unknown keys are an issue.
    StrictObject(&'static [Field]),
    /// `z.array(kind)`.
    Array(&'static Kind),
    /// `z.record(z.string(), kind)`.
    Record(&'static Kind),
    /// `a.and(b)…`: every part is checked and all their issues are reported, in order.
    AllOf(&'static [Kind]),
    /// `z.union([...])`: the first option without issues wins; otherwise the issues of
    /// the only option that failed on checks alone, else one `Invalid input`.
    Union(&'static [Kind]),
}

/// One key of an object schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The key.
    pub name: &'static str,
    /// What its value must be.
    pub kind: Kind,
    /// `.optional()`: the key may be absent.
    pub optional: bool,
    /// `.nullable()`: the value may be `null`.
    pub nullable: bool,
}

impl Field {
    /// A required key.
    pub const fn required(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            kind,
            optional: false,
            nullable: false,
        }
    }

    /// An optional key.
    pub const fn optional(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            kind,
            optional: true,
            nullable: false,
        }
    }

    /// The same key, also accepting `null`.
    pub const fn nullable(self) -> Self {
        Self {
            nullable: true,
            ..self
        }
    }
}

/// A whole body or query schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schema {
    /// What the value must be.
    pub kind: Kind,
    /// `.optional()` on the whole schema: no body (or no query) at all is fine.
    pub optional: bool,
}

impl Schema {
    /// A required body or query.
    pub const fn required(kind: Kind) -> Self {
        Self {
            kind,
            optional: false,
        }
    }

    /// A body or query that may be absent.
    pub const fn optional(kind: Kind) -> Self {
        Self {
            kind,
            optional: true,
        }
    }
}

/// Which part of the request a schema applies to: the prefix of each issue's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `[body…]`.
    Body,
    /// `[query…]`.
    Query,
}

/// One step of an issue's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// One zod issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Where, from the root of the body or query.
    pub path: Vec<PathStep>,
    /// zod's English message.
    pub message: String,
    /// Whether zod marks the issue as aborting (a wrong type, a failed union) rather
    /// than a failed check (a format, a length, unknown keys): unions use it to pick
    /// the option whose issues they report.
    pub aborts: bool,
}

/// Validates `value` (`None` = absent, JavaScript's `undefined`) against `schema`.
///
/// # Errors
/// 400 `VALIDATION_ERROR` with the issues in zod's order.
pub fn validate(schema: &Schema, value: Option<&Value>, target: Target) -> Result<(), Rejection> {
    reject_issues(&issues(schema, value), target)
}

/// better-call's `VALIDATION_ERROR` for `issues`, if there are any.
///
/// # Errors
/// 400 `VALIDATION_ERROR` listing the issues, when there are some.
pub fn reject_issues(issues: &[Issue], target: Target) -> Result<(), Rejection> {
    if issues.is_empty() {
        return Ok(());
    }
    Err(Rejection::new(
        400,
        "VALIDATION_ERROR",
        format_issues(issues, target),
    ))
}

/// The issues zod reports for `value` against `schema`, in its order.
pub fn issues(schema: &Schema, value: Option<&Value>) -> Vec<Issue> {
    let mut issues = Vec::new();
    if !(schema.optional && value.is_none()) {
        check(&schema.kind, value, &mut Vec::new(), &mut issues);
    }
    issues
}

/// better-call's message: `[<target>.<dotted path>] <message>` joined by `"; "`.
pub fn format_issues(issues: &[Issue], target: Target) -> String {
    let root = match target {
        Target::Body => "body",
        Target::Query => "query",
    };
    let formatted: Vec<String> = issues
        .iter()
        .map(|issue| {
            let mut location = root.to_owned();
            for step in &issue.path {
                location.push('.');
                match step {
                    PathStep::Key(key) => location.push_str(key),
                    PathStep::Index(index) => location.push_str(&index.to_string()),
                }
            }
            format!("[{location}] {}", issue.message)
        })
        .collect();
    formatted.join("; ")
}

/// The type name zod prints after `received`, for a JSON value.
pub fn received(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

fn check(kind: &Kind, value: Option<&Value>, path: &mut Vec<PathStep>, issues: &mut Vec<Issue>) {
    let invalid_type = |expected: &str, issues: &mut Vec<Issue>| {
        issues.push(Issue {
            path: path.clone(),
            message: format!(
                "Invalid input: expected {expected}, received {}",
                received(value)
            ),
            aborts: true,
        });
    };
    match kind {
        Kind::Any | Kind::CoercedBoolean => {}
        Kind::String | Kind::NonEmptyString | Kind::Email => {
            let Some(Value::String(text)) = value else {
                return invalid_type("string", issues);
            };
            let message = match kind {
                Kind::NonEmptyString if text.is_empty() => {
                    "Too small: expected string to have >=1 characters"
                }
                Kind::Email if !is_valid_email(text) => "Invalid email address",
                _ => return,
            };
            issues.push(Issue {
                path: path.clone(),
                message: message.to_owned(),
                aborts: false,
            });
        }
        Kind::Boolean if !matches!(value, Some(Value::Bool(_))) => invalid_type("boolean", issues),
        Kind::Number if !matches!(value, Some(Value::Number(_))) => invalid_type("number", issues),
        Kind::Boolean | Kind::Number => {}
        Kind::LiteralTrue if value != Some(&Value::Bool(true)) => issues.push(Issue {
            path: path.clone(),
            message: "Invalid input: expected true".to_owned(),
            aborts: true,
        }),
        Kind::LiteralTrue => {}
        Kind::Object(fields) | Kind::StrictObject(fields) => {
            let Some(Value::Object(object)) = value else {
                return invalid_type("object", issues);
            };
            check_fields(fields, object, path, issues);
            if matches!(kind, Kind::StrictObject(_)) {
                unrecognized_keys(fields, object, path, issues);
            }
        }
        Kind::Array(item) => {
            let Some(Value::Array(items)) = value else {
                return invalid_type("array", issues);
            };
            for (index, element) in items.iter().enumerate() {
                path.push(PathStep::Index(index));
                check(item, Some(element), path, issues);
                path.pop();
            }
        }
        Kind::Record(item) => {
            let Some(Value::Object(object)) = value else {
                return invalid_type("record", issues);
            };
            for (key, element) in js_key_order(object) {
                path.push(PathStep::Key(key.clone()));
                check(item, Some(element), path, issues);
                path.pop();
            }
        }
        Kind::AllOf(parts) => {
            for part in *parts {
                check(part, value, path, issues);
            }
        }
        Kind::Union(options) => union(options, value, path, issues),
    }
}

fn check_fields(
    fields: &[Field],
    object: &Map<String, Value>,
    path: &mut Vec<PathStep>,
    issues: &mut Vec<Issue>,
) {
    for field in fields {
        let value = object.get(field.name);
        let skip = match value {
            None => field.optional,
            Some(Value::Null) => field.nullable,
            Some(_) => false,
        };
        if !skip {
            path.push(PathStep::Key(field.name.to_owned()));
            check(&field.kind, value, path, issues);
            path.pop();
        }
    }
}

fn unrecognized_keys(
    fields: &[Field],
    object: &Map<String, Value>,
    path: &[PathStep],
    issues: &mut Vec<Issue>,
) {
    let unknown: Vec<String> = js_key_order(object)
        .into_iter()
        .map(|(key, _)| key)
        .filter(|key| !fields.iter().any(|field| field.name == key.as_str()))
        .map(|key| format!("\"{key}\""))
        .collect();
    if unknown.is_empty() {
        return;
    }
    let plural = if unknown.len() > 1 { "s" } else { "" };
    issues.push(Issue {
        path: path.to_vec(),
        message: format!("Unrecognized key{plural}: {}", unknown.join(", ")),
        aborts: false,
    });
}

/// The order JavaScript iterates an object parsed from JSON in: array-index keys
/// (`0`, `1`, …, below 2³² − 1) ascending, then the other keys as inserted.
fn js_key_order(object: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let index = |key: &str| {
        let canonical =
            key == "0" || (!key.starts_with('0') && key.bytes().all(|b| b.is_ascii_digit()));
        key.parse::<u32>()
            .ok()
            .filter(|&n| canonical && n < u32::MAX)
    };
    let mut entries: Vec<(&String, &Value)> = object.iter().collect();
    // Stable: non-index keys keep their insertion order.
    entries.sort_by_key(|(key, _)| index(key).map_or((1, 0), |n| (0, n)));
    entries
}

fn union(
    options: &[Kind],
    value: Option<&Value>,
    path: &mut Vec<PathStep>,
    issues: &mut Vec<Issue>,
) {
    let mut results = Vec::with_capacity(options.len());
    for option in options {
        let mut option_issues = Vec::new();
        check(option, value, path, &mut option_issues);
        if option_issues.is_empty() {
            return;
        }
        results.push(option_issues);
    }
    let mut unaborted = results
        .into_iter()
        .filter(|option_issues| option_issues.iter().all(|issue| !issue.aborts));
    match (unaborted.next(), unaborted.next()) {
        (Some(only), None) => issues.extend(only),
        _ => issues.push(Issue {
            path: path.clone(),
            message: "Invalid input".to_owned(),
            aborts: true,
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use Kind::Object;

    fn message(schema: &Schema, value: Option<Value>, target: Target) -> Option<String> {
        validate(schema, value.as_ref(), target)
            .err()
            .map(|rejection| rejection.message)
    }

    fn body(schema: &Schema, value: Value) -> Option<String> {
        message(schema, Some(value), Target::Body)
    }

    #[test]
    fn received_type_names() {
        const SCHEMA: Schema = Schema::required(Object(&[Field::required("v", Kind::String)]));
        let schema = SCHEMA;
        for (value, name) in [
            (json!({}), "undefined"),
            (json!({"v": null}), "null"),
            (json!({"v": 1.5}), "number"),
            (json!({"v": false}), "boolean"),
            (json!({"v": []}), "array"),
            (json!({"v": {}}), "object"),
        ] {
            assert_eq!(
                body(&schema, value),
                Some(format!(
                    "[body.v] Invalid input: expected string, received {name}"
                ))
            );
        }
        const FLAG: Schema = Schema::required(Object(&[Field::required("v", Kind::Boolean)]));
        let flag = FLAG;
        assert_eq!(
            body(&flag, json!({"v": "true"})).as_deref(),
            Some("[body.v] Invalid input: expected boolean, received string")
        );
    }

    #[test]
    fn keys_in_javascript_order() {
        const STRINGS: Schema = Schema::required(Kind::Record(&Kind::String));
        let value: Value =
            serde_json::from_str(r#"{"b":1,"10":2,"2":3,"01":4,"4294967295":5,"4294967294":6}"#)
                .expect("json");
        let paths: Vec<String> = issues(&STRINGS, Some(&value))
            .into_iter()
            .map(|issue| format_issues(&[issue], Target::Body))
            .map(|text| text[..text.find(']').unwrap_or(0) + 1].to_owned())
            .collect();
        assert_eq!(
            paths,
            [
                "[body.2]",
                "[body.10]",
                "[body.4294967294]",
                "[body.b]",
                "[body.01]",
                "[body.4294967295]"
            ]
        );
        const STRICT: Schema =
            Schema::required(Kind::StrictObject(&[Field::required("a", Kind::Any)]));
        let value = json!({"a": 1, "b": 1, "7": 2});
        assert_eq!(
            issues(&STRICT, Some(&value))[0].message,
            r#"Unrecognized keys: "7", "b""#
        );
    }

    #[test]
    fn optional_and_nullable_fields() {
        const FIELDS: &[Field] = &[
            Field::optional("image", Kind::String).nullable(),
            Field::required("name", Kind::String).nullable(),
        ];
        let schema = Schema::required(Object(FIELDS));
        assert_eq!(body(&schema, json!({"image": null, "name": null})), None);
        assert_eq!(
            body(&schema, json!({})).as_deref(),
            Some("[body.name] Invalid input: expected string, received undefined")
        );
        assert_eq!(
            body(
                &crate::schemas::SIGN_IN_EMAIL,
                json!({"email": "a", "password": "b", "rememberMe": null})
            )
            .as_deref(),
            Some("[body.rememberMe] Invalid input: expected boolean, received null")
        );
    }
}
