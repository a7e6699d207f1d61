//! JavaScript values as oRPC's serializers see them: JSON's kinds plus the types the
//! RPC protocol carries in `meta` (spec §3.2) — `undefined`, BigInt, Date, NaN (a
//! number), URL, RegExp, Set, Map — and files from multipart bodies (§3.4).
//!
//! Requests decode into a [`Value`], inputs are validated as one, and outputs are
//! serialised from one ([`crate::ser::to_value`]), so both protocols (RPC with its
//! `meta`, OpenAPI as plain JSON) encode the same thing.

/// A file (JavaScript `File`/`Blob`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct File {
    /// Its name (`blob` when the request named none).
    pub name: String,
    /// Its media type (`""` when unknown).
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A JavaScript value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `undefined`: a missing input, an array hole, an object property without value.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (a double, as in JavaScript: `NaN` and the infinities included).
    Number(f64),
    /// A string.
    String(String),
    /// A BigInt, as its canonical decimal digits (optional leading `-`).
    BigInt(String),
    /// A Date: milliseconds since the Unix epoch, `None` for an Invalid Date.
    Date(Option<i64>),
    /// A URL, as its `href`.
    Url(String),
    /// A regular expression: its source and flags (never compiled here).
    RegExp {
        /// The pattern between the slashes.
        source: String,
        /// The flags after the last slash.
        flags: String,
    },
    /// A Set, in insertion order, without duplicates.
    Set(Vec<Value>),
    /// A Map: entries in insertion order, keys without duplicates.
    Map(Vec<(Value, Value)>),
    /// An array.
    Array(Vec<Value>),
    /// A plain object: its own properties in order.
    Object(Vec<(String, Value)>),
    /// A file.
    File(File),
}

impl Value {
    /// What zod calls the value in "received …" messages (`util.parsedType` plus the
    /// English locale's spelling): `undefined`, `null`, `boolean`, `number`, `NaN`,
    /// `Infinity`, `string`, `bigint`, `array`, `object`, or the class name (`Date`,
    /// `Set`, `Map`, `URL`, `RegExp`, `File`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Undefined => "undefined",
            Self::Null => "null",
            Self::Bool(_) => "boolean",
            Self::Number(n) if n.is_nan() => "NaN",
            Self::Number(n) if *n == f64::INFINITY => "Infinity",
            Self::Number(n) if *n == f64::NEG_INFINITY => "-Infinity",
            Self::Number(_) => "number",
            Self::String(_) => "string",
            Self::BigInt(_) => "bigint",
            Self::Date(_) => "Date",
            Self::Url(_) => "URL",
            Self::RegExp { .. } => "RegExp",
            Self::Set(_) => "Set",
            Self::Map(_) => "Map",
            Self::Array(_) => "array",
            Self::Object(_) => "object",
            Self::File(_) => "File",
        }
    }

    /// Whether `typeof value === "object"` and it is neither `null` nor an array — what
    /// zod's object schema accepts (a Date or a Set is such an object, with no own
    /// properties of the kind a schema names).
    pub fn is_object_like(&self) -> bool {
        !matches!(
            self,
            Self::Undefined
                | Self::Null
                | Self::Bool(_)
                | Self::Number(_)
                | Self::String(_)
                | Self::BigInt(_)
                | Self::Array(_)
        )
    }

    /// The own property `key` of a plain object (`None` for anything else).
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The length zod measures: Unicode code points for strings (zod 4.6 counts
    /// those, not UTF-16 units), items for arrays; `None` for anything else.
    pub fn length(&self) -> Option<usize> {
        match self {
            Self::String(s) => Some(s.chars().count()),
            Self::Array(items) => Some(items.len()),
            _ => None,
        }
    }

    /// A plain object from `(key, value)` pairs.
    pub fn object<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Self {
        Self::Object(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// JavaScript's SameValueZero, the equality of Set members and Map keys: primitives
    /// by value (`NaN` equals itself), objects never (each decoded object is distinct).
    pub(crate) fn same_value_zero(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Undefined, Self::Undefined) | (Self::Null, Self::Null) => true,
            (Self::Bool(a), Self::Bool(b)) => a == b,
            (Self::Number(a), Self::Number(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Self::String(a), Self::String(b)) | (Self::BigInt(a), Self::BigInt(b)) => a == b,
            _ => false,
        }
    }
}

impl From<&serde_json::Value> for Value {
    /// JSON as `JSON.parse` gives it: numbers become doubles.
    fn from(json: &serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Self::Null,
            serde_json::Value::Bool(b) => Self::Bool(*b),
            serde_json::Value::Number(n) => Self::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Self::String(s.clone()),
            serde_json::Value::Array(items) => Self::Array(items.iter().map(Self::from).collect()),
            serde_json::Value::Object(map) => Self::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Self::from(v)))
                    .collect(),
            ),
        }
    }
}

/// A double as JSON writes it: integral values below 2^63 as integers (as JavaScript
/// prints them), `NaN` and the infinities as `null` (as `JSON.stringify` does), other
/// values in Rust's shortest round-trip form.
pub fn json_number(n: f64) -> serde_json::Value {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if n.fract() == 0.0 && n.abs() < TWO_POW_63 {
        // Exact: an integral double below 2^63 fits an i64.
        #[allow(clippy::cast_possible_truncation, reason = "checked just above")]
        return serde_json::Value::from(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn type_names_follow_zod() {
        let names: Vec<_> = [
            Value::Undefined,
            Value::Null,
            Value::Number(f64::NAN),
            Value::Number(1.0),
            Value::BigInt("1".into()),
            Value::Date(None),
            Value::Url("https://a/".into()),
            Value::Array(vec![]),
            Value::object([("a", Value::Null)]),
            Value::File(File::default()),
        ]
        .iter()
        .map(Value::type_name)
        .collect();
        assert_eq!(
            names,
            [
                "undefined",
                "null",
                "NaN",
                "number",
                "bigint",
                "Date",
                "URL",
                "array",
                "object",
                "File"
            ]
        );
    }

    #[test]
    fn lengths_count_code_points() {
        assert_eq!(Value::String("😀".into()).length(), Some(1));
        assert_eq!(Value::Array(vec![Value::Null]).length(), Some(1));
        assert_eq!(Value::Number(1.0).length(), None);
    }

    #[test]
    fn numbers_print_as_javascript_does() {
        assert_eq!(json_number(1.0), json!(1));
        assert_eq!(json_number(-0.0), json!(0));
        assert_eq!(json_number(1.5).to_string(), "1.5");
        assert_eq!(json_number(f64::NAN), json!(null));
        assert_eq!(json_number(f64::INFINITY), json!(null));
        assert_eq!(
            json_number(9_007_199_254_740_993.0),
            json!(9_007_199_254_740_992_i64)
        );
    }

    #[test]
    fn json_numbers_become_doubles() {
        assert_eq!(Value::from(&json!(1)), Value::Number(1.0));
        assert_eq!(
            Value::from(&json!({"a": [true, "x"]})),
            Value::object([(
                "a",
                Value::Array(vec![Value::Bool(true), Value::String("x".into())])
            )])
        );
    }
}
