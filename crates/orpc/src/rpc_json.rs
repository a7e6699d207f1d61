//! oRPC's RPC JSON serializer (`StandardRPCJsonSerializer`, spec §3.2, §3.4): a
//! [`Value`] as plain JSON plus `meta` entries `[code, ...path]` for the types JSON
//! cannot express, and `maps` (paths) for the files that travel as multipart parts.
//!
//! Decoding follows oRPC 1.16's hardened deserializer: files are put back first, then
//! the meta entries are applied in order; every path must exist and every value must
//! have the shape its code needs, or the request is malformed. Unknown codes are
//! skipped.

use serde_json::Value as Json;

use crate::date;
use crate::value::{File, Value, json_number};

/// Meta type codes.
pub mod code {
    /// BigInt: a decimal string.
    pub const BIGINT: u8 = 0;
    /// Date: an ISO string, `null` for an Invalid Date.
    pub const DATE: u8 = 1;
    /// NaN: `null`.
    pub const NAN: u8 = 2;
    /// `undefined` inside an array: `null`.
    pub const UNDEFINED: u8 = 3;
    /// URL: its `href`.
    pub const URL: u8 = 4;
    /// RegExp: `/source/flags`.
    pub const REGEXP: u8 = 5;
    /// Set: an array of its members.
    pub const SET: u8 = 6;
    /// Map: an array of `[key, value]` pairs.
    pub const MAP: u8 = 7;
}

/// oRPC 1.16's limit on the digits of a BigInt.
const MAX_BIGINT_DIGITS: usize = 4300;

/// A value split for the wire.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Serialized {
    /// The plain JSON (`None` for `undefined`).
    pub json: Option<Json>,
    /// `[code, ...path]` entries, in the serializer's traversal order.
    pub meta: Vec<Json>,
    /// Where each file goes (`maps[i]` is the path of `blobs[i]`).
    pub maps: Vec<Json>,
    /// The files, in traversal order.
    pub blobs: Vec<File>,
}

/// A request that cannot be decoded (oRPC answers 400 with the "Malformed request"
/// message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// Splits `value` into JSON, meta, maps and files, as oRPC's serializer does.
pub fn serialize(value: &Value) -> Serialized {
    let mut out = Serialized::default();
    let mut path = Vec::new();
    out.json = walk(value, &mut path, &mut out);
    out
}

fn entry(code: u8, path: &[Json]) -> Json {
    let mut items = Vec::with_capacity(path.len() + 1);
    items.push(Json::from(code));
    items.extend_from_slice(path);
    Json::Array(items)
}

/// The JSON of `value` (`None` = `undefined`), recording meta, maps and files.
fn walk(value: &Value, path: &mut Vec<Json>, out: &mut Serialized) -> Option<Json> {
    let json = match value {
        Value::Undefined => return None,
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) if n.is_nan() => {
            out.meta.push(entry(code::NAN, path));
            Json::Null
        }
        Value::Number(n) => json_number(*n),
        Value::String(s) => Json::String(s.clone()),
        Value::BigInt(digits) => {
            out.meta.push(entry(code::BIGINT, path));
            Json::String(digits.clone())
        }
        Value::Date(ms) => {
            out.meta.push(entry(code::DATE, path));
            ms.and_then(date::to_iso).map_or(Json::Null, Json::String)
        }
        Value::Url(href) => {
            out.meta.push(entry(code::URL, path));
            Json::String(href.clone())
        }
        Value::RegExp { source, flags } => {
            out.meta.push(entry(code::REGEXP, path));
            Json::String(format!("/{source}/{flags}"))
        }
        Value::Set(items) => {
            let json = walk_array(items, path, out);
            out.meta.push(entry(code::SET, path));
            json
        }
        Value::Map(entries) => {
            let pairs: Vec<Value> = entries
                .iter()
                .map(|(k, v)| Value::Array(vec![k.clone(), v.clone()]))
                .collect();
            let json = walk_array(&pairs, path, out);
            out.meta.push(entry(code::MAP, path));
            json
        }
        Value::Array(items) => walk_array(items, path, out),
        Value::Object(entries) => {
            let mut map = serde_json::Map::new();
            for (key, item) in entries {
                path.push(Json::String(key.clone()));
                // An `undefined` property disappears in JSON.stringify.
                if let Some(json) = walk(item, path, out) {
                    map.insert(key.clone(), json);
                }
                path.pop();
            }
            Json::Object(map)
        }
        Value::File(file) => {
            out.maps.push(Json::Array(path.clone()));
            out.blobs.push(file.clone());
            // What JSON.stringify writes for a Blob.
            Json::Object(serde_json::Map::new())
        }
    };
    Some(json)
}

fn walk_array(items: &[Value], path: &mut Vec<Json>, out: &mut Serialized) -> Json {
    let mut json = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        path.push(Json::from(index));
        if matches!(item, Value::Undefined) {
            out.meta.push(entry(code::UNDEFINED, path));
            json.push(Json::Null);
        } else {
            json.push(walk(item, path, out).unwrap_or(Json::Null));
        }
        path.pop();
    }
    Json::Array(json)
}

/// Rebuilds a value from its JSON (`None` = absent), `meta` (`None` or `null` = none),
/// and, for multipart requests, `maps` with the numbered file parts (`blob(i)` is the
/// first part named `i`: `Some(Err(()))` when that part is not a file).
///
/// # Errors
/// [`Malformed`] when `meta` or `maps` are not lists, a path does not exist, a value
/// does not fit its code, or a mapped part is missing or not a file.
pub fn deserialize(
    json: Option<&Json>,
    meta: Option<&Json>,
    maps: Option<&Json>,
    blob: &dyn Fn(usize) -> Option<Result<File, ()>>,
) -> Result<Value, Malformed> {
    let mut root = json.map_or(Value::Undefined, Value::from);
    if let Some(maps) = maps.filter(|m| !m.is_null()) {
        let Json::Array(maps) = maps else {
            return Err(Malformed);
        };
        for (index, path) in maps.iter().enumerate() {
            let Some(Ok(file)) = blob(index) else {
                return Err(Malformed);
            };
            let Json::Array(path) = path else {
                return Err(Malformed);
            };
            *target(&mut root, path)? = Value::File(file);
        }
    }
    let entries: &[Json] = match meta {
        None | Some(Json::Null) => &[],
        Some(Json::Array(entries)) => entries,
        // A string is iterable in JavaScript: its characters are never known codes.
        Some(Json::String(_)) => &[],
        Some(_) => return Err(Malformed),
    };
    for item in entries {
        let path = match item {
            Json::Null => return Err(Malformed),
            Json::Array(items) => items,
            // `item[0]` of anything else is no known code.
            _ => continue,
        };
        let Some(code) = path.first().and_then(known_code) else {
            continue;
        };
        let slot = target(&mut root, &path[1..])?;
        *slot = revive(code, slot)?;
    }
    Ok(root)
}

/// The built-in code an entry starts with (a JSON number 0–7).
fn known_code(first: &Json) -> Option<u8> {
    let n = first.as_f64()?;
    (n.fract() == 0.0 && (0.0..=7.0).contains(&n)).then(|| {
        // Exact: an integral value in 0..=7.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "0..=7"
        )]
        let code = n as u8;
        code
    })
}

/// The value at `path`, which must exist as own properties all the way down.
fn target<'a>(root: &'a mut Value, path: &[Json]) -> Result<&'a mut Value, Malformed> {
    let mut current = root;
    for segment in path {
        let key = property_key(segment).ok_or(Malformed)?;
        current = match current {
            Value::Object(entries) => entries
                .iter_mut()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v)
                .ok_or(Malformed)?,
            Value::Array(items) => canonical_index(&key)
                .and_then(|i| items.get_mut(i))
                .ok_or(Malformed)?,
            // Primitives, files and revived objects have no writable own properties.
            _ => return Err(Malformed),
        };
    }
    Ok(current)
}

/// JavaScript's ToPropertyKey for the JSON a path segment can be.
fn property_key(segment: &Json) -> Option<String> {
    match segment {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(json_number(n.as_f64()?).to_string()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Null => Some("null".to_owned()),
        _ => None,
    }
}

/// `"0"`, `"1"`, … as an index; anything else (including `"01"`) is not one.
fn canonical_index(key: &str) -> Option<usize> {
    let canonical = key == "0" || (!key.starts_with('0') && !key.is_empty());
    canonical.then(|| key.parse::<usize>().ok()).flatten()
}

/// Turns the JSON stand-in at a meta path into the value its code names.
fn revive(code: u8, slot: &Value) -> Result<Value, Malformed> {
    match (code, slot) {
        (code::BIGINT, Value::String(s)) => big_int(s).map(Value::BigInt).ok_or(Malformed),
        (code::DATE, Value::String(s)) => Ok(Value::Date(date::parse(s))),
        (code::DATE, Value::Null) => Ok(Value::Date(None)),
        (code::NAN, Value::Null) => Ok(Value::Number(f64::NAN)),
        (code::UNDEFINED, Value::Null) => Ok(Value::Undefined),
        (code::URL, Value::String(s)) => crate::url::href(s).map(Value::Url).ok_or(Malformed),
        (code::REGEXP, Value::String(s)) => reg_exp(s).ok_or(Malformed),
        (code::SET, Value::Array(items)) => {
            let mut members: Vec<Value> = Vec::with_capacity(items.len());
            for item in items {
                if !members.iter().any(|m| m.same_value_zero(item)) {
                    members.push(item.clone());
                }
            }
            Ok(Value::Set(members))
        }
        (code::MAP, Value::Array(items)) => {
            let mut entries: Vec<(Value, Value)> = Vec::with_capacity(items.len());
            for item in items {
                let (key, value) = map_entry(item)?;
                match entries.iter_mut().find(|(k, _)| k.same_value_zero(&key)) {
                    Some(existing) => existing.1 = value,
                    None => entries.push((key, value)),
                }
            }
            Ok(Value::Map(entries))
        }
        _ => Err(Malformed),
    }
}

/// `new Map(...)` reads `entry[0]` and `entry[1]` of each object; primitives throw.
fn map_entry(item: &Value) -> Result<(Value, Value), Malformed> {
    let part = |index: usize| match item {
        Value::Array(items) => items.get(index).cloned().unwrap_or(Value::Undefined),
        Value::Object(_) => item
            .get(&index.to_string())
            .cloned()
            .unwrap_or(Value::Undefined),
        _ => Value::Undefined,
    };
    if item.is_object_like() || matches!(item, Value::Array(_)) {
        Ok((part(0), part(1)))
    } else {
        Err(Malformed)
    }
}

/// `^-?(?:0|[1-9]\d*)$` with at most 4300 digits, canonicalised as `BigInt` prints it.
fn big_int(text: &str) -> Option<String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let well_formed = !digits.is_empty()
        && digits.len() <= MAX_BIGINT_DIGITS
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    well_formed.then(|| {
        if digits == "0" {
            "0".to_owned()
        } else {
            text.to_owned()
        }
    })
}

/// `/^\/(.*)\/([a-z]*)$/` (no line terminators in the pattern) with valid flags:
/// each of `dgimsuvy` at most once, never both `u` and `v`.
fn reg_exp(text: &str) -> Option<Value> {
    let inner = text.strip_prefix('/')?;
    let slash = inner.rfind('/')?;
    let (source, flags) = (&inner[..slash], &inner[slash + 1..]);
    if !flags.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    if source.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return None;
    }
    let valid_flags = flags.chars().all(|c| "dgimsuvy".contains(c))
        && flags
            .char_indices()
            .all(|(i, c)| !flags[i + 1..].contains(c))
        && !(flags.contains('u') && flags.contains('v'));
    valid_flags.then(|| Value::RegExp {
        source: source.to_owned(),
        flags: flags.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(json: &Json, meta: &Json) -> Result<Value, Malformed> {
        deserialize(Some(json), Some(meta), None, &|_| None)
    }

    #[test]
    fn the_spec_example_round_trips() {
        let json = json!({"d":"1970-01-01T00:00:00.000Z","b":"10","s":[1],"m":[["k",1]],"arr":[null,null],"url":"https://x.y/z","re":"/ab+c/gi"});
        let meta = json!([
            [1, "d"],
            [0, "b"],
            [6, "s"],
            [7, "m"],
            [3, "arr", 0],
            [2, "arr", 1],
            [4, "url"],
            [5, "re"]
        ]);
        let value = decode(&json, &meta).expect("decodes");
        assert_eq!(value.get("d"), Some(&Value::Date(Some(0))));
        assert_eq!(value.get("b"), Some(&Value::BigInt("10".into())));
        assert_eq!(value.get("s"), Some(&Value::Set(vec![Value::Number(1.0)])));
        assert_eq!(
            value.get("m"),
            Some(&Value::Map(vec![(
                Value::String("k".into()),
                Value::Number(1.0)
            )]))
        );
        let Some(Value::Array(arr)) = value.get("arr") else {
            panic!("arr")
        };
        assert!(matches!(arr[..], [Value::Undefined, Value::Number(n)] if n.is_nan()));
        assert_eq!(
            value.get("re"),
            Some(&Value::RegExp {
                source: "ab+c".into(),
                flags: "gi".into()
            })
        );
        let out = serialize(&value);
        assert_eq!(out.json, Some(json));
        // Sets and Maps are recorded after their members, as oRPC does: the input's order.
        assert_eq!(Json::Array(out.meta), meta);
    }

    #[test]
    fn meta_shapes_that_are_tolerated_or_refused() {
        let ok = |meta: Json| decode(&json!({"d": null}), &meta).is_ok();
        assert!(ok(json!("ab")));
        assert!(ok(json!([5, "x", {}])));
        assert!(ok(json!([[99, "d"], ["1", "d"]])));
        assert!(!ok(json!({})));
        assert!(!ok(json!(5)));
        assert!(!ok(json!([null])));
        assert!(!ok(json!([[1, "missing"]])));
        assert!(!ok(json!([[1, "d", "deeper"]])));
        assert!(decode(&json!({"d": 5}), &json!([[1, "d"]])).is_err());
        assert_eq!(
            decode(&json!({"d": "garbage"}), &json!([[1, "d"]])),
            Ok(Value::object([("d", Value::Date(None))]))
        );
    }

    #[test]
    fn type_checks_of_the_hardened_decoder() {
        let one = |v: Json, code: u8| decode(&json!({ "v": v }), &json!([[code, "v"]]));
        assert!(one(json!("01"), code::BIGINT).is_err());
        assert!(one(json!("1".repeat(4301)), code::BIGINT).is_err());
        assert_eq!(
            one(json!("-0"), code::BIGINT),
            Ok(Value::object([("v", Value::BigInt("0".into()))]))
        );
        assert!(one(json!(1), code::NAN).is_err());
        assert!(one(json!("not a url"), code::URL).is_err());
        assert!(one(json!("/a/gg"), code::REGEXP).is_err());
        assert!(one(json!("abc"), code::REGEXP).is_err());
        assert!(one(json!("/a/uv"), code::REGEXP).is_err());
        assert!(one(json!(1), code::SET).is_err());
        assert!(one(json!([1]), code::MAP).is_err());
        assert_eq!(
            one(json!([[1], [2, 3, 4], [1, 5]]), code::MAP),
            Ok(Value::object([(
                "v",
                Value::Map(vec![
                    (Value::Number(1.0), Value::Number(5.0)),
                    (Value::Number(2.0), Value::Number(3.0)),
                ])
            )]))
        );
        assert_eq!(
            one(json!([1, 1, "1"]), code::SET),
            Ok(Value::object([(
                "v",
                Value::Set(vec![Value::Number(1.0), Value::String("1".into())])
            )]))
        );
        // Meta is applied in order: after the Set, its members are out of reach.
        assert!(decode(&json!({"s": [null]}), &json!([[6, "s"], [1, "s", 0]])).is_err());
    }

    #[test]
    fn files_go_back_before_meta() {
        let file = File {
            name: "a.txt".into(),
            content_type: "text/plain".into(),
            bytes: b"hello".to_vec(),
        };
        let blob = |i: usize| (i == 0).then(|| Ok(file.clone()));
        let json = json!({"f": {}, "n": [{}]});
        let value = deserialize(Some(&json), None, Some(&json!([["f"]])), &blob);
        assert_eq!(
            value,
            Ok(Value::object([
                ("f", Value::File(file.clone())),
                ("n", Value::Array(vec![Value::object::<String>([])]))
            ]))
        );
        let missing = deserialize(Some(&json), None, Some(&json!([["f"], ["n", 0]])), &blob);
        assert_eq!(missing, Err(Malformed));
        let not_a_file = deserialize(Some(&json), None, Some(&json!([["f"]])), &|_| Some(Err(())));
        assert_eq!(not_a_file, Err(Malformed));
        let out = serialize(&Value::object([("a", Value::File(file.clone()))]));
        assert_eq!(out.json, Some(json!({"a": {}})));
        assert_eq!(out.maps, [json!(["a"])]);
        assert_eq!(out.blobs, [file]);
    }

    #[test]
    fn undefined_is_omitted_or_marked() {
        assert_eq!(serialize(&Value::Undefined).json, None);
        let out = serialize(&Value::object([
            ("gone", Value::Undefined),
            ("arr", Value::Array(vec![Value::Undefined])),
            ("bad", Value::Date(None)),
        ]));
        assert_eq!(out.json, Some(json!({"arr": [null], "bad": null})));
        assert_eq!(out.meta, [json!([3, "arr", 0]), json!([1, "bad"])]);
    }
}
