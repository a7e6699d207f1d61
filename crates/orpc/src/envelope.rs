//! Encoded values and the RPC request envelope (spec §3.2–§3.3).
//!
//! oRPC's RPC serializer sends `{"json": <value>, "meta": [[code, ...path], ...]}`,
//! where `meta` marks the places holding values JSON cannot express (code 1 = Date,
//! …). `json` is omitted for `undefined`, `meta` when empty.

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use serde_json::{Map, Value};

use crate::error::OrpcError;

/// A step into a JSON value: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Object key.
    Key(String),
    /// Array index.
    Index(usize),
}

/// One `meta` entry: a type code and the path of the value it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaEntry {
    /// 0 BigInt, 1 Date, 2 NaN, 3 undefined in an array, 4 URL, 5 RegExp, 6 Set, 7 Map.
    pub code: u8,
    /// Where the value sits, from the root of `json`.
    pub path: Vec<PathSegment>,
}

impl Serialize for MetaEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.path.len() + 1))?;
        seq.serialize_element(&self.code)?;
        for segment in &self.path {
            match segment {
                PathSegment::Key(key) => seq.serialize_element(key)?,
                PathSegment::Index(index) => seq.serialize_element(index)?,
            }
        }
        seq.end()
    }
}

/// The meta code of a Date.
pub const META_DATE: u8 = 1;

/// A value ready for the wire: its JSON (`None` = `undefined`) and its meta entries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Encoded {
    /// The plain JSON.
    pub json: Option<Value>,
    /// Entries for Dates and other non-JSON types.
    pub meta: Vec<MetaEntry>,
}

impl Encoded {
    /// A plain JSON value with no special types.
    pub fn plain(json: Value) -> Self {
        Self {
            json: Some(json),
            meta: Vec::new(),
        }
    }

    /// The RPC envelope: `{"json":…,"meta":…}` with empty parts omitted.
    pub fn to_rpc_envelope(&self) -> Value {
        let mut envelope = Map::new();
        if let Some(json) = &self.json {
            envelope.insert("json".to_owned(), json.clone());
        }
        if !self.meta.is_empty() {
            envelope.insert(
                "meta".to_owned(),
                serde_json::to_value(&self.meta).unwrap_or(Value::Null),
            );
        }
        Value::Object(envelope)
    }
}

/// Decodes the input of an RPC request from its body, following oRPC's body parsing by
/// content type. Returns `None` for `undefined` input.
///
/// # Errors
/// [`OrpcError::malformed`] for unparsable JSON, a non-object envelope, a malformed
/// `meta`, or a `meta` path that does not exist.
pub fn decode_rpc_input(
    content_type: Option<&str>,
    content_disposition: Option<&str>,
    body: &[u8],
) -> Result<Option<Value>, OrpcError> {
    if content_disposition.is_some() {
        return Ok(None); // a raw file: it has no `json`
    }
    let media = content_type
        .map(|value| value.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !(media.is_empty() || media.starts_with("application/json")) {
        // Form data, text and raw files carry no `json` field: input is `undefined`.
        return Ok(None);
    }
    if body.is_empty() {
        return Ok(None);
    }
    let envelope: Value = serde_json::from_slice(body).map_err(|_| OrpcError::malformed())?;
    let Value::Object(mut envelope) = envelope else {
        return Err(OrpcError::malformed());
    };
    let json = envelope.remove("json");
    if let Some(meta) = envelope.remove("meta") {
        check_meta(json.as_ref(), &meta)?;
    }
    Ok(json)
}

/// Validates `meta` against `json`: each entry is `[code, ...path]`, its path exists,
/// and the value there has the shape its code needs (oRPC 1.16's hardened decoder).
fn check_meta(json: Option<&Value>, meta: &Value) -> Result<(), OrpcError> {
    let Value::Array(entries) = meta else {
        return Err(OrpcError::malformed());
    };
    for entry in entries {
        let Some((code, path)) = entry.as_array().and_then(|items| items.split_first()) else {
            return Err(OrpcError::malformed());
        };
        let code = code.as_u64().ok_or_else(OrpcError::malformed)?;
        let target = json
            .and_then(|root| walk(root, path))
            .ok_or_else(OrpcError::malformed)?;
        let fits = match code {
            0 => target.as_str().is_some_and(is_big_int),
            1 => target.is_string() || target.is_null(),
            2 | 3 => target.is_null(),
            4 | 5 => target.is_string(),
            6 => target.is_array(),
            7 => target.as_array().is_some_and(|pairs| {
                pairs
                    .iter()
                    .all(|pair| pair.as_array().is_some_and(|p| p.len() == 2))
            }),
            _ => true, // unknown codes are ignored
        };
        if !fits {
            return Err(OrpcError::malformed());
        }
    }
    Ok(())
}

fn walk<'a>(root: &'a Value, path: &[Value]) -> Option<&'a Value> {
    path.iter()
        .try_fold(root, |current, segment| match (current, segment) {
            (Value::Object(map), Value::String(key)) => map.get(key),
            (Value::Object(map), Value::Number(n)) => map.get(&n.to_string()),
            (Value::Array(items), Value::Number(n)) => {
                items.get(usize::try_from(n.as_u64()?).ok()?)
            }
            (Value::Array(items), Value::String(s)) => items.get(s.parse::<usize>().ok()?),
            _ => None,
        })
}

fn is_big_int(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.len() <= 4300 && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(body: &str) -> Result<Option<Value>, OrpcError> {
        decode_rpc_input(Some("application/json"), None, body.as_bytes())
    }

    #[test]
    fn empty_inputs_are_undefined() {
        assert_eq!(decode(""), Ok(None));
        assert_eq!(decode("{}"), Ok(None));
        assert_eq!(decode_rpc_input(None, None, b""), Ok(None));
        assert_eq!(decode_rpc_input(Some("text/plain"), None, b"hi"), Ok(None));
    }

    #[test]
    fn json_is_returned() {
        assert_eq!(
            decode(r#"{"json":{"text":"a"}}"#),
            Ok(Some(json!({"text":"a"})))
        );
    }

    #[test]
    fn malformed_bodies() {
        for body in [
            "{bad",
            "null",
            "[]",
            r#"{"json":1,"meta":{}}"#,
            r#"{"json":{},"meta":[[1,"d"]]}"#,
        ] {
            assert_eq!(decode(body), Err(OrpcError::malformed()), "{body}");
        }
    }

    #[test]
    fn meta_from_the_spec_example_is_accepted() {
        let body = r#"{"json":{"d":"1970-01-01T00:00:00.000Z","b":"10","s":[1],"m":[["k",1]],"arr":[null,null],"url":"https://x.y/z","re":"/ab+c/gi"},"meta":[[1,"d"],[0,"b"],[6,"s"],[7,"m"],[3,"arr",0],[2,"arr",1],[4,"url"],[5,"re"]]}"#;
        assert!(decode(body).is_ok());
    }

    #[test]
    fn meta_type_mismatch_is_malformed() {
        assert_eq!(
            decode(r#"{"json":{"b":"1x"},"meta":[[0,"b"]]}"#),
            Err(OrpcError::malformed())
        );
        assert_eq!(
            decode(r#"{"json":{"d":5},"meta":[[1,"d"]]}"#),
            Err(OrpcError::malformed())
        );
        assert!(decode(r#"{"json":{"d":5},"meta":[[99,"d"]]}"#).is_ok());
    }

    #[test]
    fn envelope_omits_empty_parts() {
        assert_eq!(Encoded::default().to_rpc_envelope(), json!({}));
        assert_eq!(
            Encoded::plain(json!("OK")).to_rpc_envelope().to_string(),
            r#"{"json":"OK"}"#
        );
        let dated = Encoded {
            json: Some(json!({"user":{"createdAt":"x"}})),
            meta: vec![MetaEntry {
                code: META_DATE,
                path: vec![
                    PathSegment::Key("user".into()),
                    PathSegment::Key("createdAt".into()),
                ],
            }],
        };
        assert_eq!(
            dated.to_rpc_envelope().to_string(),
            r#"{"json":{"user":{"createdAt":"x"}},"meta":[[1,"user","createdAt"]]}"#
        );
    }
}
