//! [`Strategy`]: the name of the rule that merged a value, as tracing records it.

use std::fmt::{self, Display};

/// Which merge rule set a value, as [`Tracer::set`](super::Tracer::set) records it and
/// [`Origin::strategy`](super::Origin::strategy) reports it.
///
/// The names are those of `#[merge(strategy = "...")]` (see the table in the
/// [crate docs](crate)), plus `with` for a `with` function, `unset` for a layer's `null` on an
/// `Option` field and `custom` for a hand-written [`DeepMerge`](crate::DeepMerge) impl. A field
/// with no attribute is recorded by the rule its type's merge uses: `replace` for scalars.
///
/// ```
/// use nodeconfig_core::Strategy;
///
/// assert_eq!(Strategy::JsonDeep.name(), "json_deep");
/// assert_eq!(Strategy::MergePatch.to_string(), "merge_patch");
/// assert_eq!(format!("{:>9}", Strategy::Keep), "     keep");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Strategy {
    /// `replace`: the later value replaces the earlier one (and the default for scalars).
    Replace,
    /// `keep`: the earlier value wins.
    Keep,
    /// `append`: each item a later layer adds.
    Append,
    /// `union`: each set item a later layer adds.
    Union,
    /// `keyed`: a keyed list as a whole (its items are recorded by their own merges).
    Keyed,
    /// `json_deep`: a leaf of a JSON document (RFC 7396).
    JsonDeep,
    /// `merge_patch`: a leaf of a JSON merge patch whose deletions are kept.
    MergePatch,
    /// `toml_deep`: a leaf of a TOML document.
    TomlDeep,
    /// `with`: a field merged by a `with` function.
    With,
    /// `unset`: a layer's `null` on an `Option` field of a layer type.
    Unset,
    /// `custom`: a hand-written `DeepMerge` impl that does not trace its parts (the default
    /// [`trace_merge`](crate::DeepMerge::trace_merge)).
    Custom,
}

impl Strategy {
    /// The name, as written in `#[merge(strategy = "...")]` and in `nodeconfig merge --explain`.
    ///
    /// ```
    /// use nodeconfig_core::Strategy;
    /// assert_eq!(Strategy::TomlDeep.name(), "toml_deep");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Strategy::Replace => "replace",
            Strategy::Keep => "keep",
            Strategy::Append => "append",
            Strategy::Union => "union",
            Strategy::Keyed => "keyed",
            Strategy::JsonDeep => "json_deep",
            Strategy::MergePatch => "merge_patch",
            Strategy::TomlDeep => "toml_deep",
            Strategy::With => "with",
            Strategy::Unset => "unset",
            Strategy::Custom => "custom",
        }
    }
}

/// The [`name`](Strategy::name); width and alignment apply (`{:<12}`).
impl Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl PartialEq<str> for Strategy {
    fn eq(&self, name: &str) -> bool {
        self.name() == name
    }
}

impl PartialEq<&str> for Strategy {
    fn eq(&self, name: &&str) -> bool {
        self.name() == *name
    }
}
