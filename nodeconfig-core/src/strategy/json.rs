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
//! spec.apply_json_deep(json!({
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
//! # A final document: no `null` survives
//!
//! The merged value is the document itself, RFC 7396 applied layer after layer, so a `null`
//! never survives in an object, wherever it lands: merged onto an earlier value, or where
//! nothing was (the first layer of [`merge_all`](crate::merge_all), an earlier `None`, a new
//! map key, another enum variant: [`JsonDeep::check_new_json_deep`] strips it there), and a
//! later `Some(null)` makes an `Option` field `None`. `null` items of arrays are values and stay
//! (RFC 7396 replaces arrays whole). Layers that are patches applied later onto a base they do
//! not contain, whose deletions must be kept, use [`MergePatch`] (`strategy = "merge_patch"`).
//!
//! # Numbers
//!
//! Numbers are moved, never converted: the merge keeps each `serde_json::Number` as the
//! deserializer made it. What that keeps depends on serde_json's features, which the crate that
//! parses the documents chooses (`nodeconfig-core`'s own `arbitrary_precision` feature turns it
//! on):
//!
//! - without `arbitrary_precision`, every integer that fits `u64` or `i64` is exact
//!   (`18446744073709551615`, `RLIM_INFINITY` in an OCI runtime spec, and
//!   `-9223372036854775808`); any other number is an `f64`: `18446744073709551616` becomes
//!   `1.8446744073709552e+19`, `0.1000000000000000055511151231257827` becomes `0.1`, `-0`
//!   becomes `-0.0`, `1e-400` becomes `0.0`, and serde_json rejects `1e400` when parsing;
//! - with `arbitrary_precision`, every number keeps the text it was parsed from, of any size or
//!   precision (`123456789012345678901234567890`, `0.1000000000000000055511151231257827`,
//!   `1e-400`, `-0`), and writes it back as is; serde_json's parser spells an exponent as
//!   `e+`/`e-` (`1E400` is kept as `1e+400`, the same number). Deserializing such a value
//!   into a typed field converts it (serde_json hands `-0` to a visitor as the integer `0`):
//!   keep documents as `Value`s, as this crate does, to keep their text.
//!
//! Either way the merge adds no rounding of its own. nodeadm, the Go agent this crate's
//! semantics come from, decodes documents into `float64` before merging, so it turns
//! `18446744073709551615` into `18446744073709552000`.
//!
//! # Stack
//!
//! The walk recurses for the first 32 levels of nesting (so each patch member costs one map
//! lookup) and continues below that with an explicit stack; values the patch discards are
//! dismantled the same way, so a document nested 10,000 levels deep merges on a small thread
//! stack. A `json_deep` merge cannot fail: its prepare phase only strips `null` members (with
//! an explicit stack too) and always returns `Ok`.
//!
//! [`merge_json_ref`] applies a patch it only borrows (the signature of `json_patch::merge`),
//! for a patch that is still needed afterwards; it clones what it puts into the document.

use crate::MergeError;
use crate::trace::Tracer;
use crate::trace::documents::JsonLeaves;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, btree_map, hash_map};
use std::hash::BuildHasher;
use std::mem;

mod borrowed;
mod discard;
pub mod keyed;
mod merge;
#[cfg(test)]
mod number_tests;
mod patch;

pub use borrowed::merge_json_ref;
use discard::drop_flat;
pub use keyed::{JsonKeyed, ListKeys, MergePatchKeyed};
use merge::merge_object;
pub use patch::MergePatch;

/// How many levels the merge (and the dismantling of what it discards) recurses before it
/// switches to an explicit stack: enough for every document seen in practice, and a few KiB of
/// stack (the unit tests run 100,000 levels on a 64 KiB thread; in a debug build with
/// `preserve_order`, 32 levels come close to 64 KiB, so the test at the bottom of the budget
/// uses 128 KiB). Recursion holds a `&mut` into the child, so each patch member costs one
/// lookup; the explicit stack has to take a child out and put it back.
const RECURSION_BUDGET: usize = 32;

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
/// kubelet_config.apply_json_deep(Some(json!({"featureGates": {"B": true}})));
/// kubelet_config.apply_json_deep(None);
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
    /// Whether the prepare phase has any work to do: `true` for every implementation in this
    /// crate, because a document that lands where nothing was (the first layer, an earlier
    /// `None`, a new map key, another enum variant) loses its `null` members in
    /// [`check_new_json_deep`](Self::check_new_json_deep). Nothing in it can fail.
    ///
    /// ```
    /// use nodeconfig_core::strategy::JsonDeep;
    /// assert!(<serde_json::Value as JsonDeep>::NEEDS_PREPARE);
    /// ```
    const NEEDS_PREPARE: bool = true;

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
    /// settings.apply_json_deep(json!({"a": "z", "c": {"f": null}}));
    /// assert_eq!(settings, json!({"a": "z", "c": {"d": "e"}}));
    /// ```
    fn apply_json_deep(&mut self, incoming: Self);

    /// The phase for a document with nothing before it: the document is the patch applied to
    /// nothing, so its `null` members go, at every depth outside arrays (RFC 7396 section 2,
    /// a patch onto a non-object target). The implementations here do that and never fail; the
    /// default, for an implementation of your own, does nothing.
    ///
    /// ```
    /// use nodeconfig_core::strategy::JsonDeep;
    /// use serde_json::json;
    ///
    /// let mut first_layer = json!({"rlimits": null, "cwd": "/", "env": [null]});
    /// serde_json::Value::check_new_json_deep(&mut first_layer)?;
    /// assert_eq!(first_layer, json!({"cwd": "/", "env": [null]}));
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    fn check_new_json_deep(incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// Whether this document is JSON `null` as a whole: as a patch it deletes the whole
    /// document, so an `Option` field becomes `None`. `false` except for a `Value::Null`.
    ///
    /// ```
    /// use nodeconfig_core::strategy::JsonDeep;
    /// assert!(serde_json::Value::Null.is_json_null());
    /// assert!(!serde_json::Map::new().is_json_null());
    /// ```
    fn is_json_null(&self) -> bool {
        false
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
/// value.apply_json_deep(json!({"a": [3]}));
/// assert_eq!(value, json!({"a": [3]}));
/// value.apply_json_deep(json!(["not", "an", "object"]));
/// assert_eq!(value, json!(["not", "an", "object"]));
/// ```
impl JsonDeep for Value {
    fn apply_json_deep(&mut self, incoming: Self) {
        match (self, incoming) {
            (Value::Object(existing), Value::Object(patch)) => merge_object(existing, patch),
            (existing, Value::Object(mut patch)) => {
                drop_nulls(&mut patch);
                drop_flat(Some(mem::replace(existing, Value::Object(patch))));
            }
            (existing, patch) => drop_flat(Some(mem::replace(existing, patch))),
        }
    }

    fn check_new_json_deep(incoming: &mut Self) -> Result<(), MergeError> {
        if let Value::Object(members) = incoming {
            drop_nulls(members);
        }
        Ok(())
    }

    fn is_json_null(&self) -> bool {
        self.is_null()
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
/// env.apply_json_deep(serde_json::from_str(r#"{"B": null, "C": "3"}"#)?);
/// assert_eq!(Value::Object(env), json!({"A": "1", "C": "3"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl JsonDeep for Map<String, Value> {
    fn apply_json_deep(&mut self, incoming: Self) {
        merge_object(self, incoming);
    }

    fn check_new_json_deep(incoming: &mut Self) -> Result<(), MergeError> {
        drop_nulls(incoming);
        Ok(())
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
/// labels.apply_json_deep(BTreeMap::from([("a".to_string(), json!(null))]));
/// assert_eq!(labels, BTreeMap::from([("b".to_string(), json!(2))]));
/// ```
impl JsonDeep for BTreeMap<String, Value> {
    fn apply_json_deep(&mut self, incoming: Self) {
        for (key, patch) in incoming {
            if patch.is_null() {
                drop_flat(self.remove(&key));
                continue;
            }
            match self.entry(key) {
                btree_map::Entry::Occupied(slot) => slot.into_mut().apply_json_deep(patch),
                btree_map::Entry::Vacant(slot) => {
                    slot.insert(onto_absent(patch));
                }
            }
        }
    }

    fn check_new_json_deep(incoming: &mut Self) -> Result<(), MergeError> {
        incoming.retain(|_, value| !value.is_null());
        incoming.values_mut().for_each(strip_nested_nulls);
        Ok(())
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
/// annotations.apply_json_deep(HashMap::from([("a".to_string(), json!({"y": 2}))]));
/// assert_eq!(annotations["a"], json!({"x": 1, "y": 2}));
/// ```
impl<S: BuildHasher> JsonDeep for HashMap<String, Value, S> {
    fn apply_json_deep(&mut self, incoming: Self) {
        for (key, patch) in incoming {
            if patch.is_null() {
                drop_flat(self.remove(&key));
                continue;
            }
            match self.entry(key) {
                hash_map::Entry::Occupied(slot) => slot.into_mut().apply_json_deep(patch),
                hash_map::Entry::Vacant(slot) => {
                    slot.insert(onto_absent(patch));
                }
            }
        }
    }

    fn check_new_json_deep(incoming: &mut Self) -> Result<(), MergeError> {
        incoming.retain(|_, value| !value.is_null());
        incoming.values_mut().for_each(strip_nested_nulls);
        Ok(())
    }

    fn trace_json_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        JsonLeaves::record(existing, incoming, tracer);
    }
}

/// An optional document: a later `None` keeps the earlier value; `Some` into `None` applies the
/// patch to an absent document, which keeps the patch minus its `null` members; a later
/// `Some(null)` deletes the whole document (`None`), so no `null` survives here either.
///
/// ```
/// use nodeconfig_core::strategy::JsonDeep;
/// use serde_json::json;
///
/// let mut spec = None;
/// spec.apply_json_deep(Some(json!({"hostname": null, "process": {"cwd": "/", "user": null}})));
/// assert_eq!(spec, Some(json!({"process": {"cwd": "/"}})));
/// spec.apply_json_deep(None);
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

    fn apply_json_deep(&mut self, incoming: Self) {
        let Some(patch) = incoming else { return };
        if patch.is_json_null() {
            // Dropped through `json_deep` so that a deep document is taken apart flat.
            if let Some(mut deleted) = self.take() {
                deleted.apply_json_deep(patch);
            }
            return;
        }
        self.get_or_insert_with(T::default).apply_json_deep(patch);
    }

    fn check_new_json_deep(incoming: &mut Self) -> Result<(), MergeError> {
        if incoming.as_ref().is_some_and(T::is_json_null) {
            *incoming = None;
        }
        incoming.as_mut().map_or(Ok(()), T::check_new_json_deep)
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

/// [`drop_nulls`] for one member of a map that is not a `serde_json::Map`.
fn strip_nested_nulls(value: &mut Value) {
    if let Value::Object(members) = value {
        drop_nulls(members);
    }
}

/// Removes the `null` members of `patch` and of every object nested in it (not inside arrays,
/// where `null` is a value): what RFC 7396 leaves of a patch applied to a non-object.
fn drop_nulls(patch: &mut Map<String, Value>) {
    let mut pending = Vec::new();
    let mut members = patch;
    loop {
        // Most objects hold no `null`: looking costs less than `retain`, which walks a
        // `BTreeMap` with a cursor that can remove.
        if members.values().any(Value::is_null) {
            members.retain(|_, value| !value.is_null());
        }
        pending.extend(members.values_mut().filter_map(Value::as_object_mut));
        match pending.pop() {
            Some(next) => members = next,
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RECURSION_BUDGET;
    use super::discard::drop_flat;
    use super::merge::keeps_insertion_order;
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
                existing.apply_json_deep(json!({"deep": 0}));
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
            consumed.apply_json_deep(patch.clone());
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
                existing.apply_json_deep(patch);
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
        existing.apply_json_deep(json!({"a": null, "c": 5}));
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
        existing.apply_json_deep(json!({"a": {"b": null, "c": {"d": null}}}));
        assert_eq!(existing, json!({"a": {"c": {}}}));
    }
}
