//! One JSON Schema (as `crates/api/src/schema.rs` derives it from a Rust type) as a
//! TypeScript type: what the RPC protocol hands a client for that schema. Objects keep
//! their property order, a property outside `required` is optional (`name?: T`),
//! `type` arrays, `anyOf` and `oneOf` are unions, `allOf` an intersection, `enum` and
//! `const` literals, `integer` a `number`. `x-native-type` marks the JavaScript types
//! the RPC serializer carries in its `meta` (spec §3.2): `date` is a `Date`, `bigint`
//! a `bigint`, `url` a `URL`, `regexp` a `RegExp`, `set` a `Set`, `map` a `Map`,
//! `file` a `File`. `{"not": {}}` (an `Undefined`) is `undefined`; the schema that
//! allows anything (a `serde_json::Value`) is `JsonValue`, any JSON value. A schema
//! this module does not understand is an error, never `any` or `unknown`.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value as Json};

/// A schema without a TypeScript type here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// A JSON pointer to the schema, from the root given to [`Types::render`].
    pub at: String,
    /// What is not understood.
    pub reason: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "schema at {:?}: {}", self.at, self.reason)
    }
}

impl std::error::Error for Unsupported {}

/// The name of the type of any JSON value, declared by [`JSON_VALUE_DECLARATION`].
pub const JSON_VALUE: &str = "JsonValue";

/// The declaration of [`JSON_VALUE`].
pub const JSON_VALUE_DECLARATION: &str = "/** Any JSON value (a Rust `serde_json::Value`). */\nexport type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };\n";

/// The types several rendered schemas share: named definitions (`$defs`, which
/// schemars keeps only for recursive types) and whether [`JSON_VALUE`] is used.
#[derive(Debug, Default)]
pub struct Types {
    /// Named types by name: their TypeScript type.
    pub named: BTreeMap<String, String>,
    /// Whether a rendered type refers to [`JSON_VALUE`].
    pub json_value: bool,
}

/// A rendered type and whether it needs parentheses as an array's element.
struct Ts {
    text: String,
    compound: bool,
}

impl Ts {
    fn simple(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            compound: false,
        }
    }

    fn element(&self) -> String {
        if self.compound {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// Where in the root schema a subschema is, for errors and `$ref`s.
struct At<'a> {
    root: &'a Json,
    /// The name a `$ref` to the root (`#`, a recursive type) stands for.
    root_name: Option<&'a str>,
    pointer: String,
}

impl At<'_> {
    fn child(&self, segment: &str) -> String {
        format!(
            "{}/{}",
            self.pointer,
            segment.replace('~', "~0").replace('/', "~1")
        )
    }

    fn unsupported(&self, reason: impl Into<String>) -> Unsupported {
        Unsupported {
            at: self.pointer.clone(),
            reason: reason.into(),
        }
    }
}

impl Types {
    /// The TypeScript type of `schema` (a root schema, whose `$defs` its `$ref`s
    /// name), laid out for a declaration at nesting depth `depth` (two spaces a level).
    ///
    /// # Errors
    /// [`Unsupported`] for a schema (or subschema) without a TypeScript type here.
    pub fn render(&mut self, schema: &Json, depth: usize) -> Result<String, Unsupported> {
        self.render_named(schema, depth, None)
    }

    /// [`Types::render`] of a schema declared as `name`: a `$ref` to its root (`#`,
    /// from a recursive type) is `name`.
    ///
    /// # Errors
    /// [`Unsupported`] for a schema (or subschema) without a TypeScript type here.
    pub fn render_named(
        &mut self,
        schema: &Json,
        depth: usize,
        name: Option<&str>,
    ) -> Result<String, Unsupported> {
        let at = At {
            root: schema,
            root_name: name,
            pointer: String::new(),
        };
        Ok(self.ty(schema, &at, depth)?.text)
    }

    fn ty(&mut self, schema: &Json, at: &At<'_>, depth: usize) -> Result<Ts, Unsupported> {
        let map = match schema {
            Json::Bool(true) => return Ok(self.json_value()),
            Json::Bool(false) => return Ok(Ts::simple("never")),
            Json::Object(map) => map,
            _ => return Err(at.unsupported("not a schema")),
        };
        if let Some(reference) = map.get("$ref") {
            return self.reference(reference, at);
        }
        if let Some(value) = map.get("const") {
            return Ok(Ts::simple(literal(value, at)?));
        }
        if let Some(values) = map.get("enum") {
            let Json::Array(values) = values else {
                return Err(at.unsupported("`enum` is not an array"));
            };
            let literals = values
                .iter()
                .map(|v| literal(v, at).map(Ts::simple))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(union(literals));
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(variants) = map.get(key) {
                let variants = self.each(variants, key, at, depth)?;
                return Ok(union(variants));
            }
        }
        if let Some(parts) = map.get("allOf") {
            let parts = self.each(parts, "allOf", at, depth)?;
            return Ok(joined(parts, " & "));
        }
        if map.get("not").is_some_and(is_anything) && !map.contains_key("type") {
            return Ok(Ts::simple("undefined"));
        }
        if let Some(native) = map.get("x-native-type") {
            let native = self.native(native, map, at, depth)?;
            // An `Option` of a native type: schemars adds `null` to its `type`.
            let nullable = match map.get("type") {
                Some(Json::Array(types)) => types.iter().any(|t| t == "null"),
                _ => false,
            };
            return Ok(if nullable {
                union(vec![native, Ts::simple("null")])
            } else {
                native
            });
        }
        match map.get("type") {
            Some(Json::String(name)) => self.of_type(name, map, at, depth),
            Some(Json::Array(names)) => {
                let mut types = Vec::with_capacity(names.len());
                for name in names {
                    let Json::String(name) = name else {
                        return Err(at.unsupported("`type` holds a non-string"));
                    };
                    types.push(self.of_type(name, map, at, depth)?);
                }
                Ok(union(types))
            }
            Some(_) => Err(at.unsupported("`type` is neither a string nor an array")),
            None if map.contains_key("properties") => self.object(map, at, depth),
            None if is_anything(schema) => Ok(self.json_value()),
            None => Err(at.unsupported("no `type`, `$ref`, `const`, `enum` or combinator")),
        }
    }

    fn json_value(&mut self) -> Ts {
        self.json_value = true;
        Ts::simple(JSON_VALUE)
    }

    fn each(
        &mut self,
        list: &Json,
        key: &str,
        at: &At<'_>,
        depth: usize,
    ) -> Result<Vec<Ts>, Unsupported> {
        let Json::Array(list) = list else {
            return Err(at.unsupported(format!("`{key}` is not an array")));
        };
        list.iter()
            .enumerate()
            .map(|(i, schema)| {
                let child = At {
                    root: at.root,
                    root_name: at.root_name,
                    pointer: format!("{}/{i}", at.child(key)),
                };
                self.ty(schema, &child, depth)
            })
            .collect()
    }

    fn reference(&mut self, reference: &Json, at: &At<'_>) -> Result<Ts, Unsupported> {
        if reference == "#" {
            return at
                .root_name
                .map(Ts::simple)
                .ok_or_else(|| at.unsupported("`$ref` to the root of an unnamed schema"));
        }
        let target = reference
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .filter(|name| is_identifier(name))
            .ok_or_else(|| at.unsupported(format!("`$ref` {reference} is not `#/$defs/<Name>`")))?;
        if !self.named.contains_key(target) {
            let definition = at
                .root
                .get("$defs")
                .and_then(|defs| defs.get(target))
                .ok_or_else(|| {
                    at.unsupported(format!("`$ref` to a missing definition {target}"))
                })?;
            // Placeholder first: a recursive type refers to itself.
            self.named.insert(target.to_owned(), String::new());
            let child = At {
                root: at.root,
                root_name: at.root_name,
                pointer: format!("/$defs/{target}"),
            };
            let rendered = self.ty(definition, &child, 0)?;
            self.named.insert(target.to_owned(), rendered.text);
        }
        Ok(Ts::simple(target))
    }

    fn native(
        &mut self,
        native: &Json,
        map: &Map<String, Json>,
        at: &At<'_>,
        depth: usize,
    ) -> Result<Ts, Unsupported> {
        let simple = match native.as_str() {
            Some("date") => "Date",
            Some("bigint") => "bigint",
            Some("url") => "URL",
            Some("regexp") => "RegExp",
            Some("file") => "File",
            Some("set") => {
                let items = self.items(map, at, depth)?;
                return Ok(Ts::simple(format!("Set<{}>", items.text)));
            }
            Some("map") => {
                let pair = map
                    .get("items")
                    .and_then(|items| items.get("prefixItems"))
                    .and_then(Json::as_array)
                    .filter(|pair| pair.len() == 2)
                    .ok_or_else(|| at.unsupported("a `map` without a `[key, value]` item"))?;
                let child = At {
                    root: at.root,
                    root_name: at.root_name,
                    pointer: format!("{}/prefixItems", at.child("items")),
                };
                let key = self.ty(&pair[0], &child, depth)?;
                let value = self.ty(&pair[1], &child, depth)?;
                return Ok(Ts::simple(format!("Map<{}, {}>", key.text, value.text)));
            }
            _ => return Err(at.unsupported(format!("unknown `x-native-type` {native}"))),
        };
        Ok(Ts::simple(simple))
    }

    fn of_type(
        &mut self,
        name: &str,
        map: &Map<String, Json>,
        at: &At<'_>,
        depth: usize,
    ) -> Result<Ts, Unsupported> {
        match name {
            "string" => Ok(Ts::simple("string")),
            "number" | "integer" => Ok(Ts::simple("number")),
            "boolean" => Ok(Ts::simple("boolean")),
            "null" => Ok(Ts::simple("null")),
            "array" => self.array(map, at, depth),
            "object" => self.object(map, at, depth),
            other => Err(at.unsupported(format!("unknown type {other:?}"))),
        }
    }

    fn items(
        &mut self,
        map: &Map<String, Json>,
        at: &At<'_>,
        depth: usize,
    ) -> Result<Ts, Unsupported> {
        match map.get("items") {
            Some(items) => {
                let child = At {
                    root: at.root,
                    root_name: at.root_name,
                    pointer: at.child("items"),
                };
                self.ty(items, &child, depth)
            }
            None => Ok(self.json_value()),
        }
    }

    fn array(
        &mut self,
        map: &Map<String, Json>,
        at: &At<'_>,
        depth: usize,
    ) -> Result<Ts, Unsupported> {
        let Some(prefix) = map.get("prefixItems") else {
            let items = self.items(map, at, depth)?;
            return Ok(Ts::simple(format!("{}[]", items.element())));
        };
        // A tuple (schemars: `prefixItems` with `items: false` or bounds).
        let prefix = self.each(prefix, "prefixItems", at, depth)?;
        let mut parts: Vec<String> = prefix.into_iter().map(|t| t.text).collect();
        let closed = map.get("items") == Some(&Json::Bool(false))
            || map.get("maxItems").and_then(Json::as_u64) == Some(parts.len() as u64);
        if !closed {
            let rest = self.items(map, at, depth)?;
            parts.push(format!("...{}[]", rest.element()));
        }
        Ok(Ts::simple(format!("[{}]", parts.join(", "))))
    }

    fn object(
        &mut self,
        map: &Map<String, Json>,
        at: &At<'_>,
        depth: usize,
    ) -> Result<Ts, Unsupported> {
        let required: Vec<&str> = match map.get("required") {
            Some(Json::Array(names)) => names.iter().filter_map(Json::as_str).collect(),
            Some(_) => return Err(at.unsupported("`required` is not an array")),
            None => Vec::new(),
        };
        let properties = match map.get("properties") {
            Some(Json::Object(properties)) => Some(properties),
            Some(_) => return Err(at.unsupported("`properties` is not an object")),
            None => None,
        };
        let extra = match map.get("additionalProperties") {
            None | Some(Json::Bool(false)) => None,
            Some(schema) => {
                let child = At {
                    root: at.root,
                    root_name: at.root_name,
                    pointer: at.child("additionalProperties"),
                };
                Some(self.ty(schema, &child, depth)?)
            }
        };
        let Some(properties) = properties.filter(|p| !p.is_empty()) else {
            return Ok(match extra {
                Some(value) => Ts::simple(format!("{{ [key: string]: {} }}", value.text)),
                // `{"type": "object"}` alone: any object of JSON values.
                None if map.get("additionalProperties").is_none() && properties.is_none() => {
                    let value = self.json_value();
                    Ts::simple(format!("{{ [key: string]: {} }}", value.text))
                }
                None => Ts::simple("Record<string, never>"),
            });
        };
        let inner = "  ".repeat(depth + 1);
        let mut text = String::from("{\n");
        for (name, schema) in properties {
            let child = At {
                root: at.root,
                root_name: at.root_name,
                pointer: at.child("properties") + "/" + &name.replace('~', "~0").replace('/', "~1"),
            };
            let ty = self.ty(schema, &child, depth + 1)?;
            let doc = doc_comment(schema, &inner);
            let optional = if required.contains(&name.as_str()) {
                ""
            } else {
                "?"
            };
            text.push_str(&format!(
                "{doc}{inner}{}{optional}: {};\n",
                property_key(name),
                ty.text
            ));
        }
        text.push_str(&"  ".repeat(depth));
        text.push('}');
        Ok(match extra {
            Some(value) => Ts {
                text: format!("{text} & {{ [key: string]: {} }}", value.text),
                compound: true,
            },
            None => Ts::simple(text),
        })
    }
}

/// Whether a schema accepts anything (`true` or `{}`).
fn is_anything(schema: &Json) -> bool {
    match schema {
        Json::Bool(b) => *b,
        Json::Object(map) => map.is_empty(),
        _ => false,
    }
}

fn union(types: Vec<Ts>) -> Ts {
    joined(types, " | ")
}

fn joined(types: Vec<Ts>, separator: &str) -> Ts {
    let mut texts: Vec<String> = Vec::with_capacity(types.len());
    for ty in types {
        let text = if ty.compound {
            format!("({})", ty.text)
        } else {
            ty.text
        };
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    match texts.len() {
        0 => Ts::simple("never"),
        1 => Ts::simple(texts.remove(0)),
        _ => Ts {
            text: texts.join(separator),
            compound: true,
        },
    }
}

fn literal(value: &Json, at: &At<'_>) -> Result<String, Unsupported> {
    match value {
        Json::String(_) | Json::Number(_) | Json::Bool(_) | Json::Null => Ok(value.to_string()),
        _ => Err(at.unsupported("an object or array literal")),
    }
}

/// Whether `name` is a TypeScript identifier (ASCII only; anything else is quoted).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A property name as it may stand in a type: bare when an identifier, else quoted.
pub fn property_key(name: &str) -> String {
    if is_identifier(name) {
        name.to_owned()
    } else {
        Json::String(name.to_owned()).to_string()
    }
}

/// A JSDoc comment with a schema's description and its constraints a TypeScript type
/// cannot carry (`@minLength 1`, `@integer`…), indented by `indent`; empty without.
pub fn doc_comment(schema: &Json, indent: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(description) = schema.get("description").and_then(Json::as_str) {
        lines.extend(description.lines().map(str::to_owned));
    }
    let integer = match schema.get("type") {
        Some(Json::String(t)) => t == "integer",
        Some(Json::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    };
    if integer {
        lines.push("@integer".to_owned());
    }
    for key in [
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
    ] {
        // What the type already says: a native type's encoding, a tuple's length.
        let native = schema.get("x-native-type").is_some();
        let tuple = schema.get("prefixItems").is_some();
        if (native
            && matches!(
                key,
                "format" | "pattern" | "uniqueItems" | "minItems" | "maxItems"
            ))
            || (tuple && matches!(key, "minItems" | "maxItems"))
        {
            continue;
        }
        if let Some(value) = schema.get(key) {
            let value = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            lines.push(format!("@{key} {value}"));
        }
    }
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("{indent}/** {} */\n", escape_comment(one)),
        _ => {
            let mut text = format!("{indent}/**\n");
            for line in &lines {
                let line = escape_comment(line);
                if line.is_empty() {
                    text.push_str(&format!("{indent} *\n"));
                } else {
                    text.push_str(&format!("{indent} * {line}\n"));
                }
            }
            text.push_str(&format!("{indent} */\n"));
            text
        }
    }
}

/// A comment line that cannot end its comment early.
fn escape_comment(line: &str) -> String {
    line.replace("*/", "*\\/")
}

#[cfg(test)]
mod tests;
