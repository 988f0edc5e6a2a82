//! What the keyed walk shares between its phases: the `list_key` rules, the cursor that knows
//! where the walk is, directives, and the keys of JSON items.

use serde_json::{Map, Value};
use std::hash::{Hash, Hasher};

use crate::path::{Key, Segment};

/// How deep a document under `list_key` may nest: the keyed walk recurses, and a bound keeps a
/// hostile document from overflowing the stack (a clear error instead).
pub(super) const MAX_DEPTH: usize = 128;

/// The member that carries a directive, as in Kubernetes' strategic merge patch.
pub(super) const DIRECTIVE: &str = "$patch";

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
    // Every directive's name starts with `$`: one pass over the names settles the usual object.
    if !has_dollar_name(object) {
        return Ok(Directive::None);
    }
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

/// Whether a member's name starts with `$`, as [`DIRECTIVE`]'s and [`UNSUPPORTED`]'s do.
fn has_dollar_name(object: &Map<String, Value>) -> bool {
    object.keys().any(|name| name.starts_with('$'))
}

/// Whether `value`, or anything in it, holds a directive (or an unsupported one); depth-bounded
/// by the caller's check.
pub(super) fn has_directive(value: &Value) -> bool {
    if !matches!(value, Value::Object(_) | Value::Array(_)) {
        return false;
    }
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(object) => {
                if has_dollar_name(object)
                    && (object.contains_key(DIRECTIVE) || directive(object).is_err())
                {
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
