//! The JavaScript types JSON cannot express, for procedure inputs and outputs: [`Date`],
//! [`BigInt`], [`Url`], [`RegExp`], [`Set`], [`Map`], [`File`] and [`Undefined`].
//!
//! Each serialises through [`crate::ser::to_value`] as the JavaScript value it stands
//! for (so the RPC protocol marks it in `meta`), through any other serde serializer as
//! the plain JSON oRPC's OpenAPI side sends (a Date as its ISO string, a Set as an
//! array), and deserialises from that plain JSON. Their JSON Schemas are the ones
//! `@orpc/zod` gives the equivalent zod types, with `x-native-type` telling the input
//! validator which JavaScript type is required.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

use crate::date;
pub use crate::value::File;

/// The newtype-struct names by which [`crate::ser`] recognises the wire types.
pub(crate) mod marker {
    pub const DATE: &str = "$spinstack::orpc::Date";
    pub const BIGINT: &str = "$spinstack::orpc::BigInt";
    pub const URL: &str = "$spinstack::orpc::Url";
    pub const REGEXP: &str = "$spinstack::orpc::RegExp";
    pub const SET: &str = "$spinstack::orpc::Set";
    pub const MAP: &str = "$spinstack::orpc::Map";
    pub const FILE: &str = "$spinstack::orpc::File";
    pub const UNDEFINED: &str = "$spinstack::orpc::Undefined";
}

/// A JavaScript `Date`: milliseconds since the Unix epoch, or an Invalid Date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(Option<i64>);

impl Date {
    /// The Date at `ms` milliseconds since the epoch.
    pub fn from_millis(ms: i64) -> Self {
        Self(Some(ms))
    }

    /// An Invalid Date (`new Date(NaN)`).
    pub fn invalid() -> Self {
        Self(None)
    }

    /// Milliseconds since the epoch, `None` for an Invalid Date (or one beyond
    /// JavaScript's range).
    pub fn millis(self) -> Option<i64> {
        self.0.filter(|ms| date::to_iso(*ms).is_some())
    }

    /// `toISOString()`, `None` for an Invalid Date.
    pub fn to_iso(self) -> Option<String> {
        self.0.and_then(date::to_iso)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(marker::DATE, &self.to_iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(Self::invalid()),
            Some(iso) => date::parse(&iso)
                .map(Self::from_millis)
                .ok_or_else(|| de::Error::custom(format!("not a date: {iso:?}"))),
        }
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "date-time", "x-native-type": "date"})
    }
}

/// A JavaScript `BigInt`, as its decimal digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BigInt(String);

impl BigInt {
    /// Parses canonical decimal digits with an optional `-` (`None` otherwise).
    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let ok = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        ok.then(|| {
            Self(if digits == "0" {
                "0".to_owned()
            } else {
                text.to_owned()
            })
        })
    }

    /// The decimal digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<i64> for BigInt {
    fn from(n: i64) -> Self {
        Self(n.to_string())
    }
}

impl Serialize for BigInt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(marker::BIGINT, &self.0)
    }
}

impl<'de> Deserialize<'de> for BigInt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| de::Error::custom(format!("not a bigint: {text:?}")))
    }
}

impl JsonSchema for BigInt {
    fn schema_name() -> Cow<'static, str> {
        "BigInt".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": "^-?[0-9]+$", "x-native-type": "bigint"})
    }
}

/// A JavaScript `URL`, as its `href`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Url(String);

impl Url {
    /// Parses an absolute URL (`None` when `new URL(text)` would throw).
    pub fn parse(text: &str) -> Option<Self> {
        crate::url::href(text).map(Self)
    }

    /// The `href`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for Url {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(marker::URL, &self.0)
    }
}

impl<'de> Deserialize<'de> for Url {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| de::Error::custom(format!("not a URL: {text:?}")))
    }
}

impl JsonSchema for Url {
    fn schema_name() -> Cow<'static, str> {
        "URL".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "uri", "x-native-type": "url"})
    }
}

/// A JavaScript `RegExp`: source and flags (never compiled here).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegExp {
    /// The pattern.
    pub source: String,
    /// The flags.
    pub flags: String,
}

impl Serialize for RegExp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer
            .serialize_newtype_struct(marker::REGEXP, &format!("/{}/{}", self.source, self.flags))
    }
}

impl<'de> Deserialize<'de> for RegExp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let parsed = text
            .strip_prefix('/')
            .and_then(|inner| inner.rsplit_once('/'));
        let (source, flags) =
            parsed.ok_or_else(|| de::Error::custom(format!("not a regexp: {text:?}")))?;
        Ok(Self {
            source: source.to_owned(),
            flags: flags.to_owned(),
        })
    }
}

impl JsonSchema for RegExp {
    fn schema_name() -> Cow<'static, str> {
        "RegExp".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "x-native-type": "regexp"})
    }
}

/// A JavaScript `Set` of `T`, in insertion order (the caller keeps it duplicate-free).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Set<T>(pub Vec<T>);

impl<T: Serialize> Serialize for Set<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(marker::SET, &self.0)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Set<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(Self)
    }
}

impl<T: JsonSchema> JsonSchema for Set<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Set_of_{}", T::schema_name()).into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let items = generator.subschema_for::<T>();
        json_schema!({"type": "array", "uniqueItems": true, "items": items, "x-native-type": "set"})
    }
}

/// A JavaScript `Map` from `K` to `V`, entries in insertion order (keys distinct).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Map<K, V>(pub Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Map<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(marker::MAP, &self.0)
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Map<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(Self)
    }
}

impl<K: JsonSchema, V: JsonSchema> JsonSchema for Map<K, V> {
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}_and_{}", K::schema_name(), V::schema_name()).into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let (key, value) = (
            generator.subschema_for::<K>(),
            generator.subschema_for::<V>(),
        );
        json_schema!({
            "type": "array",
            "items": {"type": "array", "prefixItems": [key, value], "maxItems": 2, "minItems": 2},
            "x-native-type": "map"
        })
    }
}

/// A file in an output: sent as a part of a multipart response by the RPC protocol.
impl Serialize for File {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Bytes<'a>(&'a [u8]);
        impl Serialize for Bytes<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bytes(self.0)
            }
        }
        serializer.serialize_newtype_struct(
            marker::FILE,
            &(&self.name, &self.content_type, Bytes(&self.bytes)),
        )
    }
}

impl JsonSchema for File {
    fn schema_name() -> Cow<'static, str> {
        "File".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "contentMediaType": "*/*", "x-native-type": "file"})
    }
}

/// JavaScript's `undefined`: an object property that is left out, an array hole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Undefined;

impl Serialize for Undefined {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit_struct(marker::UNDEFINED)
    }
}

impl JsonSchema for Undefined {
    fn schema_name() -> Cow<'static, str> {
        "Undefined".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"not": {}})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_json_round_trips() {
        let date = Date::from_millis(1_795_975_524_006);
        let json = serde_json::to_string(&date).unwrap_or_default();
        assert_eq!(json, "\"2026-11-29T18:05:24.006Z\"");
        assert_eq!(serde_json::from_str::<Date>(&json).ok(), Some(date));
        assert_eq!(
            serde_json::to_string(&Date::invalid()).unwrap_or_default(),
            "null"
        );
        assert!(serde_json::from_str::<Date>("\"nope\"").is_err());
        assert_eq!(BigInt::parse("-0").map(|b| b.0), Some("0".into()));
        assert!(BigInt::parse("01").is_none());
        let set: Set<u8> = serde_json::from_str("[1,2]").unwrap_or_default();
        assert_eq!(set, Set(vec![1, 2]));
        let regexp: Option<RegExp> = serde_json::from_str("\"/a\\\\/b/g\"").ok();
        assert_eq!(
            regexp.map(|r| (r.source, r.flags)),
            Some(("a\\/b".into(), "g".into()))
        );
    }

    #[test]
    fn schemas_match_orpc_zod() {
        let schema = schemars::schema_for!(Date);
        assert_eq!(
            schema.get("x-native-type"),
            Some(&serde_json::json!("date"))
        );
        let map = schemars::schema_for!(Map<String, f64>);
        assert_eq!(map.get("x-native-type"), Some(&serde_json::json!("map")));
    }
}
