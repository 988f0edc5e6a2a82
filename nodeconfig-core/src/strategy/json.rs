//! `strategy = "json_deep"`: RFC 7396 JSON Merge Patch, the later value being the patch.
//!
//! The earlier value is the target and the later value the patch:
//!
//! - an object patch merges into an object target key by key, recursively;
//! - a `null` member of the patch deletes that key from the target;
//! - arrays, strings, numbers, booleans and `null` replace the target outright, zero values
//!   (`0`, `""`, `false`, `[]`) included: an array is never merged item by item;
//! - an object patch onto a target that is not an object (a scalar, an array, or a missing key)
//!   starts from an empty object, so the `null` members of such a patch vanish at every depth.
//!
//! ```
//! use nodeconfig_core::strategy::JsonDeep;
//! use serde_json::json;
//!
//! let mut spec = json!({
//!     "process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]},
//!     "hostname": "node-1",
//! });
//! spec.json_deep(json!({
//!     "process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 65536, "soft": 65536}]},
//!     "hostname": null,
//! }));
//! assert_eq!(
//!     spec,
//!     json!({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 65536, "soft": 65536}]}})
//! );
//! ```
//!
//! # In place, exact, and with bounded recursion
//!
//! The merge moves the patch's values into the existing document: nothing of the existing
//! document is cloned or re-serialized, and the work done is proportional to the size of the
//! patch (plus the size of whatever the patch deletes or replaces, which has to be dropped).
//! Keys the patch does not mention keep their values and their order: with `serde_json`'s
//! `preserve_order` feature, objects keep the existing document's key order and new keys go at
//! the end; without it, objects are sorted by key. (Under `preserve_order`, deleting a key that
//! is not the last one costs a pass over its object, as `shift_remove` does, because the
//! cheaper `Map::remove` would move the last key into the gap.)
//!
//! Numbers are moved, never converted: `18446744073709551615` (`RLIM_INFINITY` in an OCI
//! runtime spec), `-9223372036854775808` and `9007199254740993` come out exactly as they went in.
//! nodeadm, the Go agent this crate's semantics come from, decodes documents into `float64`
//! before merging, so it turns `18446744073709551615` into `18446744073709552000`.
//!
//! The walk recurses for the first 32 levels of nesting (so each patch member costs one map
//! lookup) and continues below that with an explicit stack; values the patch discards are
//! dismantled the same way, so a document nested 10,000 levels deep merges on a small thread
//! stack. A `json_deep` merge cannot fail: every implementation has `NEEDS_PREPARE = false`.

use crate::MergeError;
use crate::trace::Tracer;
use crate::trace::documents::JsonLeaves;
use serde_json::{Map, Value, map};
use std::collections::{BTreeMap, HashMap, btree_map, hash_map};
use std::hash::BuildHasher;
use std::mem;
use std::sync::OnceLock;

/// JSON documents that `strategy = "json_deep"` can merge, as an RFC 7396 merge patch with the
/// later value as the patch (see the [module docs](self) for the rules).
///
/// Implemented for `serde_json::Value`, `serde_json::Map<String, Value>`,
/// `BTreeMap<String, Value>`, `HashMap<String, Value, S>`, and `Option` of each. For an
/// `Option`, a later `None` keeps the earlier value, and an earlier `None` is an absent target:
/// the later value is applied to nothing, which keeps it minus its `null` members.
///
/// ```
/// use nodeconfig_core::strategy::JsonDeep;
/// use serde_json::json;
///
/// let mut kubelet_config = Some(json!({"maxPods": 110, "featureGates": {"A": true}}));
/// kubelet_config.json_deep(Some(json!({"featureGates": {"B": true}})));
/// kubelet_config.json_deep(None);
/// assert_eq!(
///     kubelet_config,
///     Some(json!({"maxPods": 110, "featureGates": {"A": true, "B": true}}))
/// );
/// ```
#[diagnostic::on_unimplemented(
    message = "`strategy = \"json_deep\"` cannot merge `{Self}`",
    label = "`json_deep` needs a JSON document here",
    note = "`json_deep` takes `serde_json::Value`, `serde_json::Map<String, Value>`, `BTreeMap<String, Value>`, `HashMap<String, Value>`, and `Option` of each",
    note = "use `strategy = \"replace\"` to replace the whole value"
)]
pub trait JsonDeep: Sized {
    /// Whether [`prepare_json_deep`](Self::prepare_json_deep) has any work to do: `false` for
    /// every implementation in this crate, since a merge patch always applies.
    ///
    /// ```
    /// use nodeconfig_core::strategy::JsonDeep;
    /// assert!(!<serde_json::Value as JsonDeep>::NEEDS_PREPARE);
    /// ```
    const NEEDS_PREPARE: bool = false;

    /// The fallible phase (see [`DeepMerge::prepare_merge`](crate::DeepMerge::prepare_merge)):
    /// never changes `self`. For the implementations in this crate it does nothing and returns
    /// `Ok`.
    ///
    /// ```
    /// use nodeconfig_core::strategy::JsonDeep;
    /// use serde_json::json;
    ///
    /// let existing = json!({"a": 1});
    /// let mut incoming = json!({"a": null});
    /// assert!(existing.prepare_json_deep(&mut incoming).is_ok());
    /// assert_eq!(incoming, json!({"a": null}));
    /// ```
    fn prepare_json_deep(&self, incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// Applies `incoming` to `self` as an RFC 7396 merge patch.
    ///
    /// ```
    /// use nodeconfig_core::strategy::JsonDeep;
    /// use serde_json::json;
    ///
    /// let mut settings = json!({"a": "b", "c": {"d": "e", "f": "g"}});
    /// settings.json_deep(json!({"a": "z", "c": {"f": null}}));
    /// assert_eq!(settings, json!({"a": "z", "c": {"d": "e"}}));
    /// ```
    fn json_deep(&mut self, incoming: Self);

    /// The fallible phase for a document with nothing before it; a JSON document has nothing
    /// to check, so the default does nothing.
    fn prepare_new_json_deep(incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// Records, for [`merge_all_traced`](crate::trace::merge_all_traced), which leaves of the
    /// document merging `incoming` onto `existing` (`None`: absent) sets or deletes: every
    /// member of the patch that is not an object is a leaf, a `null` that removes a key is a
    /// deletion.
    fn trace_json_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer);
}

/// The whole document: an object patch merges into an object, anything else replaces.
///
/// ```
/// use nodeconfig_core::strategy::JsonDeep;
/// use serde_json::json;
///
/// let mut value = json!({"a": [1, 2]});
/// value.json_deep(json!({"a": [3]}));
/// assert_eq!(value, json!({"a": [3]}));
/// value.json_deep(json!(["not", "an", "object"]));
/// assert_eq!(value, json!(["not", "an", "object"]));
/// ```
impl JsonDeep for Value {
    fn json_deep(&mut self, incoming: Self) {
        match (self, incoming) {
            (Value::Object(existing), Value::Object(patch)) => merge_object(existing, patch),
            (existing, Value::Object(mut patch)) => {
                drop_nulls(&mut patch);
                drop_flat(Some(mem::replace(existing, Value::Object(patch))));
            }
            (existing, patch) => drop_flat(Some(mem::replace(existing, patch))),
        }
    }

    fn trace_json_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        JsonLeaves::record(existing, incoming, tracer);
    }
}

/// An object document: merges key by key.
///
/// ```
/// use nodeconfig_core::strategy::JsonDeep;
/// use serde_json::{Map, Value, json};
///
/// let mut env: Map<String, Value> = serde_json::from_str(r#"{"A": "1", "B": "2"}"#)?;
/// env.json_deep(serde_json::from_str(r#"{"B": null, "C": "3"}"#)?);
/// assert_eq!(Value::Object(env), json!({"A": "1", "C": "3"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl JsonDeep for Map<String, Value> {
    fn json_deep(&mut self, incoming: Self) {
        merge_object(self, incoming);
    }

    fn trace_json_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        JsonLeaves::record(existing, incoming, tracer);
    }
}

/// An object document held in a `BTreeMap`: merges key by key.
///
/// ```
/// use nodeconfig_core::strategy::JsonDeep;
/// use serde_json::json;
/// use std::collections::BTreeMap;
///
/// let mut labels = BTreeMap::from([("a".to_string(), json!(1)), ("b".to_string(), json!(2))]);
/// labels.json_deep(BTreeMap::from([("a".to_string(), json!(null))]));
/// assert_eq!(labels, BTreeMap::from([("b".to_string(), json!(2))]));
/// ```
impl JsonDeep for BTreeMap<String, Value> {
    fn json_deep(&mut self, incoming: Self) {
        for (key, patch) in incoming {
            if patch.is_null() {
                drop_flat(self.remove(&key));
                continue;
            }
            match self.entry(key) {
                btree_map::Entry::Occupied(slot) => slot.into_mut().json_deep(patch),
                btree_map::Entry::Vacant(slot) => {
                    slot.insert(onto_absent(patch));
                }
            }
        }
    }

    fn trace_json_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        JsonLeaves::record(existing, incoming, tracer);
    }
}

/// An object document held in a `HashMap`, with any hasher: merges key by key.
///
/// ```
/// use nodeconfig_core::strategy::JsonDeep;
/// use serde_json::json;
/// use std::collections::HashMap;
///
/// let mut annotations = HashMap::from([("a".to_string(), json!({"x": 1}))]);
/// annotations.json_deep(HashMap::from([("a".to_string(), json!({"y": 2}))]));
/// assert_eq!(annotations["a"], json!({"x": 1, "y": 2}));
/// ```
impl<S: BuildHasher> JsonDeep for HashMap<String, Value, S> {
    fn json_deep(&mut self, incoming: Self) {
        for (key, patch) in incoming {
            if patch.is_null() {
                drop_flat(self.remove(&key));
                continue;
            }
            match self.entry(key) {
                hash_map::Entry::Occupied(slot) => slot.into_mut().json_deep(patch),
                hash_map::Entry::Vacant(slot) => {
                    slot.insert(onto_absent(patch));
                }
            }
        }
    }

    fn trace_json_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        JsonLeaves::record(existing, incoming, tracer);
    }
}

/// An optional document: a later `None` keeps the earlier value; `Some` into `None` applies the
/// patch to an absent document, which keeps the patch minus its `null` members.
///
/// ```
/// use nodeconfig_core::strategy::JsonDeep;
/// use serde_json::json;
///
/// let mut spec = None;
/// spec.json_deep(Some(json!({"hostname": null, "process": {"cwd": "/", "user": null}})));
/// assert_eq!(spec, Some(json!({"process": {"cwd": "/"}})));
/// spec.json_deep(None);
/// assert_eq!(spec, Some(json!({"process": {"cwd": "/"}})));
/// ```
impl<T: JsonDeep + Default> JsonDeep for Option<T> {
    const NEEDS_PREPARE: bool = T::NEEDS_PREPARE;

    fn prepare_json_deep(&self, incoming: &mut Self) -> Result<(), MergeError> {
        match (self, incoming) {
            (Some(existing), Some(incoming)) => existing.prepare_json_deep(incoming),
            (None, Some(incoming)) => T::default().prepare_json_deep(incoming),
            (_, None) => Ok(()),
        }
    }

    fn json_deep(&mut self, incoming: Self) {
        let Some(patch) = incoming else { return };
        self.get_or_insert_with(T::default).json_deep(patch);
    }

    fn trace_json_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        if let Some(incoming) = incoming {
            JsonDeep::trace_json_deep(existing.and_then(Option::as_ref), incoming, tracer);
        }
    }
}

/// The patch applied to a missing value: objects lose their `null` members at every depth,
/// anything else is kept as is.
fn onto_absent(mut patch: Value) -> Value {
    if let Value::Object(members) = &mut patch {
        drop_nulls(members);
    }
    patch
}

/// Removes the `null` members of `patch` and of every object nested in it (not inside arrays,
/// where `null` is a value): what RFC 7396 leaves of a patch applied to a non-object.
fn drop_nulls(patch: &mut Map<String, Value>) {
    let mut pending = Vec::new();
    let mut members = patch;
    loop {
        members.retain(|_, value| !value.is_null());
        pending.extend(members.values_mut().filter_map(Value::as_object_mut));
        match pending.pop() {
            Some(next) => members = next,
            None => break,
        }
    }
}

/// One object being merged: the existing object (taken out of its parent while its patch is
/// applied) and what is left of the patch.
struct Frame {
    /// The key under which `existing` goes back into its parent; empty for the root.
    key: String,
    existing: Map<String, Value>,
    patch: map::IntoIter,
}

/// Merges the object `patch` into `existing`: [`merge_nested`] near the top,
/// [`merge_iteratively`] below the recursion budget.
fn merge_object(existing: &mut Map<String, Value>, mut patch: Map<String, Value>) {
    if existing.is_empty() {
        drop_nulls(&mut patch);
        *existing = patch;
        return;
    }
    let mut discarded = Discarded::default();
    merge_nested(existing, patch, 0, &mut discarded);
}

/// How many levels the merge (and the dismantling of what it discards) recurses before it
/// switches to an explicit stack: enough for every document seen in practice, and a few KiB of
/// stack (the unit tests run 100,000 levels on a 64 KiB thread, in debug builds too). Recursion holds a `&mut` into the child, so each patch member costs one
/// lookup; the explicit stack has to take a child out and put it back.
const RECURSION_BUDGET: usize = 32;

/// Merges `patch` into `existing`, recursing into nested objects up to [`RECURSION_BUDGET`]
/// levels and continuing with [`merge_iteratively`] below that.
fn merge_nested(
    existing: &mut Map<String, Value>,
    patch: Map<String, Value>,
    depth: usize,
    discarded: &mut Discarded,
) {
    if depth >= RECURSION_BUDGET {
        merge_iteratively(existing, patch, discarded);
        return;
    }
    for (key, patch) in patch {
        let Value::Object(mut patch) = patch else {
            set_or_remove(existing, key, patch, depth, discarded);
            continue;
        };
        match existing.entry(key) {
            map::Entry::Occupied(slot) => match slot.into_mut() {
                Value::Object(nested) if !nested.is_empty() => {
                    merge_nested(nested, patch, depth + 1, discarded);
                }
                other => {
                    drop_nulls(&mut patch);
                    discarded.keep(Some(mem::replace(other, Value::Object(patch))), depth);
                }
            },
            map::Entry::Vacant(slot) => {
                drop_nulls(&mut patch);
                slot.insert(Value::Object(patch));
            }
        }
    }
}

/// [`merge_nested`] past the recursion budget: depth first with an explicit stack.
///
/// A nested object whose patch has objects of its own is taken out of its parent (leaving an
/// empty map, so the parent's key order is untouched) and put back once its patch is spent:
/// this keeps every borrow short, so the walk needs no recursion and no `unsafe`. A nested
/// patch without objects in it is applied where it stands.
fn merge_iteratively(
    existing: &mut Map<String, Value>,
    patch: Map<String, Value>,
    discarded: &mut Discarded,
) {
    let mut current = Frame {
        key: String::new(),
        existing: mem::take(existing),
        patch: patch.into_iter(),
    };
    let mut parents: Vec<Frame> = Vec::new();
    loop {
        if let Some((key, patch)) = current.patch.next() {
            if let Some(child) = merge_member(&mut current.existing, key, patch, discarded) {
                parents.push(mem::replace(&mut current, child));
            }
            continue;
        }
        let Some(parent) = parents.pop() else { break };
        let child = mem::replace(&mut current, parent);
        let merged = Value::Object(child.existing);
        discarded.keep(current.existing.insert(child.key, merged), RECURSION_BUDGET);
    }
    *existing = current.existing;
}

/// Applies one member of a patch object to `existing`; returns the frame to descend into when
/// the member's value is an object with objects in it, to merge into an existing object.
fn merge_member(
    existing: &mut Map<String, Value>,
    key: String,
    patch: Value,
    discarded: &mut Discarded,
) -> Option<Frame> {
    let Value::Object(mut patch) = patch else {
        set_or_remove(existing, key, patch, RECURSION_BUDGET, discarded);
        return None;
    };
    if !patch.values().any(Value::is_object) {
        // No object below: merged where it stands, with a single lookup.
        match existing.entry(key) {
            map::Entry::Occupied(mut slot) => match slot.get_mut() {
                Value::Object(nested) if !nested.is_empty() => {
                    for (key, patch) in patch {
                        set_or_remove(nested, key, patch, RECURSION_BUDGET, discarded);
                    }
                }
                other => {
                    drop_nulls(&mut patch);
                    discarded.keep(
                        Some(mem::replace(other, Value::Object(patch))),
                        RECURSION_BUDGET,
                    );
                }
            },
            map::Entry::Vacant(slot) => {
                drop_nulls(&mut patch);
                slot.insert(Value::Object(patch));
            }
        }
        return None;
    }
    match existing.get_mut(&key) {
        Some(Value::Object(nested)) if !nested.is_empty() => Some(Frame {
            existing: mem::take(nested),
            key,
            patch: patch.into_iter(),
        }),
        // Nothing, an empty object, a scalar or an array: the patch applies to an empty
        // object, which leaves the patch itself minus its nulls; it moves in whole.
        _ => {
            drop_nulls(&mut patch);
            discarded.keep(existing.insert(key, Value::Object(patch)), RECURSION_BUDGET);
            None
        }
    }
}

/// Applies a patch member that is not an object: `null` removes the key, anything else
/// replaces its value.
fn set_or_remove(
    existing: &mut Map<String, Value>,
    key: String,
    patch: Value,
    depth: usize,
    discarded: &mut Discarded,
) {
    if patch.is_null() {
        discarded.keep(remove_in_order(existing, &key), depth);
    } else {
        discarded.keep(existing.insert(key, patch), depth);
    }
}

/// Removes `key` from `existing`, keeping the order of the other keys.
///
/// With `serde_json`'s `preserve_order` feature, `Map::remove` moves the last key into the gap
/// and the order-keeping `shift_remove` is not available without that feature, so this crate
/// cannot name it; `retain` keeps the order in both builds. It costs a pass over the object,
/// as `shift_remove` would, and only when the object keeps insertion order and the key is not
/// the last one.
fn remove_in_order(existing: &mut Map<String, Value>, key: &str) -> Option<Value> {
    let swap_would_reorder = keeps_insertion_order()
        && existing.contains_key(key)
        && existing.keys().next_back().is_some_and(|last| last != key);
    if !swap_would_reorder {
        return existing.remove(key);
    }
    let mut removed = None;
    existing.retain(|candidate, value| {
        if removed.is_none() && candidate == key {
            removed = Some(mem::take(value));
            return false;
        }
        true
    });
    removed
}

/// Whether `serde_json::Map` keeps insertion order, i.e. whether some crate in the build turned
/// on `serde_json`'s `preserve_order` feature; otherwise it is a `BTreeMap`, sorted by key.
fn keeps_insertion_order() -> bool {
    static KEEPS_INSERTION_ORDER: OnceLock<bool> = OnceLock::new();
    *KEEPS_INSERTION_ORDER.get_or_init(|| {
        let mut probe = Map::new();
        probe.insert("b".to_owned(), Value::Null);
        probe.insert("a".to_owned(), Value::Null);
        probe.keys().next().is_some_and(|first| first == "b")
    })
}

/// Drops the values a merge replaces or deletes without recursing: serde_json's own drop
/// recurses once per level of nesting, which a deep enough value would turn into a stack
/// overflow. The stack of containers still to take apart is reused for the whole merge, so a
/// merge allocates it once; scalars and empty containers are dropped at once.
#[derive(Default)]
struct Discarded(Vec<Value>);

impl Discarded {
    /// Drops `value`, for a caller `depth` levels into its own recursion: taking the value apart
    /// recurses only for what is left of [`RECURSION_BUDGET`], so the two together stay within
    /// it. Inlined so that the common case, a scalar or a string, costs no call.
    #[inline]
    fn keep(&mut self, value: Option<Value>, depth: usize) {
        match value {
            Some(value) if has_children(&value) => self.dismantle_all(value, depth),
            // A scalar, a string or an empty container: its own drop cannot recurse.
            _ => {}
        }
    }

    /// Takes `value` apart down to its last level.
    fn dismantle_all(&mut self, value: Value, depth: usize) {
        self.dismantle(value, depth);
        while let Some(value) = self.0.pop() {
            self.dismantle(value, depth);
        }
    }

    /// Drops `value`'s children, recursing up to [`RECURSION_BUDGET`] levels and leaving what
    /// is deeper on the stack for [`dismantle_all`](Self::dismantle_all)'s loop.
    fn dismantle(&mut self, value: Value, depth: usize) {
        match value {
            Value::Array(items) if items.iter().any(has_children) => {
                for item in items {
                    self.child(item, depth);
                }
            }
            Value::Object(members) => {
                for (_, member) in members {
                    self.child(member, depth);
                }
            }
            // An array of scalars and strings (the common kind): serde_json's drop frees it in
            // one pass, faster than taking it apart.
            _ => {}
        }
    }

    #[inline]
    fn child(&mut self, value: Value, depth: usize) {
        if !has_children(&value) {
            return;
        }
        if depth < RECURSION_BUDGET {
            self.dismantle(value, depth + 1);
        } else {
            self.0.push(value);
        }
    }
}

/// Whether `value` holds other values, i.e. whether dropping it could recurse.
fn has_children(value: &Value) -> bool {
    match value {
        Value::Array(items) => !items.is_empty(),
        Value::Object(members) => !members.is_empty(),
        _ => false,
    }
}

/// Drops `value` without recursing (see [`Discarded`]).
fn drop_flat(value: Option<Value>) {
    Discarded::default().keep(value, 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A value nested `depth` objects deep under the key `"k"`, with `leaf` at the bottom.
    fn nested(depth: usize, leaf: Value) -> Value {
        let mut value = leaf;
        for _ in 0..depth {
            let mut members = Map::new();
            members.insert("k".to_owned(), value);
            value = Value::Object(members);
        }
        value
    }

    #[test]
    fn drop_flat_takes_a_deep_value_apart_on_a_small_stack() {
        let value = nested(100_000, json!(1));
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || drop_flat(Some(value)))
            .expect("spawn")
            .join()
            .expect("drop_flat recursed");
    }

    #[test]
    fn replacing_a_deep_value_does_not_recurse() {
        // Built by hand: `json!` would serialize the deep value into a copy, recursively.
        let mut existing = Map::new();
        existing.insert("deep".to_owned(), nested(100_000, json!(1)));
        existing.insert("kept".to_owned(), json!(true));
        let mut existing = Value::Object(existing);
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                existing.json_deep(json!({"deep": 0}));
                existing
            })
            .expect("spawn")
            .join()
            .map(|merged| assert_eq!(merged, json!({"deep": 0, "kept": true})))
            .expect("json_deep recursed");
    }

    /// `depth` objects, each with the next under `"k"` and `sibling` under one of three keys.
    fn layered(depth: usize, innermost: Value, sibling: &Value) -> Value {
        let mut value = innermost;
        for level in 0..depth {
            let mut members = Map::new();
            members.insert("k".to_owned(), value);
            members.insert(format!("s{}", level % 3), sibling.clone());
            value = Value::Object(members);
        }
        value
    }

    /// Follows `"k"` down as far as it goes: the value found there and how many steps it took.
    fn bottom(mut value: &Value) -> (&Value, usize) {
        let mut steps = 0;
        while let Some(next) = value.get("k") {
            value = next;
            steps += 1;
        }
        (value, steps)
    }

    #[test]
    fn replacing_a_deep_value_at_the_bottom_of_the_recursion_stays_within_the_budget() {
        // The merge has recursed the whole budget when it drops the value it replaces: taking
        // that value apart must not recurse another budget's worth on top. 128 KiB: the 32
        // frames of the merge alone come close to 64 KiB in a debug build with `preserve_order`.
        let innermost = json!({"replaced": 0});
        let patch = layered(RECURSION_BUDGET, innermost, &json!({"a": 1}));
        let mut existing = Map::new();
        existing.insert("replaced".to_owned(), nested(100_000, json!(2)));
        let mut existing = layered(RECURSION_BUDGET, Value::Object(existing), &json!([2]));
        let merged = std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || {
                existing.json_deep(patch);
                existing
            })
            .expect("spawn")
            .join()
            .expect("json_deep recursed");
        assert_eq!(bottom(&merged), (&json!({"replaced": 0}), RECURSION_BUDGET));
        drop_flat(Some(merged));
    }

    #[test]
    fn deleting_a_key_keeps_the_order_of_the_others() {
        let mut existing: Value =
            serde_json::from_str(r#"{"z": 1, "a": 2, "m": 3, "b": 4}"#).expect("valid JSON");
        existing.json_deep(json!({"a": null, "c": 5}));
        let keys: Vec<&str> = existing
            .as_object()
            .map(|members| members.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if keeps_insertion_order() {
            assert_eq!(keys, ["z", "m", "b", "c"]);
        } else {
            assert_eq!(keys, ["b", "c", "m", "z"]);
        }
    }

    #[test]
    fn an_object_patch_over_a_scalar_starts_from_an_empty_object() {
        let mut existing = json!({"a": 1});
        existing.json_deep(json!({"a": {"b": null, "c": {"d": null}}}));
        assert_eq!(existing, json!({"a": {"c": {}}}));
    }
}
