//! The JSON Schemas of procedure inputs and outputs, derived with `schemars` from the
//! Rust types (`#[derive(JsonSchema)]`) and normalised to what `@orpc/zod` emits for
//! the equivalent zod schema: no `$schema` or root `title`, nested types inlined, and
//! none of the Rust-only numeric `format`s (`int32`, `double`, …) — a JSON number is a
//! `number`. Inputs use the deserialising view (what a caller may send), outputs the
//! serialising one.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value as Json;

/// Formats schemars adds for Rust's numeric types; JSON Schema has no use for them.
const RUST_NUMBER_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "int128", "int", "uint8", "uint16", "uint32", "uint64",
    "uint128", "uint", "float", "double",
];

/// The schema a caller's input is checked against.
pub fn input<T: JsonSchema + ?Sized>() -> Json {
    generate::<T>(SchemaSettings::draft2020_12().for_deserialize())
}

/// The schema of what a procedure returns.
pub fn output<T: JsonSchema + ?Sized>() -> Json {
    generate::<T>(SchemaSettings::draft2020_12().for_serialize())
}

fn generate<T: JsonSchema + ?Sized>(settings: SchemaSettings) -> Json {
    let schema = settings
        .with(|s| s.inline_subschemas = true)
        .into_generator()
        .into_root_schema_for::<T>();
    let mut json = schema.to_value();
    if let Json::Object(root) = &mut json {
        root.remove("$schema");
        root.remove("title");
    }
    strip_number_formats(&mut json);
    json
}

fn strip_number_formats(json: &mut Json) {
    match json {
        Json::Object(map) => {
            let rust_format = map
                .get("format")
                .and_then(Json::as_str)
                .is_some_and(|f| RUST_NUMBER_FORMATS.contains(&f));
            if rust_format {
                map.remove("format");
            }
            map.values_mut().for_each(strip_number_formats);
        }
        Json::Array(items) => items.iter_mut().for_each(strip_number_formats),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use schemars::JsonSchema;
    use serde::Deserialize;
    use serde_json::json;

    #[allow(dead_code, reason = "only the schema is used")]
    #[derive(Deserialize, JsonSchema)]
    struct Toggle {
        id: f64,
        completed: bool,
        note: Option<String>,
    }

    #[test]
    fn normalised_like_orpc_zod() {
        assert_eq!(
            super::input::<Toggle>(),
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "number"},
                    "completed": {"type": "boolean"},
                    "note": {"type": ["string", "null"]}
                },
                "required": ["id", "completed"]
            })
        );
        assert_eq!(super::output::<&str>(), json!({"type": "string"}));
    }
}
