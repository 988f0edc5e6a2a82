//! What the keyed walk shares between its phases: the `list_key` rules, the cursor that knows
//! where the walk is, directives, and the keys of JSON items.

use serde_json::{Map, Value};
use std::hash::{Hash, Hasher};

use crate::MergeError;
use crate::path::{Key, Path, Segment};

/// How deep a document under `list_key` may nest: the keyed walk recurses, and a bound keeps a
/// hostile document from overflowing the stack (a clear error instead).
pub(super) const MAX_DEPTH: usize = 128;

/// The member that carries a directive, as in Kubernetes' strategic merge patch.
pub(super) const DIRECTIVE: &str = "$patch";

/// Where the walk is: the object members it went through (what `list_key` paths name; list
/// items are transparent), and the items between them, for the path of an error (items named
/// by key). The path itself is only built for an error.
#[derive(Default)]
pub(super) struct Cursor {
    names: Vec<String>,
    /// The path's steps in order: `None` for a member (the next of `names`), the segment of an
    /// item.
    steps: Vec<Option<Segment>>,
}

/// Where the cursor was before an `enter`.
#[derive(Clone, Copy)]
pub(super) struct Mark(usize, usize);

impl Cursor {
    pub(super) fn depth(&self) -> usize {
        self.names.len()
    }

    pub(super) fn enter_member(&mut self, key: &str) -> Mark {
        let mark = Mark(self.names.len(), self.steps.len());
        self.steps.push(None);
        self.names.push(key.to_owned());
        mark
    }

    /// An item of a list: `[type=RLIMIT_NOFILE]` or `[3]`; no name for `list_key` matching.
    pub(super) fn enter_item(&mut self, segment: Segment) -> Mark {
        let mark = Mark(self.names.len(), self.steps.len());
        self.steps.push(Some(segment));
        mark
    }

    pub(super) fn leave(&mut self, mark: Mark) {
        self.names.truncate(mark.0);
        self.steps.truncate(mark.1);
    }

    /// Whether the walk is at the document's root.
    pub(super) fn at_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// An error at the cursor's path.
    pub(super) fn error(&self, message: impl std::fmt::Display) -> MergeError {
        let mut names = self.names.iter();
        let path: Path = self
            .steps
            .iter()
            .filter_map(|step| match step {
                None => names
                    .next()
                    .map(|name| Segment::Key(Key::from(name.as_str()))),
                Some(item) => Some(item.clone()),
            })
            .collect();
        MergeError::custom(message).at_path(&path)
    }

    /// The key members of the list at the cursor, if a `list_key` names it.
    pub(super) fn list_key(&self, keys: &ListKeys) -> Option<&'static [&'static str]> {
        keys.rules.iter().find_map(|(path, members)| {
            let mut segments = path.split('.');
            let same = self
                .names
                .iter()
                .all(|name| segments.next() == Some(name.as_str()))
                && segments.next().is_none();
            same.then_some(*members)
        })
    }
}

/// The `list_key(path = "...", key = "...")` rules of one field: which arrays of the document
/// merge item by item, and by which members. `#[merge(list_key(...))]` builds one.
///
/// `path` is dotted from the document's root through object members; the items of keyed lists
/// on the way are not segments (`containers.ports` is the `ports` of every item of
/// `containers`).
///
/// ```
/// use nodeconfig_core::strategy::json::ListKeys;
///
/// static KEYS: ListKeys = ListKeys::new(&[
///     ("process.rlimits", &["type"]),
///     ("registerWithTaints", &["key", "effect"]),
/// ]);
/// assert_eq!(KEYS.rules().len(), 2);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ListKeys {
    rules: &'static [(&'static str, &'static [&'static str])],
}

impl ListKeys {
    /// The rules: each a dotted path and the key members of the list there.
    ///
    /// ```
    /// use nodeconfig_core::strategy::json::ListKeys;
    /// let keys = ListKeys::new(&[("mounts", &["destination"])]);
    /// assert_eq!(keys.rules()[0].1, ["destination"]);
    /// ```
    pub const fn new(rules: &'static [(&'static str, &'static [&'static str])]) -> Self {
        ListKeys { rules }
    }

    /// The rules, as given.
    ///
    /// ```
    /// use nodeconfig_core::strategy::json::ListKeys;
    /// assert!(ListKeys::new(&[]).rules().is_empty());
    /// ```
    pub fn rules(&self) -> &'static [(&'static str, &'static [&'static str])] {
        self.rules
    }
}

/// A directive found in an object.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Directive {
    None,
    Delete,
    Replace,
}

/// Kubernetes' other directives, which this merge does not implement: an error, not data.
const UNSUPPORTED: &[&str] = &[
    "$retainKeys",
    "$setElementOrder/",
    "$deleteFromPrimitiveList/",
];

/// The object's directive, or the message for one that is not known.
pub(super) fn directive(object: &Map<String, Value>) -> Result<Directive, String> {
    if let Some(key) = object
        .keys()
        .find(|key| UNSUPPORTED.iter().any(|name| key.starts_with(name)))
    {
        return Err(format!(
            "unsupported directive `{key}`: nodeconfig implements only `\"$patch\": \"delete\"` and `\"$patch\": \"replace\"`; remove `{key}`"
        ));
    }
    match object.get(DIRECTIVE) {
        None => Ok(Directive::None),
        Some(Value::String(name)) if name == "delete" => Ok(Directive::Delete),
        Some(Value::String(name)) if name == "replace" => Ok(Directive::Replace),
        Some(other) => Err(format!(
            "unknown directive `\"$patch\": {other}`: use `\"$patch\": \"delete\"` or `\"$patch\": \"replace\"`"
        )),
    }
}

/// Whether `value`, or anything in it, holds a directive (or an unsupported one); depth-bounded
/// by the caller's check.
pub(super) fn has_directive(value: &Value) -> bool {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(object) => {
                if object.contains_key(DIRECTIVE) || directive(object).is_err() {
                    return true;
                }
                pending.extend(object.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    false
}

/// An item's key: the values of its key members, compared as JSON values.
#[derive(PartialEq, Eq)]
pub(super) struct JsonKey<'v>(Vec<&'v Value>);

impl<'v> JsonKey<'v> {
    /// `None` when a key member is missing.
    pub(super) fn of(object: &'v Map<String, Value>, members: &[&'static str]) -> Option<Self> {
        members
            .iter()
            .map(|member| object.get(*member))
            .collect::<Option<Vec<_>>>()
            .map(JsonKey)
    }

    /// `[type=RLIMIT_NOFILE]`, `[key=gpu,effect=NoSchedule]`.
    pub(super) fn segment(&self, members: &[&'static str]) -> Segment {
        let members = members.iter().zip(&self.0).map(|(name, value)| {
            let value = match value {
                Value::String(text) => Key::Str(text.clone()),
                other => Key::Other(other.to_string()),
            };
            ((*name).into(), value)
        });
        Segment::Item(members.collect())
    }
}

impl Hash for JsonKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for value in &self.0 {
            match value {
                Value::String(text) => text.hash(state),
                Value::Bool(flag) => flag.hash(state),
                // Numbers, null, arrays and objects as keys are rare: their text is enough.
                other => other.to_string().hash(state),
            }
        }
    }
}

/// The missing-member message for item `index` of the keyed list at the cursor.
pub(super) fn missing_key(index: usize, members: &[&'static str]) -> String {
    let names: Vec<String> = members.iter().map(|name| format!("`{name}`")).collect();
    format!(
        "item {index} of this keyed list lacks its key ({}): every item, `\"$patch\": \"delete\"` ones included, needs the key members named by `list_key`",
        names.join(", ")
    )
}
