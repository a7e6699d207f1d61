//! Rust values to [`Value`]s through serde: what a procedure returns becomes the value
//! both protocols encode. Plain Rust data maps as `serde_json` maps it (numbers become
//! doubles, as JavaScript holds them); the wire types of [`crate::types`] (Date,
//! BigInt, URL, RegExp, Set, Map, File, `undefined`) announce themselves with marker
//! names and become the JavaScript values they stand for, which the RPC protocol then
//! marks in `meta` (a Date as `[1, …path]`).

use serde::ser::{self, Serialize};

use crate::date;
use crate::types::marker;
use crate::value::{File, Value};

/// Why a value could not be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// Converts `value` to a [`Value`].
///
/// # Errors
/// When its `Serialize` implementation fails, a map key is not a string or number, or
/// a wire type holds something it cannot (an unparsable Date text).
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    value.serialize(Serializer)
}

struct Serializer;

/// Numbers are doubles on the wire, as in JavaScript.
#[allow(clippy::cast_precision_loss, reason = "JavaScript numbers are doubles")]
fn number<N: Into<i128>>(n: N) -> Value {
    Value::Number(n.into() as f64)
}

impl ser::Serializer for Serializer {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Variant<Seq>;
    type SerializeMap = Object;
    type SerializeStruct = Object;
    type SerializeStructVariant = Variant<Object>;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        Ok(number(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        Ok(number(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        Ok(number(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(number(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, Error> {
        Ok(number(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        Ok(number(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        Ok(number(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        Ok(number(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        Ok(number(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        Ok(Value::Number(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        Ok(Value::Number(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        Ok(Value::String(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        Ok(Value::Array(v.iter().map(|b| number(*b)).collect()))
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<Value, Error> {
        Ok(if name == marker::UNDEFINED {
            Value::Undefined
        } else {
            Value::Null
        })
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        Ok(Value::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        let inner = value.serialize(Self)?;
        wire_type(name, inner)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        Ok(Value::object([(variant, value.serialize(self)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, Error> {
        Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq, Error> {
        Ok(Seq(Vec::with_capacity(len)))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq, Error> {
        Ok(Seq(Vec::with_capacity(len)))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Seq>, Error> {
        Ok(Variant(variant, Seq(Vec::with_capacity(len))))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Object, Error> {
        Ok(Object::default())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Object, Error> {
        Ok(Object::default())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Variant<Object>, Error> {
        Ok(Variant(variant, Object::default()))
    }
}

/// The value a wire type's marker names, from what its inner part serialised to.
fn wire_type(name: &'static str, inner: Value) -> Result<Value, Error> {
    let bad = || Error(format!("{name} holds an unexpected value"));
    Ok(match (name, inner) {
        (marker::DATE, Value::String(iso)) => Value::Date(Some(date::parse(&iso).ok_or_else(bad)?)),
        (marker::DATE, Value::Null) => Value::Date(None),
        (marker::BIGINT, Value::String(digits)) => Value::BigInt(digits),
        (marker::URL, Value::String(href)) => Value::Url(href),
        (marker::REGEXP, Value::String(text)) => {
            let inner = text.strip_prefix('/').ok_or_else(bad)?;
            let (source, flags) = inner.rsplit_once('/').ok_or_else(bad)?;
            Value::RegExp {
                source: source.to_owned(),
                flags: flags.to_owned(),
            }
        }
        (marker::SET, Value::Array(items)) => Value::Set(items),
        (marker::MAP, Value::Array(pairs)) => Value::Map(
            pairs
                .into_iter()
                .map(|pair| match pair {
                    Value::Array(mut kv) if kv.len() == 2 => {
                        let value = kv.pop().unwrap_or(Value::Undefined);
                        let key = kv.pop().unwrap_or(Value::Undefined);
                        Ok((key, value))
                    }
                    _ => Err(bad()),
                })
                .collect::<Result<_, _>>()?,
        ),
        (marker::FILE, Value::Array(parts)) => match <[Value; 3]>::try_from(parts) {
            Ok(
                [
                    Value::String(name),
                    Value::String(content_type),
                    Value::Array(bytes),
                ],
            ) => {
                Value::File(File {
                    name,
                    content_type,
                    bytes: bytes
                        .iter()
                        .map(|b| match b {
                            // Exact: serialize_bytes wrote each byte as a number.
                            #[allow(
                                clippy::cast_possible_truncation,
                                clippy::cast_sign_loss,
                                reason = "bytes"
                            )]
                            Value::Number(n) => Ok(*n as u8),
                            _ => Err(bad()),
                        })
                        .collect::<Result<_, _>>()?,
                })
            }
            _ => return Err(bad()),
        },
        (
            marker::DATE
            | marker::BIGINT
            | marker::URL
            | marker::REGEXP
            | marker::SET
            | marker::MAP
            | marker::FILE,
            _,
        ) => return Err(bad()),
        // Any other newtype struct is transparent, as in serde_json.
        (_, inner) => inner,
    })
}

struct Seq(Vec<Value>);

impl ser::SerializeSeq for Seq {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.0.push(to_value(value)?);
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        Ok(Value::Array(self.0))
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Value, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Value, Error> {
        ser::SerializeSeq::end(self)
    }
}

#[derive(Default)]
struct Object {
    entries: Vec<(String, Value)>,
    key: Option<String>,
}

impl Object {
    fn insert(&mut self, key: String, value: Value) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }
}

impl ser::SerializeMap for Object {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(match to_value(key)? {
            Value::String(s) => s,
            Value::Number(n) => crate::value::json_number(n).to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                return Err(Error(format!(
                    "a map key cannot be a {}",
                    other.type_name()
                )));
            }
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("a map value without a key".to_owned()))?;
        let value = to_value(value)?;
        self.insert(key, value);
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        Ok(Value::Object(self.entries))
    }
}

impl ser::SerializeStruct for Object {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let value = to_value(value)?;
        self.insert(key.to_owned(), value);
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        ser::SerializeMap::end(self)
    }
}

/// A variant's payload, wrapped as `{"Variant": payload}` (serde's external tagging).
struct Variant<T>(&'static str, T);

impl ser::SerializeTupleVariant for Variant<Seq> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(&mut self.1, value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(Value::object([(self.0, ser::SerializeSeq::end(self.1)?)]))
    }
}

impl ser::SerializeStructVariant for Variant<Object> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(Value::object([(self.0, ser::SerializeMap::end(self.1)?)]))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::*;
    use crate::types::{BigInt, Date, Undefined};

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Row {
        id: i32,
        created_at: Date,
        note: Option<String>,
        big: BigInt,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        gone: Undefined,
        tags: Vec<&'static str>,
    }

    #[test]
    fn structs_become_objects_with_wire_types() {
        let row = Row {
            id: 7,
            created_at: Date::from_millis(0),
            note: None,
            big: BigInt::from(12_i64),
            skipped: None,
            gone: Undefined,
            tags: vec!["a"],
        };
        assert_eq!(
            to_value(&row),
            Ok(Value::object([
                ("id", Value::Number(7.0)),
                ("createdAt", Value::Date(Some(0))),
                ("note", Value::Null),
                ("big", Value::BigInt("12".into())),
                ("gone", Value::Undefined),
                ("tags", Value::Array(vec![Value::String("a".into())])),
            ]))
        );
        // The same types through serde_json: the plain JSON form.
        assert_eq!(
            serde_json::to_string(&row).unwrap_or_default(),
            r#"{"id":7,"createdAt":"1970-01-01T00:00:00.000Z","note":null,"big":"12","gone":null,"tags":["a"]}"#
        );
    }

    #[test]
    fn maps_and_enums() {
        let map: BTreeMap<u8, bool> = [(1, true)].into_iter().collect();
        assert_eq!(
            to_value(&map),
            Ok(Value::object([("1", Value::Bool(true))]))
        );
        #[derive(Serialize)]
        enum E {
            Unit,
            Tuple(u8, u8),
        }
        assert_eq!(to_value(&E::Unit), Ok(Value::String("Unit".into())));
        assert_eq!(
            to_value(&E::Tuple(1, 2)),
            Ok(Value::object([(
                "Tuple",
                Value::Array(vec![Value::Number(1.0), Value::Number(2.0)])
            )]))
        );
        assert!(to_value(&[(vec![1], 2)].into_iter().collect::<BTreeMap<_, _>>()).is_err());
    }
}
