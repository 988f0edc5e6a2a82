//! `strategy = "merge_patch"`: layers that are RFC 7396 merge patches, merged into one patch
//! that keeps its deletions (the rules are on [`MergePatch`]).

use crate::MergeError;
use crate::trace::documents::{JsonLeaves, LeafMode};
use crate::trace::{Strategy, Tracer};
use serde_json::{Map, Value, map};
use std::collections::{BTreeMap, HashMap, btree_map, hash_map};
use std::hash::BuildHasher;
use std::mem;

use super::discard::Discarded;

/// The strategy name tracing reports.
const STRATEGY: Strategy = Strategy::MERGE_PATCH;

/// `strategy = "merge_patch"`: the layers are RFC 7396 merge patches that will be applied
/// later, onto a base the layers do not contain, and the merged value is itself such a patch.
///
/// nodeadm applies `containerd.baseRuntimeSpec` onto its default OCI runtime spec and
/// `kubelet.config` onto the kubelet configuration it generates; neither base is in the
/// NodeConfig layers. A `null` in a later layer ("drop the default rlimits") must therefore
/// survive the merge of the layers, so that it still deletes when the merged patch is applied.
/// `json_deep` cannot do that: it gives a final document, in which no `null` survives.
///
/// Merging the later patch `q` into the earlier patch `p` (RFC 7396 section 2 read for two
/// patches instead of a target and a patch):
///
/// - `q` not an object: the result is `q` (a non-object patch replaces whatever it meets);
/// - `q` an object and `p` an object: key by key, recursively; a `null` member of `q` stays in
///   the result as a deletion; a key only `p` has is kept;
/// - `q` an object and `p` not an object (or absent): the result is `q`, `null` members
///   included.
///
/// So `apply(base, merged)` equals applying the layers one by one onto `base`, for every base,
/// except where RFC 7396 itself cannot compose: a non-object patch (`null`, a scalar, an array)
/// followed by an object patch at the same place. Applied one by one, the object then lands on
/// the non-object and starts from nothing; no merge patch can say "replace with this object",
/// so the merged patch (the later object, its deletions kept) is merged into whatever the base
/// holds there. Where the base holds no object at that place, the results are equal.
///
/// ```
/// use nodeconfig_core::strategy::MergePatch;
/// use nodeconfig_core::strategy::json::merge_json_ref;
/// use serde_json::json;
///
/// let mut layers = json!({"process": {"cwd": "/"}});
/// layers.apply_merge_patch(json!({"process": {"rlimits": null}}));
/// assert_eq!(layers, json!({"process": {"cwd": "/", "rlimits": null}}));
///
/// // The merged patch, applied onto the default spec, deletes the default rlimits.
/// let mut spec = json!({"process": {"rlimits": [{"type": "RLIMIT_NOFILE"}], "cwd": "/tmp"}});
/// merge_json_ref(&mut spec, &layers);
/// assert_eq!(spec, json!({"process": {"cwd": "/"}}));
/// ```
///
/// Like `json_deep`: values are moved, never converted, so numbers stay exactly as they were
/// read (see [the `json` module](crate::strategy::json#numbers)); the walk uses an explicit
/// stack, so a patch nested a million levels deep merges on a 2 MiB thread; a merge cannot
/// fail (`NEEDS_PREPARE = false`), so it is atomic; tracing records a `null` member as a
/// deletion.
///
/// Beside `list_key(...)`, the field merges through
/// [`MergePatchKeyed`](super::MergePatchKeyed) instead: keyed lists merge item by item and
/// directives are kept in the merged patch.
///
/// Implemented for the types `json_deep` takes: `serde_json::Value`,
/// `serde_json::Map<String, Value>`, `BTreeMap<String, Value>`, `HashMap<String, Value, S>`,
/// and `Option` of each (a later `None` keeps the earlier patch; `Some` into `None` takes the
/// later patch whole, deletions included).
///
/// ```
/// use nodeconfig_core::strategy::MergePatch;
/// use serde_json::json;
///
/// let mut kubelet_config = None;
/// kubelet_config.apply_merge_patch(Some(json!({"maxPods": 110, "evictionHard": null})));
/// kubelet_config.apply_merge_patch(None);
/// assert_eq!(kubelet_config, Some(json!({"maxPods": 110, "evictionHard": null})));
/// ```
#[diagnostic::on_unimplemented(
    message = "`strategy = \"merge_patch\"` cannot merge `{Self}`",
    label = "`merge_patch` needs a JSON document here",
    note = "`merge_patch` takes `serde_json::Value`, `serde_json::Map<String, Value>`, `BTreeMap<String, Value>`, `HashMap<String, Value>`, and `Option` of each",
    note = "use `strategy = \"replace\"` to replace the whole value"
)]
pub trait MergePatch: Sized {
    /// Whether [`prepare_merge_patch`](Self::prepare_merge_patch) has work to do: `false` for
    /// every implementation here, since two merge patches always merge.
    ///
    /// ```
    /// use nodeconfig_core::strategy::MergePatch;
    /// assert!(!<serde_json::Value as MergePatch>::NEEDS_PREPARE);
    /// ```
    const NEEDS_PREPARE: bool = false;

    /// The fallible phase (see [`DeepMerge::prepare_merge`](crate::DeepMerge::prepare_merge)):
    /// does nothing for the implementations in this crate.
    ///
    /// ```
    /// use nodeconfig_core::strategy::MergePatch;
    /// use serde_json::json;
    ///
    /// let mut incoming = json!({"a": null});
    /// assert!(json!({"a": 1}).prepare_merge_patch(&mut incoming).is_ok());
    /// ```
    fn prepare_merge_patch(&self, incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// Merges the later patch `incoming` into `self`, so that applying `self` afterwards equals
    /// applying the old `self` and then `incoming`.
    ///
    /// ```
    /// use nodeconfig_core::strategy::MergePatch;
    /// use serde_json::json;
    ///
    /// let mut patch = json!({"a": {"b": 1, "c": 2}});
    /// patch.apply_merge_patch(json!({"a": {"c": null, "d": [3]}}));
    /// assert_eq!(patch, json!({"a": {"b": 1, "c": null, "d": [3]}}));
    /// ```
    fn apply_merge_patch(&mut self, incoming: Self);

    /// The fallible phase for a patch with nothing before it: nothing to check.
    ///
    /// ```
    /// use nodeconfig_core::strategy::MergePatch;
    /// let mut patch = serde_json::json!({"a": null});
    /// assert!(serde_json::Value::check_new_merge_patch(&mut patch).is_ok());
    /// assert_eq!(patch["a"], serde_json::Value::Null); // deletions are kept
    /// ```
    fn check_new_merge_patch(incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// Records, for [`merge_all_traced`](crate::trace::merge_all_traced), the leaves `incoming`
    /// sets: every member that is not an object is a leaf, and every `null` member a deletion
    /// (kept in the merged patch, whether or not an earlier layer had the key).
    fn trace_merge_patch(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer);
}

/// The whole patch: an object merges into an object, anything else replaces.
///
/// ```
/// use nodeconfig_core::strategy::MergePatch;
/// use serde_json::json;
///
/// let mut patch = json!("scalar");
/// patch.apply_merge_patch(json!({"a": null}));
/// assert_eq!(patch, json!({"a": null}));
/// ```
impl MergePatch for Value {
    fn apply_merge_patch(&mut self, incoming: Self) {
        match (self, incoming) {
            (Value::Object(existing), Value::Object(patch)) => merge_patch_object(existing, patch),
            (existing, patch) => Discarded::default().keep(Some(mem::replace(existing, patch)), 0),
        }
    }

    fn trace_merge_patch(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        JsonLeaves::record_as(existing, incoming, tracer, PATCH_LEAVES);
    }
}

/// An object patch: merges key by key.
///
/// ```
/// use nodeconfig_core::strategy::MergePatch;
/// use serde_json::{Map, Value, json};
///
/// let mut env: Map<String, Value> = serde_json::from_str(r#"{"A": "1"}"#)?;
/// env.apply_merge_patch(serde_json::from_str(r#"{"A": null, "B": "2"}"#)?);
/// assert_eq!(Value::Object(env), json!({"A": null, "B": "2"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl MergePatch for Map<String, Value> {
    fn apply_merge_patch(&mut self, incoming: Self) {
        merge_patch_object(self, incoming);
    }

    fn trace_merge_patch(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        JsonLeaves::record_as(existing, incoming, tracer, PATCH_LEAVES);
    }
}

/// An object patch held in a `BTreeMap`: merges key by key.
///
/// ```
/// use nodeconfig_core::strategy::MergePatch;
/// use serde_json::json;
/// use std::collections::BTreeMap;
///
/// let mut patch = BTreeMap::from([("a".to_string(), json!({"x": 1}))]);
/// patch.apply_merge_patch(BTreeMap::from([("a".to_string(), json!({"x": null}))]));
/// assert_eq!(patch["a"], json!({"x": null}));
/// ```
impl MergePatch for BTreeMap<String, Value> {
    fn apply_merge_patch(&mut self, incoming: Self) {
        for (key, patch) in incoming {
            match self.entry(key) {
                btree_map::Entry::Occupied(slot) => slot.into_mut().apply_merge_patch(patch),
                btree_map::Entry::Vacant(slot) => {
                    slot.insert(patch);
                }
            }
        }
    }

    fn trace_merge_patch(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        JsonLeaves::record_as(existing, incoming, tracer, PATCH_LEAVES);
    }
}

/// An object patch held in a `HashMap`, with any hasher: merges key by key.
///
/// ```
/// use nodeconfig_core::strategy::MergePatch;
/// use serde_json::json;
/// use std::collections::HashMap;
///
/// let mut patch = HashMap::from([("a".to_string(), json!(1))]);
/// patch.apply_merge_patch(HashMap::from([("b".to_string(), json!(null))]));
/// assert_eq!(patch["b"], json!(null));
/// ```
impl<S: BuildHasher> MergePatch for HashMap<String, Value, S> {
    fn apply_merge_patch(&mut self, incoming: Self) {
        for (key, patch) in incoming {
            match self.entry(key) {
                hash_map::Entry::Occupied(slot) => slot.into_mut().apply_merge_patch(patch),
                hash_map::Entry::Vacant(slot) => {
                    slot.insert(patch);
                }
            }
        }
    }

    fn trace_merge_patch(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        JsonLeaves::record_as(existing, incoming, tracer, PATCH_LEAVES);
    }
}

/// An optional patch: a later `None` keeps the earlier patch; `Some` into `None` takes the later
/// patch whole, so the result is the same as over an empty object.
///
/// ```
/// use nodeconfig_core::strategy::MergePatch;
/// use serde_json::json;
///
/// let mut absent = None;
/// let mut empty = Some(json!({}));
/// absent.apply_merge_patch(Some(json!({"rlimits": null, "cwd": "/"})));
/// empty.apply_merge_patch(Some(json!({"rlimits": null, "cwd": "/"})));
/// assert_eq!(absent, empty);
/// ```
impl<T: MergePatch> MergePatch for Option<T> {
    const NEEDS_PREPARE: bool = T::NEEDS_PREPARE;

    fn prepare_merge_patch(&self, incoming: &mut Self) -> Result<(), MergeError> {
        match (self, incoming) {
            (Some(existing), Some(incoming)) => existing.prepare_merge_patch(incoming),
            (None, Some(incoming)) => T::check_new_merge_patch(incoming),
            (_, None) => Ok(()),
        }
    }

    fn apply_merge_patch(&mut self, incoming: Self) {
        let Some(patch) = incoming else { return };
        match self {
            Some(existing) => existing.apply_merge_patch(patch),
            None => *self = Some(patch),
        }
    }

    fn check_new_merge_patch(incoming: &mut Self) -> Result<(), MergeError> {
        incoming.as_mut().map_or(Ok(()), T::check_new_merge_patch)
    }

    fn trace_merge_patch(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        if let Some(incoming) = incoming {
            T::trace_merge_patch(existing.and_then(Option::as_ref), incoming, tracer);
        }
    }
}

/// How tracing reads a merge patch: `null` members are deletions kept in the result.
const PATCH_LEAVES: LeafMode = LeafMode {
    strategy: STRATEGY,
    deletions_kept: true,
};

/// One object being merged: the earlier patch's object (taken out of its parent while the later
/// patch's members go in) and what is left of the later patch.
struct Frame {
    /// The key under which `existing` goes back into its parent; empty for the root.
    key: String,
    existing: Map<String, Value>,
    patch: map::IntoIter,
}

/// Merges the later object patch `patch` into the earlier object patch `existing`, depth first
/// with an explicit stack, so nesting costs heap, not thread stack.
///
/// A nested object is taken out of its parent (leaving an empty map in place, so key order is
/// kept) and put back once its patch is spent: every borrow stays short, with no recursion and
/// no `unsafe`.
pub(super) fn merge_patch_object(existing: &mut Map<String, Value>, patch: Map<String, Value>) {
    let mut discarded = Discarded::default();
    let mut current = Frame {
        key: String::new(),
        existing: mem::take(existing),
        patch: patch.into_iter(),
    };
    let mut parents: Vec<Frame> = Vec::new();
    loop {
        if let Some((key, patch)) = current.patch.next() {
            if let Some(child) = merge_member(&mut current.existing, key, patch, &mut discarded) {
                parents.push(mem::replace(&mut current, child));
            }
            continue;
        }
        let Some(parent) = parents.pop() else { break };
        let child = mem::replace(&mut current, parent);
        let merged = Value::Object(child.existing);
        discarded.keep(current.existing.insert(child.key, merged), 0);
    }
    *existing = current.existing;
}

/// Merges one member of the later patch into the earlier patch's object: the one place where
/// a member's rule is chosen. Returns the frame to descend into when both sides hold a
/// non-empty object at `key`.
///
/// Arrays replace as a whole here, as RFC 7396 says; keyed lists (`list_key`) are merged by
/// [`MergePatchKeyed`](super::MergePatchKeyed), a walk of its own.
fn merge_member(
    existing: &mut Map<String, Value>,
    key: String,
    patch: Value,
    discarded: &mut Discarded,
) -> Option<Frame> {
    match (existing.get_mut(&key), patch) {
        // Both objects: merge key by key, below.
        (Some(Value::Object(earlier)), Value::Object(later)) if !earlier.is_empty() => {
            Some(Frame {
                existing: mem::take(earlier),
                key,
                patch: later.into_iter(),
            })
        }
        // A `null` (a deletion, kept), a scalar, an array, or an object where the earlier patch
        // had nothing, `{}` or a non-object: the later member replaces, whole.
        (Some(slot), later) => {
            discarded.keep(Some(mem::replace(slot, later)), 0);
            None
        }
        (None, later) => {
            existing.insert(key, later);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::discard::drop_flat;
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
    fn a_million_levels_merge_on_a_two_mib_thread() {
        let earlier = nested(1_000_000, json!({"a": 1, "b": 2}));
        let later = nested(1_000_000, json!({"a": null, "c": [3]}));
        let (merged, expected) = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let mut merged = earlier;
                merged.apply_merge_patch(later);
                (
                    merged,
                    nested(1_000_000, json!({"a": null, "b": 2, "c": [3]})),
                )
            })
            .expect("spawn")
            .join()
            .expect("merge_patch recursed");
        // Compared level by level: `==` on the values would recurse.
        let (mut left, mut right) = (&merged, &expected);
        while let (Some(l), Some(r)) = (left.get("k"), right.get("k")) {
            (left, right) = (l, r);
        }
        assert_eq!(left, right);
        drop_flat(Some(merged));
        drop_flat(Some(expected));
    }

    #[test]
    fn an_object_over_a_non_object_is_taken_whole_with_its_deletions() {
        let mut patch = json!({"a": null, "b": 1, "c": {}});
        patch.apply_merge_patch(json!({"a": {"x": null}, "b": {"y": 1}, "c": {"z": null}}));
        assert_eq!(
            patch,
            json!({"a": {"x": null}, "b": {"y": 1}, "c": {"z": null}})
        );
    }
}
