//! Validation issues exactly as zod 4 reports them through Standard Schema (spec §3.6):
//! the issue's own keys in zod's order, then `path` and `message` (English locale).
//! `input` and `inst` never appear.

use serde_json::{Map, Value as Json, json};
use spinstack_orpc::Value;
use spinstack_orpc::value::json_number;

/// One issue.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// The issue's own keys (`code` and its details), in zod's order.
    fields: Map<String, Json>,
    /// Where, from the root of the input.
    pub path: Vec<Json>,
    message: String,
    /// Whether zod stops checking the value after it (type-level failures do; size
    /// and range checks do not).
    pub aborts: bool,
}

impl Issue {
    fn new(fields: Json, message: String, aborts: bool) -> Self {
        let fields = match fields {
            Json::Object(fields) => fields,
            _ => Map::new(),
        };
        Self {
            fields,
            path: Vec::new(),
            message,
            aborts,
        }
    }

    /// The issue as it goes on the wire.
    pub fn to_json(&self) -> Json {
        let mut out = self.fields.clone();
        out.insert("path".to_owned(), Json::Array(self.path.clone()));
        out.insert("message".to_owned(), Json::String(self.message.clone()));
        Json::Object(out)
    }

    /// Prefixes the path (an issue found inside a property or item).
    #[must_use]
    pub fn within(mut self, segment: Json) -> Self {
        self.path.insert(0, segment);
        self
    }

    /// `invalid_type`: `value` is not a `expected` (`string`, `object`, `date`, …).
    pub fn invalid_type(expected: &str, value: &Value) -> Self {
        // Only zod's number and date parsers say what they received.
        let received = match value {
            Value::Number(n) if expected == "number" && !n.is_finite() => Some(value.type_name()),
            Value::Date(None) if expected == "date" => Some("Invalid Date"),
            _ => None,
        };
        let mut fields = json!({"expected": expected, "code": "invalid_type"});
        if let (Some(received), Json::Object(map)) = (received, &mut fields) {
            map.insert("received".to_owned(), json!(received));
        }
        let message = format!(
            "Invalid input: expected {expected}, received {}",
            value.type_name()
        );
        Self::new(fields, message, true)
    }

    /// `invalid_type` for a number that is not an integer (`z.number().int()`).
    pub fn not_an_integer() -> Self {
        Self::new(
            json!({"expected": "int", "format": "safeint", "code": "invalid_type"}),
            "Invalid input: expected int, received number".to_owned(),
            true,
        )
    }

    /// An integer beyond ±(2^53 − 1).
    pub fn unsafe_integer(too_big: bool) -> Self {
        const SAFE: i64 = 9_007_199_254_740_991;
        let note = "Integers must be within the safe integer range.";
        if too_big {
            Self::new(
                json!({"code": "too_big", "maximum": SAFE, "note": note, "origin": "int", "inclusive": true}),
                format!("Too big: expected int to be <={SAFE}"),
                true,
            )
        } else {
            Self::new(
                json!({"code": "too_small", "minimum": -SAFE, "note": note, "origin": "int", "inclusive": true}),
                format!("Too small: expected int to be >=-{SAFE}"),
                true,
            )
        }
    }

    /// `too_small` / `too_big` of a size (`origin` string or array) or a number.
    pub fn bound(origin: &str, small: bool, limit: f64, inclusive: bool) -> Self {
        let limit_json = json_number(limit);
        let (code, key, op) = if small {
            ("too_small", "minimum", if inclusive { ">=" } else { ">" })
        } else {
            ("too_big", "maximum", if inclusive { "<=" } else { "<" })
        };
        let mut fields = Map::new();
        fields.insert("origin".to_owned(), json!(origin));
        fields.insert("code".to_owned(), json!(code));
        fields.insert(key.to_owned(), limit_json.clone());
        fields.insert("inclusive".to_owned(), json!(inclusive));
        let unit = match origin {
            "string" => Some("characters"),
            "array" | "set" => Some("items"),
            "file" => Some("bytes"),
            "map" => Some("entries"),
            _ => None,
        };
        let capital = if small { "Too small" } else { "Too big" };
        let message = match unit {
            Some(unit) => format!("{capital}: expected {origin} to have {op}{limit_json} {unit}"),
            None => format!("{capital}: expected {origin} to be {op}{limit_json}"),
        };
        Self::new(Json::Object(fields), message, false)
    }

    /// `not_multiple_of`.
    pub fn not_multiple_of(divisor: f64) -> Self {
        let divisor = json_number(divisor);
        Self::new(
            json!({"origin": "number", "code": "not_multiple_of", "divisor": divisor}),
            format!("Invalid number: must be a multiple of {divisor}"),
            false,
        )
    }

    /// `invalid_value`: not one of `values` (an enum or a literal).
    pub fn invalid_value(values: &[Json]) -> Self {
        let message = match values {
            [only] => format!("Invalid input: expected {}", primitive(only)),
            _ => format!(
                "Invalid option: expected one of {}",
                values.iter().map(primitive).collect::<Vec<_>>().join("|")
            ),
        };
        Self::new(
            json!({"code": "invalid_value", "values": values}),
            message,
            true,
        )
    }

    /// `unrecognized_keys` of a strict object.
    pub fn unrecognized_keys(keys: &[String]) -> Self {
        let plural = if keys.len() > 1 { "s" } else { "" };
        let listed: Vec<String> = keys.iter().map(|k| json!(k).to_string()).collect();
        Self::new(
            json!({"code": "unrecognized_keys", "keys": keys}),
            format!("Unrecognized key{plural}: {}", listed.join(", ")),
            false,
        )
    }

    /// `invalid_union`: every option failed; `errors` are each option's issues.
    pub fn invalid_union(errors: &[Vec<Self>]) -> Self {
        let errors: Vec<Json> = errors
            .iter()
            .map(|issues| Json::Array(issues.iter().map(Self::to_json).collect()))
            .collect();
        Self::new(
            json!({"code": "invalid_union", "errors": errors}),
            "Invalid input".to_owned(),
            true,
        )
    }
}

/// zod's `stringifyPrimitive`: strings quoted as JSON, other values as `String(v)`.
fn primitive(value: &Json) -> String {
    match value {
        Json::String(_) => value.to_string(),
        Json::Number(n) => n
            .as_f64()
            .map_or_else(|| n.to_string(), |f| json_number(f).to_string()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_observed_shapes() {
        let text = Issue::bound("string", true, 1.0, true).within(json!("text"));
        assert_eq!(
            text.to_json().to_string(),
            r#"{"origin":"string","code":"too_small","minimum":1,"inclusive":true,"path":["text"],"message":"Too small: expected string to have >=1 characters"}"#
        );
        assert_eq!(
            Issue::invalid_type("object", &Value::Undefined)
                .to_json()
                .to_string(),
            r#"{"expected":"object","code":"invalid_type","path":[],"message":"Invalid input: expected object, received undefined"}"#
        );
        assert_eq!(
            Issue::invalid_type("number", &Value::Number(f64::NAN))
                .within(json!("id"))
                .to_json()
                .to_string(),
            r#"{"expected":"number","code":"invalid_type","received":"NaN","path":["id"],"message":"Invalid input: expected number, received NaN"}"#
        );
        assert_eq!(
            Issue::invalid_value(&[json!("a"), json!("b")]).to_json()["message"],
            r#"Invalid option: expected one of "a"|"b""#
        );
        assert_eq!(
            Issue::bound("number", false, 5.0, false).to_json()["message"],
            "Too big: expected number to be <5"
        );
    }
}
