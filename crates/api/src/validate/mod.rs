//! Input validation against a procedure's JSON Schema, reporting what zod reports for
//! the equivalent zod schema (spec §3.6): the template's `z.object({ text:
//! z.string().min(1) })` and the JSON Schema derived from `struct { #[schemars(length(min
//! = 1))] text: String }` give the same issues for the same input.
//!
//! The JSON Schema is the one source of truth: the same document validates inputs
//! here and describes them in the OpenAPI document. Supported keywords: `type` (also
//! as a list, where `null` makes the value nullable), `properties`, `required`,
//! `additionalProperties`, `items`, `prefixItems`, `minItems`/`maxItems`,
//! `minLength`/`maxLength` (in code points, as zod counts), `minimum`/`maximum`
//! and their exclusive forms, `multipleOf`, `enum`, `const`, `anyOf`/`oneOf` (a union),
//! `allOf`, `$ref` into `$defs`, and oRPC's `x-native-type` (`date`, `bigint`, `set`,
//! `map`, `url`, `regexp`, `file`) for the JavaScript types JSON cannot express.
//! `pattern` and `format` are descriptive only: they are not enforced.

mod issue;

pub use issue::Issue;
use serde_json::{Value as Json, json};
use spinstack_orpc::Value;

/// The largest integer a double holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// Validates `value` against `schema`; no issues means valid.
pub fn validate(schema: &Json, value: &Value) -> Vec<Issue> {
    let mut issues = Vec::new();
    Validator { root: schema }.check(schema, value, &mut issues);
    issues
}

struct Validator<'a> {
    root: &'a Json,
}

impl<'a> Validator<'a> {
    fn check(&self, schema: &'a Json, value: &Value, issues: &mut Vec<Issue>) {
        let Json::Object(keywords) = schema else {
            if schema == &Json::Bool(false) {
                issues.push(Issue::invalid_type("never", value));
            }
            return;
        };
        if let Some(target) = keywords.get("$ref").and_then(Json::as_str) {
            if let Some(resolved) = self.resolve(target) {
                self.check(resolved, value, issues);
            }
            return;
        }
        if let Some(Json::Array(options)) = keywords.get("enum") {
            if !options.iter().any(|option| equals(option, value)) {
                issues.push(Issue::invalid_value(options));
            }
            return;
        }
        if let Some(constant) = keywords.get("const") {
            if !equals(constant, value) {
                issues.push(Issue::invalid_value(std::slice::from_ref(constant)));
            }
            return;
        }
        if let Some(Json::Array(options)) = keywords.get("anyOf").or_else(|| keywords.get("oneOf"))
        {
            self.union(options, value, issues);
            return;
        }
        if let Some(Json::Array(all)) = keywords.get("allOf") {
            for part in all {
                self.check(part, value, issues);
            }
        }
        if let Some(native) = keywords.get("x-native-type").and_then(Json::as_str) {
            self.native(native, schema, value, issues);
            return;
        }
        let Some(kind) = self.kind(keywords.get("type"), value, issues) else {
            return;
        };
        match kind {
            "object" => self.object(schema, value, issues),
            "array" => self.array(schema, value, issues),
            "string" => self.string(schema, value, issues),
            "number" | "integer" => self.number(kind, schema, value, issues),
            _ => {}
        }
    }

    /// Which `type` applies: `None` when the value is `null` and allowed, or when
    /// the schema names no type and there is nothing more to check. Issues a type
    /// mismatch only for the kinds whose checks need a matching value.
    fn kind(
        &self,
        types: Option<&'a Json>,
        value: &Value,
        issues: &mut Vec<Issue>,
    ) -> Option<&'a str> {
        let names: Vec<&'a str> = match types {
            Some(Json::String(name)) => vec![name.as_str()],
            Some(Json::Array(names)) => names.iter().filter_map(Json::as_str).collect(),
            _ => return Some("any"),
        };
        if matches!(value, Value::Null) && names.contains(&"null") {
            return None;
        }
        let candidates: Vec<&'a str> = names.into_iter().filter(|n| *n != "null").collect();
        let matching = candidates
            .iter()
            .copied()
            .find(|name| fits(name, value))
            .or_else(|| candidates.first().copied());
        match matching {
            Some(name @ ("string" | "array" | "number" | "integer" | "object")) => Some(name),
            Some(name) => {
                if !fits(name, value) {
                    issues.push(Issue::invalid_type(name, value));
                }
                None
            }
            None => {
                if !matches!(value, Value::Null) {
                    issues.push(Issue::invalid_type("null", value));
                }
                None
            }
        }
    }

    fn object(&self, schema: &'a Json, value: &Value, issues: &mut Vec<Issue>) {
        if !value.is_object_like() {
            issues.push(Issue::invalid_type("object", value));
            return;
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Json::as_array)
            .map(|names| names.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let properties = schema.get("properties").and_then(Json::as_object);
        for (key, property) in properties.into_iter().flatten() {
            let child = value.get(key).unwrap_or(&Value::Undefined);
            if matches!(child, Value::Undefined) && !required.contains(&key.as_str()) {
                continue;
            }
            self.nested(property, child, json!(key), issues);
        }
        let extra: Vec<&(String, Value)> = match value {
            Value::Object(entries) => entries
                .iter()
                .filter(|(k, _)| properties.is_none_or(|p| !p.contains_key(k)))
                .collect(),
            _ => Vec::new(),
        };
        match schema.get("additionalProperties") {
            Some(Json::Bool(false)) if !extra.is_empty() => {
                let keys: Vec<String> = extra.iter().map(|(k, _)| k.clone()).collect();
                issues.push(Issue::unrecognized_keys(&keys));
            }
            Some(additional @ Json::Object(_)) => {
                for (key, child) in extra {
                    self.nested(additional, child, json!(key), issues);
                }
            }
            _ => {}
        }
    }

    fn array(&self, schema: &'a Json, value: &Value, issues: &mut Vec<Issue>) {
        let Value::Array(items) = value else {
            issues.push(Issue::invalid_type("array", value));
            self.lengths(schema, value, issues);
            return;
        };
        let prefix = schema.get("prefixItems").and_then(Json::as_array);
        for (index, item) in items.iter().enumerate() {
            let item_schema = prefix
                .and_then(|prefix| prefix.get(index))
                .or_else(|| schema.get("items"));
            if let Some(item_schema) = item_schema {
                self.nested(item_schema, item, json!(index), issues);
            }
        }
        self.lengths(schema, value, issues);
    }

    fn string(&self, schema: &'a Json, value: &Value, issues: &mut Vec<Issue>) {
        if !matches!(value, Value::String(_)) {
            issues.push(Issue::invalid_type("string", value));
        }
        self.lengths(schema, value, issues);
    }

    /// zod's length checks run on anything with a `length` (a string or an array),
    /// even after a type mismatch; `origin` names what was measured.
    fn lengths(&self, schema: &Json, value: &Value, issues: &mut Vec<Issue>) {
        let Some(length) = value.length() else {
            return;
        };
        let origin = if matches!(value, Value::Array(_)) {
            "array"
        } else {
            "string"
        };
        let bound = |keys: [&str; 2]| {
            keys.iter()
                .find_map(|k| schema.get(*k).and_then(Json::as_f64))
        };
        #[allow(clippy::cast_precision_loss, reason = "lengths are far below 2^53")]
        let length = length as f64;
        if let Some(min) = bound(["minLength", "minItems"]).filter(|min| length < *min) {
            issues.push(Issue::bound(origin, true, min, true));
        }
        if let Some(max) = bound(["maxLength", "maxItems"]).filter(|max| length > *max) {
            issues.push(Issue::bound(origin, false, max, true));
        }
    }

    fn number(&self, kind: &str, schema: &Json, value: &Value, issues: &mut Vec<Issue>) {
        let n = match value {
            Value::Number(n) if n.is_finite() => *n,
            _ => {
                issues.push(Issue::invalid_type("number", value));
                return;
            }
        };
        let integer = kind == "integer";
        if integer {
            if n.fract() != 0.0 {
                issues.push(Issue::not_an_integer());
                return;
            }
            if n.abs() > MAX_SAFE {
                issues.push(Issue::unsafe_integer(n > 0.0));
                return;
            }
        }
        let limit = |key: &str| {
            schema
                .get(key)
                .and_then(Json::as_f64)
                // The safe-integer bounds of an integer are checked above.
                .filter(|l| !(integer && l.abs() == MAX_SAFE))
        };
        if let Some(min) = limit("minimum").filter(|min| n < *min) {
            issues.push(Issue::bound("number", true, min, true));
        }
        if let Some(min) = limit("exclusiveMinimum").filter(|min| n <= *min) {
            issues.push(Issue::bound("number", true, min, false));
        }
        if let Some(max) = limit("maximum").filter(|max| n > *max) {
            issues.push(Issue::bound("number", false, max, true));
        }
        if let Some(max) = limit("exclusiveMaximum").filter(|max| n >= *max) {
            issues.push(Issue::bound("number", false, max, false));
        }
        if let Some(divisor) = limit("multipleOf").filter(|d| *d != 0.0 && (n / d).fract() != 0.0) {
            issues.push(Issue::not_multiple_of(divisor));
        }
    }

    /// oRPC's `x-native-type`: a JavaScript type JSON cannot carry.
    fn native(&self, native: &str, schema: &'a Json, value: &Value, issues: &mut Vec<Issue>) {
        match (native, value) {
            ("date", Value::Date(Some(_)))
            | ("bigint", Value::BigInt(_))
            | ("url", Value::Url(_))
            | ("regexp", Value::RegExp { .. })
            | ("file", Value::File(_)) => {}
            ("set", Value::Set(members)) => {
                if let Some(items) = schema.get("items") {
                    for (index, member) in members.iter().enumerate() {
                        self.nested(items, member, json!(index), issues);
                    }
                }
            }
            ("map", Value::Map(entries)) => {
                let pair = schema.get("items").and_then(|i| i.get("prefixItems"));
                if let Some([key_schema, value_schema]) =
                    pair.and_then(Json::as_array).map(Vec::as_slice)
                {
                    for (key, item) in entries {
                        self.check(key_schema, key, issues);
                        self.check(value_schema, item, issues);
                    }
                }
            }
            ("url", _) => issues.push(Issue::invalid_type("URL", value)),
            ("regexp", _) => issues.push(Issue::invalid_type("RegExp", value)),
            (other, _) => issues.push(Issue::invalid_type(other, value)),
        }
    }

    /// `anyOf`/`oneOf`. `[X, {"type":"null"}]` is zod's `.nullable()`: `null` passes
    /// and anything else is checked against X alone. Otherwise the first option that
    /// passes wins; when none does, the one option that failed only its size or range
    /// checks reports its issues, else `invalid_union` reports them all.
    fn union(&self, options: &'a [Json], value: &Value, issues: &mut Vec<Issue>) {
        let is_null = |s: &Json| s.get("type").and_then(Json::as_str) == Some("null");
        if let [first, second] = options
            && (is_null(first) || is_null(second))
        {
            if !matches!(value, Value::Null) {
                self.check(if is_null(first) { second } else { first }, value, issues);
            }
            return;
        }
        let mut results = Vec::with_capacity(options.len());
        for option in options {
            let mut found = Vec::new();
            self.check(option, value, &mut found);
            if found.is_empty() {
                return;
            }
            results.push(found);
        }
        let mut non_aborted = results.iter().filter(|r| !r.iter().any(|i| i.aborts));
        if let (Some(only), None) = (non_aborted.next(), non_aborted.next()) {
            issues.extend(only.iter().cloned());
            return;
        }
        issues.push(Issue::invalid_union(&results));
    }

    fn nested(&self, schema: &'a Json, value: &Value, segment: Json, issues: &mut Vec<Issue>) {
        let mut found = Vec::new();
        self.check(schema, value, &mut found);
        issues.extend(found.into_iter().map(|issue| issue.within(segment.clone())));
    }

    fn resolve(&self, target: &str) -> Option<&'a Json> {
        let pointer = target.strip_prefix('#')?;
        self.root.pointer(pointer)
    }
}

/// Whether `value` is of JSON Schema type `name`.
fn fits(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object_like(),
        "array" => matches!(value, Value::Array(_)),
        "string" => matches!(value, Value::String(_)),
        "number" => matches!(value, Value::Number(n) if n.is_finite()),
        "integer" => matches!(value, Value::Number(n) if n.is_finite() && n.fract() == 0.0),
        "boolean" => matches!(value, Value::Bool(_)),
        "null" => matches!(value, Value::Null),
        _ => true,
    }
}

/// Whether a JSON constant equals a (primitive) value, as `===` compares.
fn equals(constant: &Json, value: &Value) -> bool {
    match (constant, value) {
        (Json::Null, Value::Null) => true,
        (Json::Bool(a), Value::Bool(b)) => a == b,
        (Json::Number(a), Value::Number(b)) => a.as_f64() == Some(*b),
        (Json::String(a), Value::String(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(schema: Json, input: Json) -> Json {
        let value = Value::from(&input);
        Json::Array(
            validate(&schema, &value)
                .iter()
                .map(Issue::to_json)
                .collect(),
        )
    }

    #[test]
    fn todo_create() {
        let schema = json!({"type":"object","properties":{"text":{"type":"string","minLength":1}},"required":["text"]});
        assert_eq!(issues(schema.clone(), json!({"text": "a"})), json!([]));
        assert_eq!(
            issues(schema.clone(), json!({"text": ""})),
            json!([{"origin":"string","code":"too_small","minimum":1,"inclusive":true,"path":["text"],"message":"Too small: expected string to have >=1 characters"}])
        );
        assert_eq!(
            issues(schema, json!({"text": []})),
            json!([
                {"expected":"string","code":"invalid_type","path":["text"],"message":"Invalid input: expected string, received array"},
                {"origin":"array","code":"too_small","minimum":1,"inclusive":true,"path":["text"],"message":"Too small: expected array to have >=1 items"}
            ])
        );
    }

    #[test]
    fn nullable_optional_and_unions() {
        let schema = json!({"type":"object","properties":{
            "a":{"type":["string","null"]},
            "b":{"anyOf":[{"type":"string"},{"type":"null"}]},
            "u":{"anyOf":[{"type":"string"},{"type":"number"}]}
        },"required":["b","u"]});
        assert_eq!(
            issues(schema.clone(), json!({"b": null, "u": 1})),
            json!([])
        );
        assert_eq!(
            issues(schema, json!({"a": 1, "b": 1, "u": true})),
            json!([
                {"expected":"string","code":"invalid_type","path":["a"],"message":"Invalid input: expected string, received number"},
                {"expected":"string","code":"invalid_type","path":["b"],"message":"Invalid input: expected string, received number"},
                {"code":"invalid_union","errors":[
                    [{"expected":"string","code":"invalid_type","path":[],"message":"Invalid input: expected string, received boolean"}],
                    [{"expected":"number","code":"invalid_type","path":[],"message":"Invalid input: expected number, received boolean"}]
                ],"path":["u"],"message":"Invalid input"}
            ])
        );
    }

    #[test]
    fn refs_and_strict_objects() {
        let schema = json!({
            "$defs": {"Item": {"type":"object","properties":{"q":{"type":"boolean"}},"required":["q"],"additionalProperties":false}},
            "type":"array","items":{"$ref":"#/$defs/Item"}
        });
        assert_eq!(
            issues(schema, json!([{"q": true, "x": 1, "y": 2}])),
            json!([{"code":"unrecognized_keys","keys":["x","y"],"path":[0],"message":"Unrecognized keys: \"x\", \"y\""}])
        );
    }
}
