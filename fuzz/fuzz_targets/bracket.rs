//! oRPC's bracket notation (`spinstack-orpc::bracket`): form fields such as
//! `a[b]=1&a[c][]=2` turned into a value, with caps on fields, depth and array slots.
//!
//! Input: an `application/x-www-form-urlencoded` body.
//! Properties: nothing panics or runs away (the caps hold: a refusal is 400
//! `BAD_REQUEST`); `parse_path` gives at least one segment and at most one per `[`
//! plus one; every accepted value converts to plain JSON (`plain::to_json`) and
//! nests no deeper than its fields can build; a form whose
//! names have no brackets and are not indexes (each has a non-digit) gives an
//! object with those names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spinstack_orpc::body::search_params;
use spinstack_orpc::bracket::{self, MAX_DEPTH};
use spinstack_orpc::{Value, plain};

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) | Value::Set(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(entries) => 1 + entries.iter().map(|(_, v)| depth(v)).max().unwrap_or(0),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let pairs = search_params(&text);
    let mut deepest = 0;
    for (name, _) in &pairs {
        let segments = bracket::parse_path(name);
        assert!(!segments.is_empty());
        assert!(
            segments.len() <= name.matches('[').count() + 1,
            "{name:?} → {segments:?}"
        );
        deepest = deepest.max(segments.len());
    }
    // The root starts as an array, as in oRPC: an empty name appends to it (`=1`
    // gives `["1"]`) and a numeric one fills an index (`7=` gives 7 holes then "").
    let plain_names = pairs
        .iter()
        .all(|(n, _)| !n.contains(['[', ']', '\\']) && n.chars().any(|c| !c.is_ascii_digit()));
    let entries: Vec<(String, Value)> = pairs
        .iter()
        .map(|(n, v)| (n.clone(), Value::String(v.clone())))
        .collect();
    match bracket::deserialize(entries) {
        Ok(value) => {
            // Nesting stays bounded (each field adds at most its segments plus one
            // level for a repeated name), so converting cannot recurse away.
            if deepest <= MAX_DEPTH {
                assert!(depth(&value) <= (deepest + 1) * pairs.len() + 1);
            }
            let _ = plain::to_json(&value);
            if plain_names && !pairs.is_empty() {
                let Value::Object(fields) = &value else {
                    panic!("plain names gave {value:?}");
                };
                for (name, _) in &pairs {
                    assert!(fields.iter().any(|(k, _)| k == name), "{name:?} lost");
                }
            }
        }
        Err(error) => assert_eq!(error.status, 400, "{error:?}"),
    }
});
