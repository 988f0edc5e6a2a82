//! Finding the merged value at a provenance path: `spec.kubelet.config.maxPods`,
//! `spec.kubelet.flags[1]`, `spec.containerd.config.plugins["io.containerd.grpc.v1.cri"].sandbox_image`,
//! `spec.containerd.baseRuntimeSpec.process.rlimits[type=RLIMIT_NOFILE].soft` (an item of a
//! keyed list, named by its key members).

//! Finding the merged value at a provenance path, walking its segments
//! ([`Origin::segments`](nodeconfig_core::trace::Origin::segments)): `spec.kubelet.config.maxPods`,
//! `spec.kubelet.flags[1]`, `spec.containerd.config.plugins["io.containerd.grpc.v1.cri"].sandbox_image`,
//! `spec.containerd.baseRuntimeSpec.process.rlimits[type=RLIMIT_NOFILE].soft` (an item of a
//! keyed list, named by its key members).

use nodeconfig_core::{Key, Segment};
use serde_json::Value;
use std::collections::HashMap;

/// The member of an object that a segment names: a field or variant by its serde name, a map
/// key by its string (a key of another type by its `Debug` text, as JSON writes an integer key).
fn member<'v>(object: &'v serde_json::Map<String, Value>, segment: &Segment) -> Option<&'v Value> {
    match segment {
        Segment::Field(name) | Segment::Variant(name) => object.get(name.as_ref()),
        Segment::Key(Key::Str(key) | Key::Other(key)) => object.get(key),
        _ => None,
    }
}

/// Whether `item` is the one a keyed segment names: each key member holds the value the
/// segment gives (a string equal to a string key; another value equal to the JSON that the
/// key's text reads as).
fn is_item(item: &Value, members: &[Member]) -> bool {
    members
        .iter()
        .all(|(name, key)| match (item.get(name.as_ref()), key) {
            (Some(Value::String(value)), Key::Str(key) | Key::Other(key)) => value == key,
            (Some(value), Key::Other(text)) => {
                serde_json::from_str::<Value>(text).is_ok_and(|parsed| parsed == *value)
            }
            _ => false,
        })
}

/// One step down from `current`, or `None` when the segment names nothing there.
fn step<'v>(current: &'v Value, segment: &Segment) -> Option<&'v Value> {
    match (current, segment) {
        (Value::Object(object), _) => member(object, segment),
        (Value::Array(items), Segment::Index(index)) => items.get(*index),
        (Value::Array(items), Segment::Item(members)) => {
            items.iter().find(|item| is_item(item, members))
        }
        _ => None,
    }
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
    /// Keyed lists already indexed, by the address of the array: the key member names, and
    /// each item's position by its key values ([`key_text`]).
    lists: HashMap<*const Vec<Value>, (Vec<String>, ItemIndex)>,
    /// How many keyed-list items were looked at: the other operation count the tests bound.
    pub(crate) items_examined: usize,
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(root: &'a Value) -> Self {
        Lookup {
            root,
            documents: HashMap::new(),
            parses: 0,
            lists: HashMap::new(),
            items_examined: 0,
        }
    }

    /// The value at `segments`.
    pub(crate) fn value_at(&mut self, segments: &[Segment]) -> Option<Value> {
        let mut current = self.root;
        for (depth, segment) in segments.iter().enumerate() {
            current = match current {
                Value::String(document) => {
                    let parsed = self.documents.entry(document).or_insert_with(|| {
                        self.parses += 1;
                        let table: toml::Table = document.parse().ok()?;
                        Some(toml_to_json(&toml::Value::Table(table)))
                    });
                    return json_at(parsed.as_ref()?, &segments[depth..]);
                }
                Value::Array(items) if matches!(segment, Segment::Item(_)) => {
                    let Segment::Item(members) = segment else {
                        unreachable!("matched above")
                    };
                    &items[self.item_position(items, members)?]
                }
                _ => step(current, segment)?,
            };
        }
        Some(current.clone())
    }
}

impl Lookup<'_> {
    /// The position of the item of `items` that `members` names (the first, as [`is_item`]
    /// finds it): each list is indexed on first use, so looking up every leaf of a list costs
    /// time linear in its length, not its square.
    fn item_position(&mut self, items: &Vec<Value>, members: &[Member]) -> Option<usize> {
        let same_names = |names: &[String]| {
            names.len() == members.len()
                && names
                    .iter()
                    .zip(members)
                    .all(|(name, (member, _))| name == member)
        };
        let cached = self.lists.get(&(items as *const Vec<Value>));
        if !cached.is_some_and(|(names, _)| same_names(names)) {
            // A list has one key; indexing it again under other names is only for odd paths.
            let names: Vec<String> = members.iter().map(|(name, _)| name.to_string()).collect();
            self.items_examined += items.len();
            let mut index = HashMap::new();
            for (position, item) in items.iter().enumerate() {
                let texts: Option<Vec<String>> = names
                    .iter()
                    .map(|name| item.get(name).map(key_text))
                    .collect();
                if let Some(texts) = texts {
                    index.entry(texts).or_insert(position);
                }
            }
            self.lists.insert(items, (names, index));
        }
        let (_, index) = &self.lists[&(items as *const Vec<Value>)];
        // A key given as text may name a string or, read as JSON, another value.
        let mut candidates: Vec<Vec<String>> = vec![Vec::new()];
        for (_, key) in members {
            let spellings = match key {
                Key::Str(text) => vec![format!("s{text}")],
                Key::Other(text) => std::iter::once(format!("s{text}"))
                    .chain(
                        serde_json::from_str::<Value>(text)
                            .ok()
                            .filter(|value| !value.is_string())
                            .map(|value| key_text(&value)),
                    )
                    .collect(),
                _ => return None,
            };
            candidates = candidates
                .into_iter()
                .flat_map(|prefix| {
                    spellings.iter().map(move |spelling| {
                        let mut texts = prefix.clone();
                        texts.push(spelling.clone());
                        texts
                    })
                })
                .collect();
        }
        candidates
            .iter()
            .filter_map(|texts| index.get(texts).copied())
            .min()
    }
}

/// The positions of a keyed list's items by their key values ([`key_text`]).
type ItemIndex = HashMap<Vec<String>, usize>;

/// A key segment's members: each key field's name and value.
type Member = (std::borrow::Cow<'static, str>, Key);

/// A key member's value as the index of [`Lookup::item_position`] spells it: a string by its
/// text, anything else by its JSON, so that `"7"` and `7` stay apart.
fn key_text(value: &Value) -> String {
    match value {
        Value::String(text) => format!("s{text}"),
        other => format!("j{other}"),
    }
}

fn json_at(root: &Value, segments: &[Segment]) -> Option<Value> {
    let mut current = root;
    for segment in segments {
        current = step(current, segment)?;
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
    use super::Lookup;
    use nodeconfig_core::{Key, Segment};
    use serde_json::json;

    fn field(name: &'static str) -> Segment {
        Segment::field(name)
    }

    fn key(name: &str) -> Segment {
        Segment::Key(Key::from(name))
    }

    fn item(members: &[(&'static str, Key)]) -> Segment {
        Segment::Item(
            members
                .iter()
                .map(|(name, value)| ((*name).into(), value.clone()))
                .collect(),
        )
    }

    #[test]
    fn values_are_found_in_json_and_in_toml_text() {
        let merged = json!({"spec": {
            "kubelet": {"flags": ["--v=2", "--v=4"]},
            "containerd": {"config": "when = 1979-05-27\n[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = \"pause\"\n"},
        }});
        let mut lookup = Lookup::new(&merged);
        let flags = [field("spec"), field("kubelet"), field("flags")];
        let config = [field("spec"), field("containerd"), field("config")];
        let mut at =
            |prefix: &[Segment], rest: &[Segment]| lookup.value_at(&[prefix, rest].concat());
        assert_eq!(at(&flags, &[Segment::Index(1)]), Some(json!("--v=4")));
        assert_eq!(
            at(
                &config,
                &[
                    key("plugins"),
                    key("io.containerd.grpc.v1.cri"),
                    key("sandbox_image")
                ]
            ),
            Some(json!("pause"))
        );
        assert_eq!(at(&config, &[key("when")]), Some(json!("1979-05-27")));
        assert_eq!(at(&flags, &[Segment::Index(9)]), None);
        assert_eq!(at(&config, &[key("absent")]), None);
    }

    #[test]
    fn keys_with_dots_quotes_and_escapes_are_found_as_they_are() {
        let odd = "a.b \"quoted\"\\\n\u{7f}";
        let merged = json!({"labels": {"node.kubernetes.io/role": "gpu", "": 1, (odd): 2}});
        let mut lookup = Lookup::new(&merged);
        let mut at = |name: &str| lookup.value_at(&[field("labels"), key(name)]);
        assert_eq!(at("node.kubernetes.io/role"), Some(json!("gpu")));
        assert_eq!(at(""), Some(json!(1)));
        assert_eq!(at(odd), Some(json!(2)));
        assert_eq!(at("node"), None);
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
        let rlimit = |name: &str| {
            let by_type = item(&[("type", Key::from(name))]);
            [field("process"), field("rlimits"), by_type, field("soft")]
        };
        let taint = |key: Key, effect: &str| {
            let by_key = item(&[("key", key), ("effect", Key::from(effect))]);
            [field("taints"), by_key, field("n")]
        };
        assert_eq!(lookup.value_at(&rlimit("RLIMIT_NPROC")), Some(json!(2)));
        assert_eq!(lookup.value_at(&rlimit("RLIMIT_CORE")), None);
        let comma = taint(Key::from("a,b"), "No Schedule");
        assert_eq!(lookup.value_at(&comma), Some(json!(3)));
        let seven = taint(Key::Other("7".into()), "NoExecute");
        assert_eq!(lookup.value_at(&seven), Some(json!(4)));
        // A string key does not name a number.
        let seven_text = taint(Key::from("7"), "NoExecute");
        assert_eq!(lookup.value_at(&seven_text), None);
    }

    #[test]
    fn each_keyed_list_is_indexed_once_however_many_leaves() {
        let count = 2_000;
        let rlimits: Vec<_> = (0..count)
            .map(|index| json!({"type": format!("R{index}"), "soft": index, "hard": index}))
            .collect();
        let merged = json!({"process": {"rlimits": rlimits}});
        let mut lookup = Lookup::new(&merged);
        for index in (0..count).rev() {
            for member in ["soft", "hard"] {
                let by_type = item(&[("type", Key::from(format!("R{index}").as_str()))]);
                let path = [field("process"), field("rlimits"), by_type, field(member)];
                assert_eq!(lookup.value_at(&path), Some(json!(index)));
            }
        }
        assert!(
            lookup.items_examined <= count,
            "{} items examined for {count} items",
            lookup.items_examined
        );
    }

    #[test]
    fn each_toml_document_is_parsed_once_however_many_leaves() {
        let keys = 2_000;
        let toml: String = (0..keys).map(|key| format!("k{key} = {key}\n")).collect();
        let merged = json!({"spec": {"containerd": {"config": toml}}});
        let mut lookup = Lookup::new(&merged);
        for index in 0..keys {
            let path = [
                field("spec"),
                field("containerd"),
                field("config"),
                key(&format!("k{index}")),
            ];
            assert_eq!(lookup.value_at(&path), Some(json!(index)));
        }
        assert_eq!(lookup.parses, 1);
    }
}
