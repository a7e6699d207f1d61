//! Schema → TypeScript, from hand-written schemas and from Rust types through the
//! same derivation the API uses (`spinstack_api::schema`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use spinstack_orpc::types::{BigInt, Date, Map, Set, Undefined, Url};

use super::*;

fn ts(schema: &Json) -> String {
    let mut types = Types::default();
    types
        .render(schema, 0)
        .unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn scalars_nulls_and_unions() {
    assert_eq!(ts(&json!({"type": "string"})), "string");
    assert_eq!(ts(&json!({"type": "integer"})), "number");
    assert_eq!(ts(&json!({"type": "number"})), "number");
    assert_eq!(ts(&json!({"type": "boolean"})), "boolean");
    assert_eq!(ts(&json!({"type": "null"})), "null");
    assert_eq!(ts(&json!({"type": ["string", "null"]})), "string | null");
    assert_eq!(
        ts(&json!({"anyOf": [{"type": "number"}, {"type": "null"}]})),
        "number | null"
    );
    assert_eq!(ts(&json!({"const": "INSERT"})), "\"INSERT\"");
    assert_eq!(ts(&json!({"enum": ["a", 1, null]})), "\"a\" | 1 | null");
    assert_eq!(
        ts(&json!({"type": "array", "items": {"type": ["string", "null"]}})),
        "(string | null)[]"
    );
    assert_eq!(ts(&json!({"not": {}})), "undefined");
    assert_eq!(ts(&json!(false)), "never");
}

#[test]
fn any_json_is_json_value_never_unknown() {
    let mut types = Types::default();
    assert_eq!(
        types.render(&json!(true), 0).ok().as_deref(),
        Some(JSON_VALUE)
    );
    assert!(types.json_value);
    assert_eq!(ts(&json!({})), JSON_VALUE);
    assert_eq!(
        ts(&json!({"type": "object", "additionalProperties": {"type": "integer"}})),
        "{ [key: string]: number }"
    );
}

#[test]
fn native_types_are_what_the_rpc_serializer_sends() {
    assert_eq!(
        ts(&json!({"type": "string", "format": "date-time", "x-native-type": "date"})),
        "Date"
    );
    assert_eq!(
        ts(&json!({"type": "string", "x-native-type": "bigint"})),
        "bigint"
    );
    assert_eq!(
        ts(&json!({"type": "string", "x-native-type": "url"})),
        "URL"
    );
    assert_eq!(
        ts(&json!({"type": "string", "x-native-type": "regexp"})),
        "RegExp"
    );
    assert_eq!(
        ts(&json!({"type": "string", "x-native-type": "file"})),
        "File"
    );
    assert!(ts(&json!({"type": "string", "x-native-type": "symbol"})).starts_with("error"));
}

#[test]
fn objects_optional_required_and_docs() {
    let schema = json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer", "description": "The key.", "minimum": 0},
            "note": {"type": ["string", "null"]},
            "nested": {"type": "object", "properties": {"a-b": {"type": "boolean"}}, "required": ["a-b"]}
        },
        "required": ["id", "nested"]
    });
    assert_eq!(
        ts(&schema),
        "{\n  /**\n   * The key.\n   * @integer\n   * @minimum 0\n   */\n  id: number;\n  note?: string | null;\n  nested: {\n    \"a-b\": boolean;\n  };\n}"
    );
}

#[test]
fn unknown_constructs_are_errors() {
    let mut types = Types::default();
    let error = types.render(
        &json!({"type": "object", "properties": {"x": {"type": "thing"}}}),
        0,
    );
    assert_eq!(error.err().map(|e| e.at), Some("/properties/x".to_owned()));
    assert!(ts(&json!({"$ref": "#/components/schemas/X"})).starts_with("error"));
}

#[allow(dead_code, reason = "only the schemas are used")]
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Everything {
    created_at: Date,
    maybe_at: Option<Date>,
    big: BigInt,
    link: Url,
    tags: Set<String>,
    scores: Map<String, f64>,
    items: Vec<u32>,
    pair: (String, i64),
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<bool>,
    #[serde(skip_deserializing)]
    gone: Undefined,
    kind: Kind,
    any: serde_json::Value,
}

#[allow(dead_code, reason = "only the schemas are used")]
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Small,
    Large,
}

#[allow(dead_code, reason = "only the schemas are used")]
#[derive(Serialize, Deserialize, JsonSchema)]
struct Tree {
    name: String,
    children: Vec<Tree>,
}

#[test]
fn rust_types_through_the_apis_derivation() {
    let mut types = Types::default();
    let output = types
        .render(&spinstack_api::schema::output::<Everything>(), 0)
        .unwrap_or_else(|e| e.to_string());
    assert_eq!(
        output,
        "{
  createdAt: Date;
  maybeAt: Date | null;
  big: bigint;
  link: URL;
  tags: Set<string>;
  scores: Map<string, number>;
  items: number[];
  pair: [string, number];
  skipped?: boolean | null;
  gone: undefined;
  kind: \"small\" | \"large\";
  any: JsonValue;
}"
    );
    assert!(types.json_value);
    // Deserialising, an `Option` may be left out.
    let input = ts(&spinstack_api::schema::input::<Everything>());
    assert!(input.contains("  maybeAt?: Date | null;\n"), "{input}");
}

#[test]
fn recursive_types_are_named() {
    let mut types = Types::default();
    let schema = spinstack_api::schema::output::<Tree>();
    assert_eq!(
        types.render_named(&schema, 0, Some("Tree")).ok().as_deref(),
        Some("{\n  name: string;\n  children: Tree[];\n}")
    );
    assert!(
        types.render(&schema, 0).is_err(),
        "an unnamed root cannot be referred to"
    );
    let defs = json!({
        "type": "object",
        "properties": {"next": {"$ref": "#/$defs/Node"}},
        "required": ["next"],
        "$defs": {"Node": {"type": "object", "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}}, "required": ["next"]}}
    });
    assert_eq!(
        types.render(&defs, 0).ok().as_deref(),
        Some("{\n  next: Node;\n}")
    );
    assert_eq!(
        types.named.get("Node").map(String::as_str),
        Some("{\n  next: Node | null;\n}")
    );
}
