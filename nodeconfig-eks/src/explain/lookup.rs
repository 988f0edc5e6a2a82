//! Finding the merged value at a provenance path: `spec.kubelet.config.maxPods`,
//! `spec.kubelet.flags[1]`, `spec.containerd.config.plugins["io.containerd.grpc.v1.cri"].sandbox_image`,
//! `spec.containerd.baseRuntimeSpec.process.rlimits[type=RLIMIT_NOFILE].soft` (an item of a
//! keyed list, named by its key members).

use serde_json::Value;
use std::collections::HashMap;

/// One step of a path: a field or key, or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
    /// `[type=RLIMIT_NOFILE]`, `[key=gpu,effect="No Schedule"]`: the item whose members have
    /// these values (a string bare or in Rust's `Debug` quotes, anything else its JSON text).
    Item(Vec<(String, String)>),
}

/// Splits a path as `nodeconfig_core` writes it: plain keys joined by `.`, `[3]` for a list
/// item, `["a.b"]` (Rust string escapes) for a key that is not a plain name. `None` if it does
/// not read that way.
pub(crate) fn segments(path: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(bracketed) = rest.strip_prefix("[\"") {
            let (key, after) = quoted_key(bracketed)?;
            segments.push(Segment::Key(key));
            rest = after;
        } else if let Some(bracketed) = rest.strip_prefix('[')
            && !bracketed.starts_with(|c: char| c.is_ascii_digit())
        {
            let (members, after) = item_key(bracketed)?;
            segments.push(Segment::Item(members));
            rest = after;
        } else if let Some(bracketed) = rest.strip_prefix('[') {
            let (index, after) = bracketed.split_once(']')?;
            segments.push(Segment::Index(index.parse().ok()?));
            rest = after;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            segments.push(Segment::Key(rest[..end].to_owned()));
            rest = &rest[end..];
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    Some(segments)
}

/// Reads a key written with Rust's `Debug` escapes up to its closing `"]`; returns the key and
/// what follows.
fn quoted_key(text: &str) -> Option<(String, &str)> {
    let (key, rest) = debug_string(text)?;
    Some((key, rest.strip_prefix(']')?))
}

/// Reads `name=value,name=value]` (after the `[`), each value bare (up to `,` or `]`) or a
/// string in `Debug` quotes; returns the pairs and what follows the `]`.
fn item_key(mut text: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut members = Vec::new();
    loop {
        let (name, rest) = text.split_once('=')?;
        let (value, rest) = match rest.strip_prefix('"') {
            Some(quoted) => debug_string(quoted)?,
            None => {
                let end = rest.find([',', ']'])?;
                (rest[..end].to_owned(), &rest[end..])
            }
        };
        members.push((name.to_owned(), value));
        if let Some(rest) = rest.strip_prefix(']') {
            return Some((members, rest));
        }
        text = rest.strip_prefix(',')?;
    }
}

/// Whether `item` is the one a keyed segment names.
fn is_item(item: &Value, members: &[(String, String)]) -> bool {
    members
        .iter()
        .all(|(name, text)| match item.get(name.as_str()) {
            Some(Value::String(value)) => value == text,
            Some(value) => serde_json::from_str::<Value>(text).is_ok_and(|parsed| parsed == *value),
            None => false,
        })
}

/// Reads a string written with Rust's `Debug` escapes (after its opening quote) up to its
/// closing `"`; returns the string and what follows.
fn debug_string(text: &str) -> Option<(String, &str)> {
    let mut key = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((key, &text[at + 1..])),
            '\\' => key.push(match chars.next()?.1 {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                '0' => '\0',
                'u' => unicode_escape(&mut chars)?,
                other => other, // `\\`, `\"`, `\'`
            }),
            _ => key.push(c),
        }
    }
    None
}

/// The rest of a `\u{1f600}` escape, after the `u`.
fn unicode_escape(chars: &mut std::str::CharIndices<'_>) -> Option<char> {
    if chars.next()?.1 != '{' {
        return None;
    }
    let mut hex = String::new();
    loop {
        match chars.next()?.1 {
            '}' => break,
            digit => hex.push(digit),
        }
    }
    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)
}

/// Looks values up in one merged document. A string met with segments left over is read as a
/// TOML document (`containerd.config`) and the rest of the path looked up in it; each such
/// string is parsed once, on first use, however many leaves are looked up inside it, so
/// explaining a document costs time linear in its size.
pub(crate) struct Lookup<'a> {
    root: &'a Value,
    /// TOML documents already parsed (as JSON), by the address of their text in `root`.
    documents: HashMap<*const String, Option<Value>>,
    /// How many TOML documents were parsed: the operation count the tests bound.
    pub(crate) parses: usize,
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(root: &'a Value) -> Self {
        Lookup {
            root,
            documents: HashMap::new(),
            parses: 0,
        }
    }

    /// The value at `segments`.
    pub(crate) fn value_at(&mut self, segments: &[Segment]) -> Option<Value> {
        let mut current = self.root;
        for (depth, segment) in segments.iter().enumerate() {
            current = match (current, segment) {
                (Value::Object(object), Segment::Key(key)) => object.get(key)?,
                (Value::Array(items), Segment::Index(index)) => items.get(*index)?,
                (Value::Array(items), Segment::Item(members)) => {
                    items.iter().find(|item| is_item(item, members))?
                }
                (Value::String(document), _) => {
                    let parsed = self.documents.entry(document).or_insert_with(|| {
                        self.parses += 1;
                        let table: toml::Table = document.parse().ok()?;
                        Some(toml_to_json(&toml::Value::Table(table)))
                    });
                    return json_at(parsed.as_ref()?, &segments[depth..]);
                }
                _ => return None,
            };
        }
        Some(current.clone())
    }
}

fn json_at(root: &Value, segments: &[Segment]) -> Option<Value> {
    let mut current = root;
    for segment in segments {
        current = match (current, segment) {
            (Value::Object(object), Segment::Key(key)) => object.get(key)?,
            (Value::Array(items), Segment::Index(index)) => items.get(*index)?,
            (Value::Array(items), Segment::Item(members)) => {
                items.iter().find(|item| is_item(item, members))?
            }
            _ => return None,
        };
    }
    Some(current.clone())
}

/// A TOML value as JSON: dates and times become their TOML text, and so do the floats JSON
/// cannot hold (`inf`, `nan`).
fn toml_to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text.clone()),
        toml::Value::Integer(integer) => Value::from(*integer),
        toml::Value::Float(float) => serde_json::Number::from_f64(*float)
            .map_or_else(|| Value::String(float.to_string()), Value::Number),
        toml::Value::Boolean(boolean) => Value::Bool(*boolean),
        toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        toml::Value::Array(items) => items.iter().map(toml_to_json).collect(),
        toml::Value::Table(table) => table
            .iter()
            .map(|(key, value)| (key.clone(), toml_to_json(value)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Lookup, Segment, segments};
    use nodeconfig_core::__private::segment_for_key;
    use serde_json::json;

    fn key(name: &str) -> Segment {
        Segment::Key(name.to_owned())
    }

    #[test]
    fn paths_split_as_the_core_writes_them() {
        assert_eq!(
            segments("spec.kubelet.flags[2]"),
            Some(vec![
                key("spec"),
                key("kubelet"),
                key("flags"),
                Segment::Index(2)
            ])
        );
        let odd = "a.b \"quoted\"\\\n\u{7f}";
        let path = format!("config.evictionHard{}.x", segment_for_key(&odd));
        assert_eq!(
            segments(&path),
            Some(vec![key("config"), key("evictionHard"), key(odd), key("x")])
        );
        assert_eq!(segments("a..b"), None);
        assert_eq!(segments("a[x]"), None);
        assert_eq!(segments("a[\"b"), None);
    }

    #[test]
    fn values_are_found_in_json_and_in_toml_text() {
        let merged = json!({"spec": {
            "kubelet": {"flags": ["--v=2", "--v=4"]},
            "containerd": {"config": "when = 1979-05-27\n[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = \"pause\"\n"},
        }});
        let mut lookup = Lookup::new(&merged);
        let mut at = |path: &str| lookup.value_at(&segments(path).unwrap());
        assert_eq!(at("spec.kubelet.flags[1]"), Some(json!("--v=4")));
        assert_eq!(
            at("spec.containerd.config.plugins[\"io.containerd.grpc.v1.cri\"].sandbox_image"),
            Some(json!("pause"))
        );
        assert_eq!(at("spec.containerd.config.when"), Some(json!("1979-05-27")));
        assert_eq!(at("spec.kubelet.flags[9]"), None);
        assert_eq!(at("spec.containerd.config.absent"), None);
    }

    #[test]
    fn keyed_items_are_found_by_their_key_members() {
        let merged = json!({"process": {"rlimits": [
            {"type": "RLIMIT_NOFILE", "soft": 1},
            {"type": "RLIMIT_NPROC", "soft": 2},
        ]}, "taints": [
            {"key": "a,b", "effect": "No Schedule", "n": 3},
            {"key": 7, "effect": "NoExecute", "n": 4},
        ]});
        let mut lookup = Lookup::new(&merged);
        let mut at = |path: &str| lookup.value_at(&segments(path).unwrap());
        assert_eq!(
            at("process.rlimits[type=RLIMIT_NPROC].soft"),
            Some(json!(2))
        );
        assert_eq!(
            at("taints[key=\"a,b\",effect=\"No Schedule\"].n"),
            Some(json!(3))
        );
        assert_eq!(at("taints[key=7,effect=NoExecute].n"), Some(json!(4)));
        assert_eq!(at("process.rlimits[type=RLIMIT_CORE].soft"), None);
        assert_eq!(segments("a[k=\"open"), None);
    }

    #[test]
    fn each_toml_document_is_parsed_once_however_many_leaves() {
        let keys = 2_000;
        let toml: String = (0..keys).map(|key| format!("k{key} = {key}\n")).collect();
        let merged = json!({"spec": {"containerd": {"config": toml}}});
        let mut lookup = Lookup::new(&merged);
        for key in 0..keys {
            let path = format!("spec.containerd.config.k{key}");
            assert_eq!(lookup.value_at(&segments(&path).unwrap()), Some(json!(key)));
        }
        assert_eq!(lookup.parses, 1);
    }
}
