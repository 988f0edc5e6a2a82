//! `strategy = "json_deep"`: RFC 7396 JSON Merge Patch, the later value being the patch.

use crate::MergeError;

/// JSON documents that `strategy = "json_deep"` can merge.
#[diagnostic::on_unimplemented(
    message = "`strategy = \"json_deep\"` cannot merge `{Self}`",
    label = "`json_deep` needs a JSON document here",
    note = "`json_deep` takes `serde_json::Value`, `serde_json::Map<String, Value>`, `BTreeMap<String, Value>`, `HashMap<String, Value>`, and `Option` of each",
    note = "use `strategy = \"replace\"` to replace the whole value"
)]
pub trait JsonDeep: Sized {
    /// Whether [`prepare_json_deep`](Self::prepare_json_deep) has any work to do.
    const NEEDS_PREPARE: bool;

    /// The fallible phase (see [`DeepMerge::prepare_merge`](crate::DeepMerge::prepare_merge)):
    /// never changes `self`.
    fn prepare_json_deep(&self, incoming: &mut Self) -> Result<(), MergeError>;

    /// Applies `incoming` to `self` as an RFC 7396 merge patch.
    fn json_deep(&mut self, incoming: Self);
}
