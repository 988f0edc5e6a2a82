//! `list_key(path = "...", key = "...")` beside `strategy = "json_deep"`: arrays at the named
//! paths merge item by item, matched by key, and the later document may carry directives.
//!
//! The rules, after RFC 7396 and Kubernetes' strategic merge patch (sig-api-machinery's
//! `strategic-merge-patch.md`: `patchMergeKey` and the `$patch` directive):
//!
//! - an array at a `list_key` path whose items are objects merges like a typed keyed list
//!   ([`strategy::keyed`](crate::strategy::keyed)): a later item with an earlier item's key
//!   merges into it (as an RFC 7396 object patch, recursively), later items with new keys are
//!   appended in order, the earlier order is kept. Arrays elsewhere replace, as in RFC 7396;
//! - in a keyed list, `{"$patch": "delete", <key members>}` removes the earlier item with that
//!   key, and `{"$patch": "replace"}` (alone in its object) makes the rest of the later list
//!   replace the earlier list whole;
//! - in an object, `"$patch": "replace"` replaces the earlier object instead of merging into
//!   it, and `"$patch": "delete"` deletes it (a keyed item with its key and
//!   `"$patch": "replace"` replaces the earlier item with that key);
//! - no directive survives into the merged document; an unknown directive (`"$patch":
//!   "merge"`, `$retainKeys`, ...), a directive inside an array no `list_key` names, a delete
//!   of the whole document, an item that is not an object or lacks its key, and a key twice in
//!   one document's keyed list are [`MergeError`]s naming the path, and nothing is merged;
//! - error paths and provenance name items by key: `process.rlimits[type=RLIMIT_NOFILE].soft`.
//!
//! Directives are read only in fields that have a `list_key`; a plain `json_deep` field stays
//! pure RFC 7396 and keeps `$patch` members as data. Documents under `list_key` may nest at
//! most 128 levels (the walk recurses; deeper is an error, never a stack overflow).
//!
//! ```
//! use nodeconfig_core::strategy::json::{JsonKeyed, ListKeys};
//! use serde_json::json;
//!
//! static KEYS: ListKeys = ListKeys::new(&[("process.rlimits", &["type"])]);
//!
//! let mut spec = json!({"process": {"rlimits": [
//!     {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024},
//!     {"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
//! ]}});
//! spec.merge_json_keyed(
//!     json!({"process": {"rlimits": [
//!         {"type": "RLIMIT_NPROC", "soft": 4096, "hard": 4096},
//!         {"type": "RLIMIT_CORE", "$patch": "delete"},
//!     ]}}),
//!     &KEYS,
//! )?;
//! assert_eq!(spec, json!({"process": {"rlimits": [
//!     {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024},
//!     {"type": "RLIMIT_NPROC", "soft": 4096, "hard": 4096},
//! ]}}));
//! # Ok::<(), nodeconfig_core::MergeError>(())
//! ```
//!
//! # With `merge_patch`
//!
//! Beside `strategy = "merge_patch"`, the layers are patches applied later onto a base they do
//! not contain, so the merged value keeps its deletions and directives: see
//! [`MergePatchKeyed`]. The check (`check.rs`) is shared; the merge of two patches is
//! `patch.rs`; applying the merged patch onto the base is [`JsonKeyed::merge_json_keyed`].
//!
//! The walk is its own (`apply.rs`, `check.rs`, `trace.rs`; `cursor.rs` follows the `list_key`
//! paths like a trie, without building paths), apart from `json_deep`'s iterative one; what it
//! does at a member is RFC 7396's rule.

mod apply;
mod check;
mod cursor;
mod merge_patch;
mod patch;
mod rules;
mod trace;

pub use merge_patch::MergePatchKeyed;
pub use rules::ListKeys;

use crate::MergeError;
use crate::trace::Tracer;
use cursor::{Cursor, Lists};
use serde_json::{Map, Value};
use std::mem;

/// JSON documents merged by `json_deep` with `list_key` rules: `serde_json::Value`,
/// `Map<String, Value>` and `Option` of each. See the [module docs](self) for the rules.
///
/// ```
/// use nodeconfig_core::strategy::json::{JsonKeyed, ListKeys};
/// use serde_json::json;
///
/// static KEYS: ListKeys = ListKeys::new(&[("taints", &["key", "effect"])]);
/// let mut config = Some(json!({"taints": [{"key": "gpu", "effect": "NoSchedule", "value": "a"}]}));
/// config.merge_json_keyed(
///     Some(json!({"taints": [{"key": "gpu", "effect": "NoExecute"}]})),
///     &KEYS,
/// )?;
/// assert_eq!(config.unwrap()["taints"].as_array().unwrap().len(), 2);
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`list_key` cannot merge `{Self}`",
    label = "`json_deep` with `list_key` needs a JSON document here",
    note = "`list_key` takes `serde_json::Value`, `serde_json::Map<String, Value>`, and `Option` of each"
)]
pub trait JsonKeyed: Sized {
    /// Whether the prepare phase has work to do: always (directives, keys, depth).
    const NEEDS_PREPARE: bool = true;

    /// The fallible phase: finds every error without changing `self`.
    fn prepare_json_keyed(&self, incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError>;

    /// The fallible phase for a document with nothing before it; it also resolves the
    /// document's directives in place, since such a document lands as it is.
    fn check_new_json_keyed(incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError>;

    /// The moving phase, after [`prepare_json_keyed`](Self::prepare_json_keyed).
    fn apply_json_keyed(&mut self, incoming: Self, keys: &ListKeys);

    /// Records, for [`merge_all_traced`](crate::trace::merge_all_traced), what the merge sets
    /// and deletes, list items named by key.
    fn trace_json_keyed(
        existing: Option<&Self>,
        incoming: &Self,
        keys: &ListKeys,
        tracer: &mut Tracer,
    );

    /// Both phases: on `Err`, `self` is unchanged.
    fn merge_json_keyed(&mut self, incoming: Self, keys: &ListKeys) -> Result<(), MergeError> {
        let mut incoming = incoming;
        self.prepare_json_keyed(&mut incoming, keys)?;
        self.apply_json_keyed(incoming, keys);
        Ok(())
    }
}

impl JsonKeyed for Value {
    fn prepare_json_keyed(&self, incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError> {
        check::value(Some(self), incoming, &mut Cursor::new(keys))
    }

    fn check_new_json_keyed(incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError> {
        check::value(None, incoming, &mut Cursor::new(keys))?;
        let mut landed = Value::Null;
        apply::value(&mut landed, mem::take(incoming), &mut Lists::new(keys));
        *incoming = landed;
        Ok(())
    }

    fn apply_json_keyed(&mut self, incoming: Self, keys: &ListKeys) {
        apply::value(self, incoming, &mut Lists::new(keys));
    }

    fn trace_json_keyed(
        existing: Option<&Self>,
        incoming: &Self,
        keys: &ListKeys,
        tracer: &mut Tracer,
    ) {
        trace::value(
            existing,
            incoming,
            &mut Cursor::new(keys),
            tracer,
            trace::DOCUMENT,
        );
    }
}

impl JsonKeyed for Map<String, Value> {
    fn prepare_json_keyed(&self, incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError> {
        check::object(Some(self), incoming, &mut Cursor::new(keys))
    }

    fn check_new_json_keyed(incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError> {
        as_value(incoming, |incoming| {
            Value::check_new_json_keyed(incoming, keys)
        })
    }

    fn apply_json_keyed(&mut self, incoming: Self, keys: &ListKeys) {
        as_value(self, |existing| {
            existing.apply_json_keyed(Value::Object(incoming), keys)
        });
    }

    fn trace_json_keyed(
        existing: Option<&Self>,
        incoming: &Self,
        keys: &ListKeys,
        tracer: &mut Tracer,
    ) {
        let existing = existing.map(|object| Value::Object(object.clone()));
        let incoming = Value::Object(incoming.clone());
        Value::trace_json_keyed(existing.as_ref(), &incoming, keys, tracer);
    }
}

/// Runs `f` on `object` as a `Value`, and puts the object back (an object stays an object:
/// only a root delete could make it otherwise, and the check rejects that).
fn as_value<R>(object: &mut Map<String, Value>, f: impl FnOnce(&mut Value) -> R) -> R {
    let mut value = Value::Object(mem::take(object));
    let result = f(&mut value);
    if let Value::Object(merged) = value {
        *object = merged;
    }
    result
}

impl<T: JsonKeyed + Default> JsonKeyed for Option<T> {
    fn prepare_json_keyed(&self, incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError> {
        match (self, incoming) {
            (Some(existing), Some(incoming)) => existing.prepare_json_keyed(incoming, keys),
            (None, Some(incoming)) => T::check_new_json_keyed(incoming, keys),
            (_, None) => Ok(()),
        }
    }

    fn check_new_json_keyed(incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError> {
        incoming
            .as_mut()
            .map_or(Ok(()), |incoming| T::check_new_json_keyed(incoming, keys))
    }

    fn apply_json_keyed(&mut self, incoming: Self, keys: &ListKeys) {
        let Some(patch) = incoming else { return };
        match self {
            Some(existing) => existing.apply_json_keyed(patch, keys),
            // Prepared as a new document: its directives are resolved already.
            None => *self = Some(patch),
        }
    }

    fn trace_json_keyed(
        existing: Option<&Self>,
        incoming: &Self,
        keys: &ListKeys,
        tracer: &mut Tracer,
    ) {
        if let Some(incoming) = incoming {
            T::trace_json_keyed(existing.and_then(Option::as_ref), incoming, keys, tracer);
        }
    }
}
