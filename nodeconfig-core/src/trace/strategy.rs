//! [`Strategy`]: the name of the rule that merged a value, as tracing records it.

use std::fmt::{self, Debug, Display};

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
/// assert_eq!(Strategy::JSON_DEEP.name(), "json_deep");
/// assert_eq!(Strategy::MERGE_PATCH.to_string(), "merge_patch");
/// assert_eq!(format!("{:>9}", Strategy::KEEP), "     keep");
/// assert_eq!(Strategy::APPEND, "append");
///
/// // New strategies may come: a match needs a catch-all arm.
/// let kind = match Strategy::UNION {
///     Strategy::APPEND | Strategy::UNION => "collection",
///     _ => "value",
/// };
/// assert_eq!(kind, "collection");
/// ```
// A struct of constants over a private enum, as `http::Method` is: public enum variants named
// `Append` or `JsonDeep` would make rustc spell the strategy traits of the same names in full
// (`nodeconfig_core::strategy::Append`) in every "trait not implemented" message.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Strategy(Rule);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Rule {
    Replace,
    Keep,
    Append,
    Union,
    Keyed,
    JsonDeep,
    MergePatch,
    TomlDeep,
    With,
    Unset,
    Custom,
}

impl Strategy {
    /// `replace`: the later value replaces the earlier one (and the default for scalars).
    pub const REPLACE: Strategy = Strategy(Rule::Replace);
    /// `keep`: the earlier value wins.
    pub const KEEP: Strategy = Strategy(Rule::Keep);
    /// `append`: each item a later layer adds.
    pub const APPEND: Strategy = Strategy(Rule::Append);
    /// `union`: each set item a later layer adds.
    pub const UNION: Strategy = Strategy(Rule::Union);
    /// `keyed`: a keyed list as a whole (its items are recorded by their own merges).
    pub const KEYED: Strategy = Strategy(Rule::Keyed);
    /// `json_deep`: a leaf of a JSON document (RFC 7396).
    pub const JSON_DEEP: Strategy = Strategy(Rule::JsonDeep);
    /// `merge_patch`: a leaf of a JSON merge patch whose deletions are kept.
    pub const MERGE_PATCH: Strategy = Strategy(Rule::MergePatch);
    /// `toml_deep`: a leaf of a TOML document.
    pub const TOML_DEEP: Strategy = Strategy(Rule::TomlDeep);
    /// `with`: a field merged by a `with` function.
    pub const WITH: Strategy = Strategy(Rule::With);
    /// `unset`: a layer's `null` on an `Option` field of a layer type.
    pub const UNSET: Strategy = Strategy(Rule::Unset);
    /// `custom`: a hand-written `DeepMerge` impl that does not trace its parts (the default
    /// [`trace_merge`](crate::DeepMerge::trace_merge)).
    pub const CUSTOM: Strategy = Strategy(Rule::Custom);

    /// The name, as written in `#[merge(strategy = "...")]` and in `nodeconfig merge --explain`.
    ///
    /// ```
    /// use nodeconfig_core::Strategy;
    /// assert_eq!(Strategy::TOML_DEEP.name(), "toml_deep");
    /// ```
    pub const fn name(self) -> &'static str {
        match self.0 {
            Rule::Replace => "replace",
            Rule::Keep => "keep",
            Rule::Append => "append",
            Rule::Union => "union",
            Rule::Keyed => "keyed",
            Rule::JsonDeep => "json_deep",
            Rule::MergePatch => "merge_patch",
            Rule::TomlDeep => "toml_deep",
            Rule::With => "with",
            Rule::Unset => "unset",
            Rule::Custom => "custom",
        }
    }
}

/// `Strategy("append")`.
impl Debug for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Strategy").field(&self.name()).finish()
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
