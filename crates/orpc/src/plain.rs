//! A [`Value`] as plain JSON, the way oRPC's OpenAPI serializer writes it (spec §4.3):
//! Dates as ISO strings (`null` when invalid), BigInt, URL and RegExp as strings, Sets
//! as arrays, Maps as arrays of pairs, NaN as `null`, `undefined` as `null` in arrays
//! and left out of objects. Procedures receive their (validated) input in this form.

use serde_json::Value as Json;

use crate::date;
use crate::value::{Value, json_number};

/// The plain JSON of `value`; `None` for `undefined`. A file becomes `{}` (what
/// `JSON.stringify` makes of a Blob): files travel only as multipart parts.
pub fn to_json(value: &Value) -> Option<Json> {
    Some(match value {
        Value::Undefined => return None,
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => json_number(*n),
        Value::String(s) | Value::BigInt(s) | Value::Url(s) => Json::String(s.clone()),
        Value::Date(ms) => ms.and_then(date::to_iso).map_or(Json::Null, Json::String),
        Value::RegExp { source, flags } => Json::String(format!("/{source}/{flags}")),
        Value::Set(items) | Value::Array(items) => Json::Array(
            items
                .iter()
                .map(|item| to_json(item).unwrap_or(Json::Null))
                .collect(),
        ),
        Value::Map(entries) => Json::Array(
            entries
                .iter()
                .map(|(k, v)| {
                    Json::Array(vec![
                        to_json(k).unwrap_or(Json::Null),
                        to_json(v).unwrap_or(Json::Null),
                    ])
                })
                .collect(),
        ),
        Value::Object(entries) => Json::Object(
            entries
                .iter()
                .filter_map(|(k, v)| to_json(v).map(|json| (k.clone(), json)))
                .collect(),
        ),
        Value::File(_) => Json::Object(serde_json::Map::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_forms() {
        let value = Value::object([
            ("d", Value::Date(Some(0))),
            ("bad", Value::Date(None)),
            ("n", Value::Number(f64::NAN)),
            ("u", Value::Undefined),
            (
                "s",
                Value::Set(vec![Value::Undefined, Value::BigInt("1".into())]),
            ),
            (
                "m",
                Value::Map(vec![(
                    Value::String("k".into()),
                    Value::Url("https://a/".into()),
                )]),
            ),
            (
                "r",
                Value::RegExp {
                    source: "a".into(),
                    flags: "g".into(),
                },
            ),
        ]);
        assert_eq!(
            to_json(&value),
            Some(json!({
                "d": "1970-01-01T00:00:00.000Z", "bad": null, "n": null,
                "s": [null, "1"], "m": [["k", "https://a/"]], "r": "/a/g"
            }))
        );
        assert_eq!(to_json(&Value::Undefined), None);
    }
}
