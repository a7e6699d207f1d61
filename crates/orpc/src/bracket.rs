//! oRPC's bracket notation (`StandardBracketNotationSerializer`, spec §4.2): how the
//! OpenAPI side turns form fields (`a[b]=1&a[c][]=2&a[c][]=3`) into a value
//! (`{"a":{"b":"1","c":["2","3"]}}`). Values stay strings (or files); numeric segments
//! up to 9999 make arrays (sparse ones keep their holes, as oRPC's do); a repeated name
//! collects its values in an array; an array that meets a non-index segment becomes an
//! object keyed by its indexes.
//!
//! Arrays are built sparse (index → value) and made dense only at the end, so a body is
//! refused with `BAD_REQUEST` — before anything large is allocated or any deep
//! recursion — when it has more than [`MAX_ENTRIES`] fields, a name of more than
//! [`MAX_DEPTH`] segments, or arrays adding up to more than [`MAX_SLOTS`] elements
//! (holes included). oRPC itself has none of these caps.

use std::collections::{BTreeMap, HashMap};

use crate::error::OrpcError;
use crate::value::Value;

/// The largest array index oRPC accepts before treating a segment as a key.
const MAX_ARRAY_INDEX: usize = 9999;

/// The most form fields a body may have.
pub const MAX_ENTRIES: usize = 10_000;

/// The most segments a field name may have (`a[b][c]` has 3), which bounds how deep
/// the value nests.
pub const MAX_DEPTH: usize = 32;

/// The most elements all arrays of a value may hold together, holes included: ten
/// arrays as long as oRPC's index limit allows.
pub const MAX_SLOTS: usize = 10 * (MAX_ARRAY_INDEX + 1);

/// Builds the value of form `entries` (name, value), in order. No entries give `{}`.
///
/// # Errors
/// `BAD_REQUEST` when the form exceeds [`MAX_ENTRIES`], [`MAX_DEPTH`] or
/// [`MAX_SLOTS`].
pub fn deserialize(entries: Vec<(String, Value)>) -> Result<Value, OrpcError> {
    if entries.is_empty() {
        return Ok(Value::Object(Vec::new()));
    }
    if entries.len() > MAX_ENTRIES {
        return Err(too_complex(&format!("more than {MAX_ENTRIES} fields")));
    }
    let mut root = Some(Node::Array(Array::default()));
    for (path, value) in entries {
        let segments = parse_path(&path);
        if segments.len() > MAX_DEPTH {
            return Err(too_complex(&format!(
                "a field name nests more than {MAX_DEPTH} levels"
            )));
        }
        insert(&mut root, &segments, value);
    }
    let mut budget = MAX_SLOTS;
    match root {
        Some(node) => node
            .into_value(&mut budget)
            .ok_or_else(|| too_complex(&format!("more than {MAX_SLOTS} array elements"))),
        None => Ok(Value::Undefined),
    }
}

fn too_complex(what: &str) -> OrpcError {
    OrpcError::new("BAD_REQUEST").with_message(&format!("The form body is too complex: {what}"))
}

/// A value under construction. Containers hold optional slots: object keys about to
/// be filled (and, transiently, array slots).
enum Node {
    Leaf(Value),
    Array(Array),
    Object(Object),
}

/// A JavaScript array as bracket notation fills it: sparse until [`Node::into_value`].
#[derive(Default)]
struct Array {
    /// The filled slots by index; missing indexes below `len` are holes.
    items: BTreeMap<usize, Option<Node>>,
    /// `length`: one past the highest index filled.
    len: usize,
    /// Whether it was filled by `name[]` pushes ("push style").
    push_style: bool,
}

impl Array {
    fn push(&mut self, node: Node) {
        self.items.insert(self.len, Some(node));
        self.len += 1;
    }

    /// The slot at `index` (≤ [`MAX_ARRAY_INDEX`]), created empty when missing.
    fn slot(&mut self, index: usize) -> &mut Option<Node> {
        self.len = self.len.max(index + 1);
        self.items.entry(index).or_default()
    }
}

/// An object's properties in insertion order, with an index by key.
#[derive(Default)]
struct Object {
    entries: Vec<(String, Option<Node>)>,
    positions: HashMap<String, usize>,
}

impl Object {
    /// The slot for `key`, created empty when missing.
    fn slot(&mut self, key: &str) -> &mut Option<Node> {
        let position = match self.positions.get(key) {
            Some(&position) => position,
            None => {
                self.positions.insert(key.to_owned(), self.entries.len());
                self.entries.push((key.to_owned(), None));
                self.entries.len() - 1
            }
        };
        &mut self.entries[position].1
    }
}

impl Node {
    /// The finished value; `None` when its arrays would hold more than `budget`
    /// elements (checked before each array is allocated). Recursion is bounded by
    /// [`MAX_DEPTH`].
    fn into_value(self, budget: &mut usize) -> Option<Value> {
        Some(match self {
            Self::Leaf(value) => value,
            Self::Array(array) => {
                *budget = budget.checked_sub(array.len)?;
                let mut items = Vec::with_capacity(array.len);
                for (index, item) in array.items {
                    items.resize(index, Value::Undefined);
                    items.push(match item {
                        Some(node) => node.into_value(budget)?,
                        None => Value::Undefined,
                    });
                }
                items.resize(array.len, Value::Undefined);
                Value::Array(items)
            }
            Self::Object(object) => {
                let mut entries = Vec::with_capacity(object.entries.len());
                for (key, node) in object.entries {
                    if let Some(node) = node {
                        entries.push((key, node.into_value(budget)?));
                    }
                }
                Value::Object(entries)
            }
        })
    }

    /// `arrayToObject`: the array's items keyed by index (holes skipped).
    fn array_to_object(array: Array) -> Self {
        let mut object = Object::default();
        for (index, item) in array.items {
            if item.is_some() {
                *object.slot(&index.to_string()) = item;
            }
        }
        Self::Object(object)
    }

    /// `pushStyleArrayToObject`: `{"": item}` for one item, `{"": [items]}` otherwise.
    fn push_style_to_object(mut array: Array) -> Self {
        let inner = if array.len == 1 {
            array.items.remove(&0).flatten()
        } else {
            array.push_style = false;
            Some(Self::Array(array))
        };
        let mut object = Object::default();
        *object.slot("") = inner;
        Self::Object(object)
    }

    /// The slot for `key` in a container, created (empty) when missing. Only called
    /// on containers, with a valid index for arrays.
    fn child(&mut self, key: &str) -> Option<&mut Option<Self>> {
        match self {
            Self::Array(array) => Some(array.slot(valid_index(key)?)),
            Self::Object(object) => Some(object.slot(key)),
            Self::Leaf(_) => None,
        }
    }
}

fn valid_index(segment: &str) -> Option<usize> {
    let canonical = segment == "0"
        || (!segment.is_empty()
            && !segment.starts_with('0')
            && segment.bytes().all(|b| b.is_ascii_digit()));
    canonical
        .then(|| segment.parse::<usize>().ok())
        .flatten()
        .filter(|index| *index <= MAX_ARRAY_INDEX)
}

/// One entry of the form, step by step as oRPC's loop goes: make sure the current slot
/// holds a container, turn an array into an object when the next segment is not an
/// index, descend; at the last segment push (`name[]`), collect a repeated name into
/// an array, or set.
fn insert(root: &mut Option<Node>, segments: &[String], value: Value) {
    let mut slot = root;
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if !matches!(slot, Some(Node::Array(..) | Node::Object(_))) {
            *slot = Some(Node::Array(Array::default()));
        }
        let Some(node) = slot.as_mut() else { return };
        if let Node::Array(array) = node {
            let (push_style, empty) = (array.push_style, array.len == 0);
            let array = std::mem::take(array);
            *node = if last && segment.is_empty() {
                if empty || push_style {
                    Node::Array(array)
                } else {
                    Node::array_to_object(array)
                }
            } else if push_style && (last || valid_index(segment).is_none()) {
                Node::push_style_to_object(array)
            } else if valid_index(segment).is_none() {
                Node::array_to_object(array)
            } else {
                Node::Array(array)
            };
        }
        if last {
            if let Node::Array(array) = node
                && segment.is_empty()
            {
                array.push_style = true;
                array.push(Node::Leaf(value));
                return;
            }
            let Some(child) = node.child(segment) else {
                return;
            };
            *child = Some(match child.take() {
                Some(Node::Array(mut array)) => {
                    array.push(Node::Leaf(value));
                    Node::Array(array)
                }
                Some(existing) => {
                    let mut array = Array::default();
                    array.push(existing);
                    array.push(Node::Leaf(value));
                    Node::Array(array)
                }
                None => Node::Leaf(value),
            });
            return;
        }
        let Some(child) = node.child(segment) else {
            return;
        };
        slot = child;
    }
}

/// `parsePath`: `a[b][c]` → `["a","b","c"]`, with `\` escaping brackets; a path that
/// is not well formed is one segment.
pub fn parse_path(path: &str) -> Vec<String> {
    let chars: Vec<char> = path.chars().collect();
    let mut segments = Vec::new();
    let (mut in_brackets, mut current, mut backslashes) = (false, String::new(), 0_usize);
    let mut i = 0;
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        if in_brackets && c == ']' && (next.is_none() || next == Some('[')) && backslashes % 2 == 0
        {
            if next.is_none() {
                in_brackets = false;
            }
            segments.push(std::mem::take(&mut current));
            i += 1;
        } else if segments.is_empty() && c == '[' && backslashes % 2 == 0 {
            in_brackets = true;
            segments.push(std::mem::take(&mut current));
        } else if c == '\\' {
            backslashes += 1;
        } else {
            current.push_str(&"\\".repeat(backslashes / 2));
            current.push(c);
            backslashes = 0;
        }
        i += 1;
    }
    if in_brackets || segments.is_empty() {
        vec![path.to_owned()]
    } else {
        segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> serde_json::Value {
        let entries = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
            .collect();
        let value = deserialize(entries).expect("within the caps");
        crate::plain::to_json(&value).unwrap_or_default()
    }

    #[test]
    fn the_spec_example() {
        assert_eq!(
            form(&[("a[b]", "1"), ("a[c][]", "2"), ("a[c][]", "3")]),
            serde_json::json!({"a": {"b": "1", "c": ["2", "3"]}})
        );
    }

    #[test]
    fn shapes() {
        use serde_json::json;
        assert_eq!(form(&[]), json!({}));
        assert_eq!(
            form(&[("text", "x"), ("x[a]", "1")]),
            json!({"text": "x", "x": {"a": "1"}})
        );
        assert_eq!(form(&[("0", "a"), ("1", "b")]), json!(["a", "b"]));
        assert_eq!(
            form(&[("a", "1"), ("a", "2"), ("a", "3")]),
            json!({"a": ["1", "2", "3"]})
        );
        assert_eq!(form(&[("a[1]", "x")]), json!({"a": [null, "x"]}));
        assert_eq!(
            form(&[("a[0]", "x"), ("a[k]", "y")]),
            json!({"a": {"0": "x", "k": "y"}})
        );
        assert_eq!(
            form(&[("a[]", "x"), ("a[k]", "y")]),
            json!({"a": {"": "x", "k": "y"}})
        );
        assert_eq!(form(&[("a[10000]", "x")]), json!({"a": {"10000": "x"}}));
        assert_eq!(form(&[("a[b", "x")]), json!({"a[b": "x"}));
        assert_eq!(form(&[("a\\\\[b]", "x")]), json!({"a": {"\\b": "x"}}));
        assert_eq!(form(&[("a\\[b]", "x")]), json!({"a\\[b]": "x"}));
        assert_eq!(
            form(&[("a[]", "x"), ("a[]", "y"), ("a[k]", "z")]),
            json!({"a": {"": ["x", "y"], "k": "z"}})
        );
        assert_eq!(form(&[("a[0]", "x"), ("a", "y")]), json!({"a": ["x", "y"]}));
        assert_eq!(form(&[("a", "x"), ("a[b]", "y")]), json!({"a": {"b": "y"}}));
    }

    fn form_request(body: String) -> spinstack_http::Request {
        spinstack_http::Request::new("POST", "/api-reference/x")
            .with_header("content-type", "application/x-www-form-urlencoded")
            .with_body(body)
    }

    fn decoded_code(body: String) -> Result<serde_json::Value, String> {
        crate::openapi::decode_input(&form_request(body))
            .map(|value| crate::plain::to_json(&value).unwrap_or_default())
            .map_err(|error| format!("{} {}", error.status, error.code))
    }

    /// The review's body: 64 KB of `kN[9999]=` made one dense 10,000-slot vector per
    /// key (3.5 GB resident).
    #[test]
    fn many_sparse_arrays_are_refused() {
        let mut body = String::new();
        let mut n = 0;
        while body.len() < 64 * 1024 {
            body.push_str(&format!("k{n}[9999]=&"));
            n += 1;
        }
        assert_eq!(decoded_code(body), Err("400 BAD_REQUEST".to_owned()));
    }

    /// `a` + `[0]`×50,000 overflowed the stack; the components run with 256 KiB.
    #[test]
    fn deep_nesting_is_refused_on_a_small_stack() {
        let worker = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| decoded_code(format!("a{}=x", "[0]".repeat(50_000))))
            .expect("a thread");
        let outcome = worker.join().expect("no stack overflow");
        assert_eq!(outcome, Err("400 BAD_REQUEST".to_owned()));
    }

    #[test]
    fn sparse_arrays_stay_arrays_within_the_caps() {
        use serde_json::json;
        let long = |name: &str| format!("{name}[9999]=x");
        // oRPC's largest index makes a 10,000-element array, holes as `undefined`.
        let one = decoded_code(long("a")).expect("one long array");
        assert_eq!(one["a"].as_array().map(Vec::len), Some(10_000));
        assert_eq!(
            (one["a"][0].clone(), one["a"][9999].clone()),
            (json!(null), json!("x"))
        );
        let ten: Vec<String> = (0..10).map(|n| long(&format!("k{n}"))).collect();
        assert!(decoded_code(ten.join("&")).is_ok());
        let eleven: Vec<String> = (0..11).map(|n| long(&format!("k{n}"))).collect();
        assert_eq!(
            decoded_code(eleven.join("&")),
            Err("400 BAD_REQUEST".to_owned())
        );
        // A push after a sparse index appends at `length`, as in JavaScript.
        assert_eq!(
            form(&[("a[2]", "x"), ("a", "y")]),
            json!({"a": [null, null, "x", "y"]})
        );
        assert_eq!(
            form(&[("a[3]", "x"), ("a[1]", "y")]),
            json!({"a": [null, "y", null, "x"]})
        );
        assert_eq!(
            form(&[("a[3]", "x"), ("a[k]", "y")]),
            json!({"a": {"3": "x", "k": "y"}})
        );
    }

    #[test]
    fn entry_and_depth_caps() {
        let fields = |n: usize| vec!["a=1"; n].join("&");
        assert!(decoded_code(fields(MAX_ENTRIES)).is_ok());
        assert_eq!(
            decoded_code(fields(MAX_ENTRIES + 1)),
            Err("400 BAD_REQUEST".to_owned())
        );
        let nested = |depth: usize| format!("a{}=x", "[0]".repeat(depth - 1));
        assert!(decoded_code(nested(MAX_DEPTH)).is_ok());
        assert_eq!(
            decoded_code(nested(MAX_DEPTH + 1)),
            Err("400 BAD_REQUEST".to_owned())
        );
        let error = crate::openapi::decode_input(&form_request(nested(MAX_DEPTH + 1)))
            .err()
            .map(|error| error.message);
        assert_eq!(
            error.as_deref(),
            Some("The form body is too complex: a field name nests more than 32 levels")
        );
    }

    #[test]
    fn many_distinct_names_decode() {
        let body: Vec<String> = (0..MAX_ENTRIES).map(|n| format!("k{n}[x]={n}")).collect();
        let value = decoded_code(body.join("&")).expect("within the caps");
        assert_eq!(value["k9999"]["x"], "9999");
    }

    #[test]
    fn paths() {
        assert_eq!(parse_path("a[b][c]"), ["a", "b", "c"]);
        assert_eq!(parse_path("a[]"), ["a", ""]);
        assert_eq!(parse_path("[x]"), ["", "x"]);
        assert_eq!(parse_path("a[b]c"), ["a[b]c"]);
    }
}
