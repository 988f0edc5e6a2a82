//! [`merge_json_ref`]: the RFC 7396 merge of a borrowed patch, cloning only what lands.

use serde_json::{Map, Value, map};
use std::mem;

use super::RECURSION_BUDGET;
use super::discard::{Discarded, has_children};
use super::merge::remove_in_order;

/// Applies `patch` to `target` as an RFC 7396 merge patch, borrowing the patch: the signature
/// and result of `json_patch::merge`, and the same result as
/// [`JsonDeep::apply_json_deep`](super::JsonDeep::apply_json_deep) with `patch.clone()`.
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
/// [`JsonDeep::apply_json_deep`](super::JsonDeep::apply_json_deep), which moves the patch's values in
/// instead of cloning them.
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

/// `merge_nested` for a borrowed patch: recurses into nested objects up to
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

/// `merge_iteratively` for a borrowed patch: depth first with an explicit stack, each nested
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
