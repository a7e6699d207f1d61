//! oRPC's bracket notation (`StandardBracketNotationSerializer`, spec §4.2): how the
//! OpenAPI side turns form fields (`a[b]=1&a[c][]=2&a[c][]=3`) into a value
//! (`{"a":{"b":"1","c":["2","3"]}}`). Values stay strings (or files); numeric segments
//! up to 9999 make arrays; a repeated name collects its values in an array; an array
//! that meets a non-index segment becomes an object keyed by its indexes.

use crate::value::Value;

/// The largest array index oRPC accepts before treating a segment as a key.
const MAX_ARRAY_INDEX: usize = 9999;

/// Builds the value of form `entries` (name, value), in order. No entries give `{}`.
pub fn deserialize(entries: Vec<(String, Value)>) -> Value {
    if entries.is_empty() {
        return Value::Object(Vec::new());
    }
    let mut root = Some(Node::Array(Vec::new(), false));
    for (path, value) in entries {
        insert(&mut root, &parse_path(&path), value);
    }
    root.map_or(Value::Undefined, Node::into_value)
}

/// A value under construction. Containers hold optional slots: array holes, and
/// object keys about to be filled. Arrays remember whether they were filled by
/// `name[]` pushes ("push style").
enum Node {
    Leaf(Value),
    Array(Vec<Option<Node>>, bool),
    Object(Vec<(String, Option<Node>)>),
}

impl Node {
    fn into_value(self) -> Value {
        match self {
            Self::Leaf(value) => value,
            Self::Array(items, _) => Value::Array(
                items
                    .into_iter()
                    .map(|item| item.map_or(Value::Undefined, Self::into_value))
                    .collect(),
            ),
            Self::Object(entries) => Value::Object(
                entries
                    .into_iter()
                    .filter_map(|(k, v)| v.map(|node| (k, node.into_value())))
                    .collect(),
            ),
        }
    }

    /// `arrayToObject`: the array's items keyed by index (holes skipped).
    fn array_to_object(items: Vec<Option<Self>>) -> Self {
        Self::Object(
            items
                .into_iter()
                .enumerate()
                .filter(|(_, item)| item.is_some())
                .map(|(i, item)| (i.to_string(), item))
                .collect(),
        )
    }

    /// `pushStyleArrayToObject`: `{"": item}` for one item, `{"": [items]}` otherwise.
    fn push_style_to_object(mut items: Vec<Option<Self>>) -> Self {
        let inner = if items.len() == 1 {
            items.pop().flatten()
        } else {
            Some(Self::Array(items, false))
        };
        Self::Object(vec![(String::new(), inner)])
    }

    /// The slot for `key` in a container, created (empty) when missing. Only called
    /// on containers, with a valid index for arrays.
    fn child(&mut self, key: &str) -> Option<&mut Option<Self>> {
        match self {
            Self::Array(items, _) => {
                let index = valid_index(key)?;
                if index >= items.len() {
                    items.resize_with(index + 1, || None);
                }
                items.get_mut(index)
            }
            Self::Object(entries) => {
                let position = match entries.iter().position(|(k, _)| k == key) {
                    Some(position) => position,
                    None => {
                        entries.push((key.to_owned(), None));
                        entries.len() - 1
                    }
                };
                entries.get_mut(position).map(|(_, slot)| slot)
            }
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
            *slot = Some(Node::Array(Vec::new(), false));
        }
        let Some(node) = slot.as_mut() else { return };
        if let Node::Array(items, push_style) = node {
            let (push_style, empty) = (*push_style, items.is_empty());
            let items = std::mem::take(items);
            *node = if last && segment.is_empty() {
                if empty || push_style {
                    Node::Array(items, push_style)
                } else {
                    Node::array_to_object(items)
                }
            } else if push_style && (last || valid_index(segment).is_none()) {
                Node::push_style_to_object(items)
            } else if valid_index(segment).is_none() {
                Node::array_to_object(items)
            } else {
                Node::Array(items, push_style)
            };
        }
        if last {
            if let Node::Array(items, push_style) = node
                && segment.is_empty()
            {
                *push_style = true;
                items.push(Some(Node::Leaf(value)));
                return;
            }
            let Some(child) = node.child(segment) else {
                return;
            };
            *child = Some(match child.take() {
                Some(Node::Array(mut items, push_style)) => {
                    items.push(Some(Node::Leaf(value)));
                    Node::Array(items, push_style)
                }
                Some(existing) => Node::Array(vec![Some(existing), Some(Node::Leaf(value))], false),
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
        crate::plain::to_json(&deserialize(entries)).unwrap_or_default()
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

    #[test]
    fn paths() {
        assert_eq!(parse_path("a[b][c]"), ["a", "b", "c"]);
        assert_eq!(parse_path("a[]"), ["a", ""]);
        assert_eq!(parse_path("[x]"), ["", "x"]);
        assert_eq!(parse_path("a[b]c"), ["a[b]c"]);
    }
}
