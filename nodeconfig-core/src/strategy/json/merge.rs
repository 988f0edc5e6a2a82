//! `json_deep`'s merge of a patch object into an object it owns: recursion for the first
//! [`RECURSION_BUDGET`] levels, an explicit stack below.

use serde_json::{Map, Value, map};
use std::mem;
use std::sync::OnceLock;

use super::discard::Discarded;
use super::{RECURSION_BUDGET, drop_nulls};

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
pub(super) fn merge_object(existing: &mut Map<String, Value>, mut patch: Map<String, Value>) {
    if existing.is_empty() {
        drop_nulls(&mut patch);
        *existing = patch;
        return;
    }
    let mut discarded = Discarded::default();
    merge_nested(existing, patch, 0, &mut discarded);
}

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
pub(super) fn remove_in_order(existing: &mut Map<String, Value>, key: &str) -> Option<Value> {
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
pub(super) fn keeps_insertion_order() -> bool {
    static KEEPS_INSERTION_ORDER: OnceLock<bool> = OnceLock::new();
    *KEEPS_INSERTION_ORDER.get_or_init(|| {
        let mut probe = Map::new();
        probe.insert("b".to_owned(), Value::Null);
        probe.insert("a".to_owned(), Value::Null);
        probe.keys().next().is_some_and(|first| first == "b")
    })
}
