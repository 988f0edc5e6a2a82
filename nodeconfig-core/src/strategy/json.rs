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
//!
//! [`merge_json_ref`] applies a patch it only borrows (the signature of `json_patch::merge`),
//! for a patch that is still needed afterwards; it clones what it puts into the document.

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

/// Applies `patch` to `target` as an RFC 7396 merge patch, borrowing the patch: the signature
/// and result of `json_patch::merge`, and the same result as [`JsonDeep::json_deep`] with
/// `patch.clone()`.
///
/// Only what lands in `target` is cloned. A patch member is looked up by `&str`, so one that
/// merges into an object `target` already has allocates nothing (`json_patch::merge` allocates
/// a `String` key for every member it does not delete, since `Map::entry` takes one); a new key
/// is cloned when it is inserted. Merging, cloning and dropping recurse for the first 32 levels
/// together and use an explicit stack below, as `json_deep` does, so a target or a patch nested
/// 10,000 levels deep is fine on a small thread stack. Numbers are cloned exactly.
///
/// Use it when the patch is still needed afterwards (the same defaults applied to many
/// documents, say). A layer that is not needed afterwards is cheaper to merge with
/// [`JsonDeep::json_deep`], which moves the patch's values in instead of cloning them.
///
/// ```
/// use nodeconfig_core::strategy::json::merge_json_ref;
/// use serde_json::json;
///
/// let hardening = json!({"process": {"noNewPrivileges": true, "user": null}});
/// let mut first = json!({"process": {"user": {"uid": 0}, "cwd": "/"}, "hostname": "a"});
/// let mut second = json!("not an object yet");
/// merge_json_ref(&mut first, &hardening);
/// merge_json_ref(&mut second, &hardening);
/// assert_eq!(
///     first,
///     json!({"process": {"cwd": "/", "noNewPrivileges": true}, "hostname": "a"})
/// );
/// assert_eq!(second, json!({"process": {"noNewPrivileges": true}}));
/// assert_eq!(hardening["process"]["user"], json!(null));
/// ```
pub fn merge_json_ref(target: &mut Value, patch: &Value) {
    let mut discarded = Discarded::default();
    match (target, patch) {
        (Value::Object(existing), Value::Object(patch)) => {
            merge_nested_ref(existing, patch, 0, &mut discarded);
        }
        (target, patch) => discarded.keep(Some(mem::replace(target, clone_patch(patch, 0))), 0),
    }
}

/// [`merge_nested`] for a borrowed patch: recurses into nested objects up to
/// [`RECURSION_BUDGET`] levels, then continues with [`merge_iteratively_ref`].
fn merge_nested_ref(
    existing: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    depth: usize,
    discarded: &mut Discarded,
) {
    if depth >= RECURSION_BUDGET {
        merge_iteratively_ref(existing, patch, discarded);
        return;
    }
    for (key, patch) in patch {
        if patch.is_null() {
            discarded.keep(remove_in_order(existing, key), depth);
            continue;
        }
        match (existing.get_mut(key), patch) {
            (Some(Value::Object(nested)), Value::Object(patch)) => {
                merge_nested_ref(nested, patch, depth + 1, discarded);
            }
            (Some(slot), patch) => {
                discarded.keep(Some(mem::replace(slot, clone_patch(patch, depth))), depth);
            }
            (None, patch) => {
                existing.insert(key.clone(), clone_patch(patch, depth));
            }
        }
    }
}

/// One object being merged from a borrowed patch, past the recursion budget.
struct FrameRef<'a> {
    /// The key of `existing` in its parent; empty for the outermost frame.
    key: &'a str,
    /// Taken out of its parent while its patch is applied (an empty map is left in its place).
    existing: Map<String, Value>,
    patch: map::Iter<'a>,
}

/// [`merge_iteratively`] for a borrowed patch: depth first with an explicit stack, each nested
/// object taken out of its parent and put back once its patch is spent.
fn merge_iteratively_ref(
    existing: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    discarded: &mut Discarded,
) {
    let mut current = FrameRef {
        key: "",
        existing: mem::take(existing),
        patch: patch.iter(),
    };
    let mut parents: Vec<FrameRef<'_>> = Vec::new();
    loop {
        if let Some((key, patch)) = current.patch.next() {
            if let Some(child) = merge_member_ref(&mut current.existing, key, patch, discarded) {
                parents.push(mem::replace(&mut current, child));
            }
            continue;
        }
        let Some(parent) = parents.pop() else { break };
        let child = mem::replace(&mut current, parent);
        // The child's slot is still there, holding the empty map it left: nothing touches the
        // parent while the child is merged.
        if let Some(slot) = current.existing.get_mut(child.key) {
            *slot = Value::Object(child.existing);
        }
    }
    *existing = current.existing;
}

/// Applies one member of a borrowed patch to `existing`; returns the frame to descend into when
/// an object patch meets an existing object.
fn merge_member_ref<'a>(
    existing: &mut Map<String, Value>,
    key: &'a str,
    patch: &'a Value,
    discarded: &mut Discarded,
) -> Option<FrameRef<'a>> {
    if patch.is_null() {
        discarded.keep(remove_in_order(existing, key), RECURSION_BUDGET);
        return None;
    }
    match (existing.get_mut(key), patch) {
        (Some(Value::Object(nested)), Value::Object(patch)) => Some(FrameRef {
            key,
            existing: mem::take(nested),
            patch: patch.iter(),
        }),
        (Some(slot), patch) => {
            discarded.keep(
                Some(mem::replace(slot, clone_patch(patch, RECURSION_BUDGET))),
                RECURSION_BUDGET,
            );
            None
        }
        (None, patch) => {
            existing.insert(key.to_owned(), clone_patch(patch, RECURSION_BUDGET));
            None
        }
    }
}

/// What `patch` applied to a non-object (or to nothing) leaves, as a new value: a copy of the
/// patch whose objects lose their `null` members at every depth (not inside arrays, where
/// `null` is a value). `depth` is how deep the merge calling it has recursed already: the copy
/// recurses only for what is left of [`RECURSION_BUDGET`], so the two together stay within it.
fn clone_patch(patch: &Value, depth: usize) -> Value {
    clone_nested(patch, depth, true)
}

/// [`clone_patch`] (`as_patch`) or a plain clone, `depth` levels down: arrays are copied item by
/// item, objects shallow enough (and, in a patch, without `null`s) with serde_json's own
/// `clone`, which copies a map's nodes whole; anything deeper than [`RECURSION_BUDGET`] with
/// [`clone_iteratively`], since serde_json's `clone` recurses once per level.
fn clone_nested(value: &Value, depth: usize, as_patch: bool) -> Value {
    let levels_left = RECURSION_BUDGET.saturating_sub(depth);
    match value {
        Value::Array(items) if levels_left > 0 => {
            let mut copy = Vec::with_capacity(items.len());
            for item in items {
                copy.push(match item {
                    // Checked here too, which saves a call per object in an array.
                    Value::Object(members) if fits_budget(item, levels_left - 1, false) => {
                        Value::Object(members.clone())
                    }
                    Value::Array(_) | Value::Object(_) => clone_nested(item, depth + 1, false),
                    // Without a call to `Value::clone`: strings are most of what arrays hold.
                    Value::String(text) => Value::String(text.clone()),
                    leaf => leaf.clone(),
                });
            }
            Value::Array(copy)
        }
        Value::Object(_) if fits_budget(value, levels_left, as_patch) => value.clone(),
        Value::Array(_) | Value::Object(_) => clone_iteratively(value, as_patch),
        leaf => leaf.clone(),
    }
}

/// [`clone_nested`] without recursion: depth first with an explicit stack.
fn clone_iteratively(source: &Value, as_patch: bool) -> Value {
    let Some(mut current) = Copying::start(source, as_patch) else {
        // A scalar, a string or an empty container: its own clone cannot recurse.
        return source.clone();
    };
    let mut parents: Vec<Copying<'_>> = Vec::new();
    loop {
        if let Some(child) = current.next_child() {
            match Copying::start(child, current.children_drop_nulls()) {
                Some(nested) => parents.push(mem::replace(&mut current, nested)),
                None => current.push(child.clone()),
            }
            continue;
        }
        let Some(parent) = parents.pop() else {
            return current.finish();
        };
        let done = mem::replace(&mut current, parent);
        current.push(done.finish());
    }
}

/// Whether `value` nests fewer than `levels` containers deep, so that serde_json's own
/// recursive `clone` and `drop` are safe on it; with `as_patch`, also whether its objects
/// (outside arrays) have no `null` members, so that it applies to nothing unchanged. Recurses
/// at most `levels` deep.
fn fits_budget(value: &Value, levels: usize, as_patch: bool) -> bool {
    let Some(levels_below) = levels.checked_sub(1) else {
        return !has_children(value);
    };
    // Checked here rather than in a call per child: most children are scalars or strings.
    let child_fits = |child: &Value, as_patch: bool| match child {
        Value::Array(_) | Value::Object(_) => fits_budget(child, levels_below, as_patch),
        Value::Null => !as_patch,
        _ => true,
    };
    match value {
        Value::Array(items) => items.iter().all(|item| child_fits(item, false)),
        Value::Object(members) => members.values().all(|member| child_fits(member, as_patch)),
        _ => true,
    }
}

/// A container being copied by [`clone_iteratively`]: what is copied so far and what is left.
enum Copying<'a> {
    Array {
        rest: std::slice::Iter<'a, Value>,
        items: Vec<Value>,
    },
    Object {
        rest: map::Iter<'a>,
        members: Map<String, Value>,
        /// The key of the member being copied.
        key: &'a str,
        /// Whether this object is part of the patch (not inside an array), so `null` deletes.
        drops_nulls: bool,
    },
}

impl<'a> Copying<'a> {
    /// Starts copying `source`, or `None` when it has no children to copy one by one.
    fn start(source: &'a Value, drops_nulls: bool) -> Option<Self> {
        match source {
            Value::Array(items) if !items.is_empty() => Some(Self::Array {
                rest: items.iter(),
                items: Vec::with_capacity(items.len()),
            }),
            Value::Object(members) if !members.is_empty() => Some(Self::Object {
                rest: members.iter(),
                members: Map::new(),
                key: "",
                drops_nulls,
            }),
            _ => None,
        }
    }

    /// The next child to copy, skipping the `null` members of a patch object.
    fn next_child(&mut self) -> Option<&'a Value> {
        match self {
            Self::Array { rest, .. } => rest.next(),
            Self::Object {
                rest,
                key,
                drops_nulls,
                ..
            } => {
                let (name, value) = rest.find(|(_, value)| !(*drops_nulls && value.is_null()))?;
                *key = name;
                Some(value)
            }
        }
    }

    /// Whether objects directly in this container are part of the patch.
    fn children_drop_nulls(&self) -> bool {
        matches!(
            self,
            Self::Object {
                drops_nulls: true,
                ..
            }
        )
    }

    /// Adds the copy of the child [`next_child`](Self::next_child) returned last.
    fn push(&mut self, child: Value) {
        match self {
            Self::Array { items, .. } => items.push(child),
            Self::Object { members, key, .. } => {
                members.insert((*key).to_owned(), child);
            }
        }
    }

    fn finish(self) -> Value {
        match self {
            Self::Array { items, .. } => Value::Array(items),
            Self::Object { members, .. } => Value::Object(members),
        }
    }
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

    #[test]
    fn past_the_recursion_budget_borrowing_agrees_with_consuming() {
        // Deeper than the budget, so the explicit-stack merge, copy and drop all run.
        let depth = RECURSION_BUDGET + 8;
        let patch = layered(
            depth,
            json!({
                "change": {"x": null, "z": [null, {"n": null}]},
                "gone": null,
                "scalar": {"n": null, "m": {"o": null, "p": 1}},
                "new": {"q": null, "r": [1]},
            }),
            &json!({"a": null, "b": [null], "c": {"d": null}}),
        );
        let targets = [
            layered(
                depth,
                json!({"keep": 1, "change": {"x": 1}, "gone": [1, {"y": 2}], "scalar": 3}),
                &json!({"a": 1, "c": 2}),
            ),
            layered(depth, json!(5), &json!([1, 2])),
            layered(depth / 2, json!({"k": "short"}), &json!({"c": {"e": 1}})),
            Value::Null,
        ];
        for target in targets {
            let mut consumed = target.clone();
            consumed.json_deep(patch.clone());
            let mut borrowed = target;
            merge_json_ref(&mut borrowed, &patch);
            assert_eq!(borrowed.to_string(), consumed.to_string());
        }
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
    fn borrowing_merge_copies_and_drops_deep_values_on_a_small_stack() {
        // Below the merge's own recursion budget: a deep object copied onto a scalar (losing
        // its nulls), a deep object copied inside an array (keeping them), a deep value replaced.
        let mut innermost = Map::new();
        innermost.insert("deep".to_owned(), nested(100_000, json!({"n": null})));
        innermost.insert("list".to_owned(), json!([null]));
        innermost["list"][0] = nested(100_000, json!({"n": null}));
        innermost.insert("replaced".to_owned(), json!(0));
        let patch = layered(
            RECURSION_BUDGET + 1,
            Value::Object(innermost),
            &json!({"a": 1}),
        );
        let mut existing = Map::new();
        existing.insert("deep".to_owned(), json!(1));
        existing.insert("replaced".to_owned(), nested(100_000, json!(2)));
        let mut existing = layered(RECURSION_BUDGET + 1, Value::Object(existing), &json!([2]));
        // Checked outside the small thread, whose stack is for the merge alone.
        let (existing, patch) = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                merge_json_ref(&mut existing, &patch);
                (existing, patch)
            })
            .expect("spawn")
            .join()
            .expect("merge_json_ref recursed");
        let (merged, steps) = bottom(&existing);
        assert_eq!(steps, RECURSION_BUDGET + 1);
        assert_eq!(merged["replaced"], json!(0));
        assert_eq!(bottom(&merged["deep"]), (&json!({}), 100_000));
        assert_eq!(bottom(&merged["list"][0]), (&json!({"n": null}), 100_000));
        drop_flat(Some(existing));
        drop_flat(Some(patch));
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
