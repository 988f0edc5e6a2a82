//! `strategy = "toml_deep"`: TOML tables merged key by key, format-preserving for text.

use crate::MergeError;

/// TOML documents that `strategy = "toml_deep"` can merge.
#[diagnostic::on_unimplemented(
    message = "`strategy = \"toml_deep\"` cannot merge `{Self}`",
    label = "`toml_deep` needs a TOML document here",
    note = "`toml_deep` takes `String` (TOML text), `toml::Table`, `toml::Value`, and `Option` of each",
    note = "use `strategy = \"replace\"` to replace the whole value"
)]
pub trait TomlDeep: Sized {
    /// Whether [`prepare_toml_deep`](Self::prepare_toml_deep) has any work to do.
    const NEEDS_PREPARE: bool;

    /// The fallible phase (see [`DeepMerge::prepare_merge`](crate::DeepMerge::prepare_merge)):
    /// parses what needs parsing and never changes `self`. For text it leaves the merged
    /// document in `incoming`.
    fn prepare_toml_deep(&self, incoming: &mut Self) -> Result<(), MergeError>;

    /// Merges the prepared `incoming` into `self`.
    fn toml_deep(&mut self, incoming: Self);
}
