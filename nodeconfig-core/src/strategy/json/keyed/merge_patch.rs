//! `merge_patch` with `list_key`: the trait the derive calls, [`MergePatchKeyed`].

use serde_json::{Map, Value};

use super::cursor::{Cursor, Lists};
use super::rules::ListKeys;
use super::{as_value, check, patch, trace};
use crate::MergeError;
use crate::trace::Tracer;

/// JSON patches merged by `strategy = "merge_patch"` with `list_key` rules:
/// `serde_json::Value`, `Map<String, Value>` and `Option` of each.
///
/// The layers are patches applied later onto a base they do not contain (nodeadm's
/// `baseRuntimeSpec` and `kubelet.config`), so the merged value is itself a patch that keeps
/// deletions and directives: applying it with
/// [`JsonKeyed::merge_json_keyed`](super::JsonKeyed::merge_json_keyed) and the same keys equals
/// applying the layers one by one. Merging the later patch into the earlier one (RFC 7396
/// section 2 read for two patches, and Kubernetes' strategic merge patch for keyed lists):
///
/// - `null`, scalars, arrays no `list_key` names, and objects or lists carrying a
///   `"$patch"` directive replace the earlier patch (a deletion is kept);
/// - a plain object merges member by member into a plain earlier object;
/// - a keyed list merges item by item into a plain earlier keyed list: a later item merges into
///   the earlier item with its key (as a patch, so `{"$patch": "delete", key}` replaces it),
///   new keys are appended in the later order;
/// - where applying the earlier patch leaves something the later one lands on as on nothing
///   (a deletion, a scalar, a replaced object or list, a deleted item), the merged patch is
///   the resolved result marked `"$patch": "replace"` (a list: a `{"$patch": "replace"}` item
///   in front), so that it still replaces whatever the base holds there.
///
/// One difference remains, in order only: an item an earlier layer deletes and a later layer
/// sets again is, applied one by one, removed and appended at the end; the merged patch
/// replaces it in place when the base has it (its content is the same).
///
/// ```
/// use nodeconfig_core::strategy::json::{JsonKeyed, ListKeys, MergePatchKeyed};
/// use serde_json::json;
///
/// static KEYS: ListKeys = ListKeys::new(&[("process.rlimits", &["type"])]);
///
/// let mut layers = json!({"process": {"rlimits": [{"type": "RLIMIT_CORE", "$patch": "delete"}]}});
/// layers.merge_patch_keyed(
///     json!({"process": {"rlimits": [{"type": "RLIMIT_NPROC", "soft": 4096, "hard": 4096}]}}),
///     &KEYS,
/// )?;
/// // The deletion is kept in the merged patch.
/// assert_eq!(layers["process"]["rlimits"][0], json!({"type": "RLIMIT_CORE", "$patch": "delete"}));
///
/// // Applied onto the default spec: NOFILE kept, CORE deleted, NPROC added.
/// let mut spec = json!({"process": {"rlimits": [
///     {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024},
///     {"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
/// ]}});
/// spec.merge_json_keyed(layers, &KEYS)?;
/// assert_eq!(spec, json!({"process": {"rlimits": [
///     {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024},
///     {"type": "RLIMIT_NPROC", "soft": 4096, "hard": 4096},
/// ]}}));
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`list_key` cannot merge `{Self}`",
    label = "`merge_patch` with `list_key` needs a JSON document here",
    note = "`list_key` takes `serde_json::Value`, `serde_json::Map<String, Value>`, and `Option` of each"
)]
pub trait MergePatchKeyed: Sized {
    /// Whether the prepare phase has work to do: always (directives, keys, depth).
    ///
    /// ```
    /// use nodeconfig_core::strategy::json::MergePatchKeyed;
    /// assert!(<serde_json::Value as MergePatchKeyed>::NEEDS_PREPARE);
    /// ```
    const NEEDS_PREPARE: bool = true;

    /// The fallible phase: finds every error (the rules of [`JsonKeyed`](super::JsonKeyed))
    /// without changing `self`.
    ///
    /// ```
    /// use nodeconfig_core::strategy::json::{ListKeys, MergePatchKeyed};
    /// use serde_json::json;
    ///
    /// let keys = ListKeys::new(&[("mounts", &["destination"])]);
    /// let mut incoming = json!({"mounts": [{"$patch": "merge", "destination": "/a"}]});
    /// let error = json!({}).prepare_merge_patch_keyed(&mut incoming, &keys).unwrap_err();
    /// assert!(error.path().starts_with("mounts"));
    /// ```
    fn prepare_merge_patch_keyed(
        &self,
        incoming: &mut Self,
        keys: &ListKeys,
    ) -> Result<(), MergeError>;

    /// The fallible phase for a patch with nothing before it: the same checks; the patch is
    /// kept as it is (its directives and deletions still have a base to act on).
    ///
    /// ```
    /// use nodeconfig_core::strategy::json::{ListKeys, MergePatchKeyed};
    /// use serde_json::{Value, json};
    ///
    /// let keys = ListKeys::new(&[("mounts", &["destination"])]);
    /// let mut patch = json!({"mounts": [{"destination": "/a", "$patch": "delete"}]});
    /// Value::check_new_merge_patch_keyed(&mut patch, &keys)?;
    /// assert_eq!(patch["mounts"][0]["$patch"], "delete");
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    fn check_new_merge_patch_keyed(incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError>;

    /// The moving phase, after [`prepare_merge_patch_keyed`](Self::prepare_merge_patch_keyed).
    ///
    /// ```
    /// use nodeconfig_core::strategy::json::{ListKeys, MergePatchKeyed};
    /// use serde_json::json;
    ///
    /// let keys = ListKeys::new(&[("mounts", &["destination"])]);
    /// let mut patch = json!({"mounts": [{"destination": "/a", "type": "bind"}]});
    /// patch.apply_merge_patch_keyed(json!({"mounts": [{"destination": "/b"}]}), &keys);
    /// assert_eq!(patch["mounts"].as_array().unwrap().len(), 2);
    /// ```
    fn apply_merge_patch_keyed(&mut self, incoming: Self, keys: &ListKeys);

    /// Records, for [`merge_all_traced`](crate::trace::merge_all_traced), what the patch sets
    /// and deletes, list items named by key, every `null` member a deletion.
    fn trace_merge_patch_keyed(
        existing: Option<&Self>,
        incoming: &Self,
        keys: &ListKeys,
        tracer: &mut Tracer,
    );

    /// Both phases: on `Err`, `self` is unchanged.
    ///
    /// ```
    /// use nodeconfig_core::strategy::json::{ListKeys, MergePatchKeyed};
    /// use serde_json::json;
    ///
    /// let keys = ListKeys::new(&[("mounts", &["destination"])]);
    /// let mut patch = json!({"mounts": [{"destination": "/a"}]});
    /// let bad = json!({"mounts": [{"destination": "/b"}, {"destination": "/b"}]});
    /// assert!(patch.merge_patch_keyed(bad, &keys).is_err());
    /// assert_eq!(patch, json!({"mounts": [{"destination": "/a"}]}));
    /// ```
    fn merge_patch_keyed(&mut self, incoming: Self, keys: &ListKeys) -> Result<(), MergeError> {
        let mut incoming = incoming;
        self.prepare_merge_patch_keyed(&mut incoming, keys)?;
        self.apply_merge_patch_keyed(incoming, keys);
        Ok(())
    }
}

impl MergePatchKeyed for Value {
    fn prepare_merge_patch_keyed(
        &self,
        incoming: &mut Self,
        keys: &ListKeys,
    ) -> Result<(), MergeError> {
        check::value(Some(self), incoming, &mut Cursor::new(keys))
    }

    fn check_new_merge_patch_keyed(incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError> {
        check::value(None, incoming, &mut Cursor::new(keys))
    }

    fn apply_merge_patch_keyed(&mut self, incoming: Self, keys: &ListKeys) {
        patch::value(self, incoming, &mut Lists::new(keys));
    }

    fn trace_merge_patch_keyed(
        existing: Option<&Self>,
        incoming: &Self,
        keys: &ListKeys,
        tracer: &mut Tracer,
    ) {
        let mut cursor = Cursor::new(keys);
        trace::value(existing, incoming, &mut cursor, tracer, trace::PATCH);
    }
}

impl MergePatchKeyed for Map<String, Value> {
    fn prepare_merge_patch_keyed(
        &self,
        incoming: &mut Self,
        keys: &ListKeys,
    ) -> Result<(), MergeError> {
        check::object(Some(self), incoming, &mut Cursor::new(keys))
    }

    fn check_new_merge_patch_keyed(incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError> {
        check::object(None, incoming, &mut Cursor::new(keys))
    }

    fn apply_merge_patch_keyed(&mut self, incoming: Self, keys: &ListKeys) {
        as_value(self, |existing| {
            patch::value(existing, Value::Object(incoming), &mut Lists::new(keys));
        });
    }

    fn trace_merge_patch_keyed(
        existing: Option<&Self>,
        incoming: &Self,
        keys: &ListKeys,
        tracer: &mut Tracer,
    ) {
        let existing = existing.map(|object| Value::Object(object.clone()));
        let incoming = Value::Object(incoming.clone());
        Value::trace_merge_patch_keyed(existing.as_ref(), &incoming, keys, tracer);
    }
}

/// A later `None` keeps the earlier patch; `Some` into `None` takes the later patch whole.
impl<T: MergePatchKeyed> MergePatchKeyed for Option<T> {
    fn prepare_merge_patch_keyed(
        &self,
        incoming: &mut Self,
        keys: &ListKeys,
    ) -> Result<(), MergeError> {
        match (self, incoming) {
            (Some(existing), Some(incoming)) => existing.prepare_merge_patch_keyed(incoming, keys),
            (None, Some(incoming)) => T::check_new_merge_patch_keyed(incoming, keys),
            (_, None) => Ok(()),
        }
    }

    fn check_new_merge_patch_keyed(incoming: &mut Self, keys: &ListKeys) -> Result<(), MergeError> {
        incoming.as_mut().map_or(Ok(()), |incoming| {
            T::check_new_merge_patch_keyed(incoming, keys)
        })
    }

    fn apply_merge_patch_keyed(&mut self, incoming: Self, keys: &ListKeys) {
        let Some(patch) = incoming else { return };
        match self {
            Some(existing) => existing.apply_merge_patch_keyed(patch, keys),
            None => *self = Some(patch),
        }
    }

    fn trace_merge_patch_keyed(
        existing: Option<&Self>,
        incoming: &Self,
        keys: &ListKeys,
        tracer: &mut Tracer,
    ) {
        if let Some(incoming) = incoming {
            T::trace_merge_patch_keyed(existing.and_then(Option::as_ref), incoming, keys, tracer);
        }
    }
}
