//! Layered configuration, merged field by field, with nothing forgotten.
//!
//! `nodeconfig-core` holds the [`DeepMerge`] trait, the [`MergeError`] it returns, the
//! [`merge_all`] fold and the merge [`strategy`] functions. With the default `derive` feature it
//! re-exports `#[derive(DeepMerge)]`, which generates the merge of every field of a struct or
//! enum. A field whose type has no obvious merge (a list, a JSON or TOML document) does not
//! compile until you choose one with `#[merge(strategy = "...")]`.
//!
//! ```
//! use nodeconfig_core::{DeepMerge, merge_all};
//! use std::collections::BTreeMap;
//!
//! #[derive(DeepMerge, Default, Debug, PartialEq)]
//! struct Kubelet {
//!     max_pods: Option<u32>,
//!     labels: BTreeMap<String, String>,
//!     #[merge(strategy = "append")]
//!     flags: Vec<String>,
//! }
//!
//! let defaults = Kubelet { max_pods: Some(110), flags: vec!["--v=2".into()], ..Kubelet::default() };
//! let user = Kubelet {
//!     labels: BTreeMap::from([("team".into(), "infra".into())]),
//!     flags: vec!["--node-labels=gpu=true".into()],
//!     ..Kubelet::default()
//! };
//!
//! let merged = merge_all([defaults, user])?;
//! assert_eq!(merged.max_pods, Some(110)); // a later `None` keeps the earlier value
//! assert_eq!(merged.labels["team"], "infra");
//! assert_eq!(merged.flags, ["--v=2", "--node-labels=gpu=true"]);
//! # Ok::<(), nodeconfig_core::MergeError>(())
//! ```
//!
//! # Atomicity
//!
//! A merge runs in two phases. [`DeepMerge::prepare_merge`] does every check that can fail (it
//! parses TOML documents, for instance) while reading the destination only; then
//! [`DeepMerge::apply_merge`] moves the incoming values in. So when [`DeepMerge::deep_merge`]
//! returns `Err`, the destination is exactly as it was, however deep the failing field is, and no
//! `Clone` bound or copy of the destination is needed for it.
//!
//! The one exception is a user's `with` function, which can only run in the apply phase. The
//! derive runs a struct's `with` fields before its other fields, so a failing `with` function
//! (which must leave its own field unchanged) leaves every field of its own struct unchanged
//! except `with` fields declared before it; fields of enclosing structs that the merge visited
//! earlier keep their merged values. A `with` function that cannot fail keeps the whole merge
//! atomic.
//!
//! # Provenance
//!
//! [`trace::merge_all_traced`] merges like [`merge_all`] and also says, for every leaf of the
//! result, which layer set it, with which strategy ([`Strategy`]), and which earlier layers it
//! replaced: keys inside `json_deep` and `toml_deep` documents and each `append`ed item included.
//! It is a separate read-only walk ([`DeepMerge::trace_merge`]); [`DeepMerge::deep_merge`] does
//! not pay for it.
//!
//! # Paths
//!
//! An error and each leaf of the provenance name where they are twice: as dotted text
//! ([`MergeError::path`], the keys of [`trace::Provenance`]) for people, and as a [`Path`] of
//! [`Segment`]s ([`MergeError::segments`], [`trace::Origin::segments`]) for programs, with map
//! keys as they are ([`Key`]). The text is the segments' `Display`.
//!
//! # Layer types
//!
//! A configuration read from files with serde holds a default wherever a file is silent, and
//! "later replaces" would take that default over an earlier file's value. With
//! `#[merge(layer = "Name")]` the derive generates `Name`, the struct with every field optional:
//! read each file into it, merge the layers ([`merge_all`]), then build the struct once with
//! [`Layered::from_layer`] or `TryFrom`. An absent setting keeps the earlier value; `null`
//! unsets an `Option` field ([`Setting`], the meaning RFC 7396 gives `null`) and is an error on
//! any other; required fields no layer set are all named in one [`MergeError`]
//! ([`MergeError::missing`]). Generic structs, `crate = "..."` and nested layers
//! (`#[merge(nested)]`) work; see [`Layered`].
//!
//! # Features
//!
//! `derive` (the macro), `json` (`json_deep`, serde_json), `toml` (`toml_deep`, the toml crate)
//! and `serde` (layer types' serde impls, reached through this crate) are on by default; turn off
//! what you do not use with `default-features = false`. `indexmap` (off) adds `IndexMap` and
//! `IndexSet`; `arbitrary_precision` (off) keeps every JSON number's text; `toml-reference` (off)
//! exposes the earlier toml_edit engine for differential tests only.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod at;
mod error;
mod impls;
mod layer;
mod path;
pub mod strategy;
pub mod trace;
mod with;

pub use crate::at::{apply_at, check_new, merge_at, prepare_at};
pub use crate::error::{MergeError, ParseLocation, Side};
pub use crate::layer::{Layered, Setting};
pub use crate::path::{Key, Path, Segment};
pub use crate::trace::Strategy;

/// `#[derive(DeepMerge)]`: generates [`DeepMerge`] for a struct or enum, field by field.
///
/// Field attributes, `#[merge(...)]`:
///
/// | key | effect |
/// | --- | --- |
/// | *(none)* | the field's own [`DeepMerge`] impl |
/// | `strategy = "replace"` | later replaces (an `Option` field: only a later `Some` does) |
/// | `strategy = "keep"` | earlier wins (an `Option` field: a later value only fills `None`) |
/// | `strategy = "append"` | `Vec`/`VecDeque`/`LinkedList`: earlier items, then later items |
/// | `strategy = "union"` | `BTreeSet`/`HashSet`/`IndexSet`: earlier items, then later items not already present |
/// | `strategy = "keyed", key = "name"` or `key(a, b)` | `Vec`/`VecDeque` of `DeepMerge` items merged by key ([`strategy::keyed`]) |
/// | `list_key(path = "a.b", key = "k")` | beside `json_deep`, repeatable: the array at `path` merges by key, with `$patch` directives (`strategy::json::JsonKeyed`) |
/// | `strategy = "json_deep"` | RFC 7396 JSON merge patch, a final document (feature `json`) |
/// | `strategy = "merge_patch"` | JSON merge patches merged into one, deletions kept (feature `json`) |
/// | `strategy = "toml_deep"` | TOML tables merged key by key (feature `toml`) |
/// | `with = "path::to::fn"` | a `fn(&mut T, T) -> Result<(), MergeError>` |
/// | `skip` | the field keeps its earlier value |
/// | `default`, `default = "path::to::fn"` | layer types: the value when no layer sets the field |
/// | `nested` | layer types: the field holds its type's own layer |
///
/// Container attributes: `crate = "path"` (where the generated code finds this crate, default
/// `::nodeconfig_core`) and `bound = "T: Trait, ..."` (replaces the inferred where-clause).
/// `layer = "Name"` on a struct with named fields generates the layer type `Name` (every field
/// optional; see [`Layered`], [`Setting`] and the README's "Layers from files").
/// `#[serde(rename = ..)]` and `#[serde(rename_all = ..)]` are read so that
/// [`MergeError::path`] uses the names a user sees in their documents.
///
/// Enums: the same variant merges field by field; another variant replaces the value.
///
/// # Writing a `with` function
///
/// A `with` function has the signature `fn(&mut T, T) -> Result<(), MergeError>` (a function that
/// does not is reported at the attribute, with that signature). It runs in the apply phase, after
/// every built-in check of the merge, so it must leave its field unchanged when it fails: check
/// everything first, then move. To merge values inside the field as a built-in would, with every
/// check and an error path that names the item, use [`prepare_at`] and [`check_new`] (a value that
/// lands where nothing was: its TOML documents must still parse) in the first phase and
/// [`apply_at`] in the second, or [`merge_at`] when there is only one value:
///
/// ```
/// use nodeconfig_core::{DeepMerge, MergeError, Segment, apply_at, check_new, prepare_at};
///
/// #[derive(DeepMerge)]
/// struct Listener {
///     #[merge(strategy = "keep")]
///     name: String,
///     #[merge(strategy = "toml_deep")]
///     options: String,
/// }
///
/// /// Listeners with the same name merge; new names are appended. Atomic: every item is
/// /// checked before any moves.
/// fn by_name(existing: &mut Vec<Listener>, mut incoming: Vec<Listener>) -> Result<(), MergeError> {
///     let mut appended = 0;
///     for item in &mut incoming {
///         match existing.iter().position(|earlier| earlier.name == item.name) {
///             Some(index) => prepare_at(&existing[index], item, index)?,
///             None => {
///                 check_new(item, Segment::Index(existing.len() + appended))?;
///                 appended += 1;
///             }
///         }
///     }
///     // Checked: `apply_at` cannot fail now (nothing inside `Listener` is a `with` field).
///     for item in incoming {
///         match existing.iter().position(|earlier| earlier.name == item.name) {
///             Some(index) => apply_at(&mut existing[index], item, index)?,
///             None => existing.push(item),
///         }
///     }
///     Ok(())
/// }
///
/// #[derive(DeepMerge)]
/// struct Server {
///     #[merge(with = "by_name")]
///     listeners: Vec<Listener>,
/// }
///
/// let listener = |name: &str, options: &str| Listener { name: name.into(), options: options.into() };
/// let mut server = Server { listeners: vec![listener("api", "a = 1")] };
/// let error = server
///     .deep_merge(Server { listeners: vec![listener("api", "b = 2"), listener("debug", "[x")] })
///     .unwrap_err();
/// assert_eq!(error.path(), "listeners[1].options");
/// assert_eq!(server.listeners[0].options, "a = 1"); // nothing half-merged
/// ```
///
/// ```
/// use nodeconfig_core::DeepMerge;
///
/// #[derive(DeepMerge, Debug, PartialEq)]
/// #[serde(rename_all = "camelCase")]
/// struct Containerd {
///     #[merge(strategy = "toml_deep")]
///     config: Option<String>,
///     #[merge(strategy = "json_deep")]
///     base_runtime_spec: Option<serde_json::Value>,
/// }
/// ```
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use nodeconfig_derive::DeepMerge;

/// A value that can absorb a later layer of configuration.
///
/// `self` holds the earlier layers, already merged; `incoming` is the later layer and wins every
/// conflict. Implement it with `#[derive(DeepMerge)]`; the core implements it for the std types
/// whose merge is unambiguous (see the [crate docs](crate) and the README's table). Lists, sets and
/// documents deliberately have no impl: choose a [`strategy`] for them.
///
/// A merge has two phases so that a failed merge changes nothing:
/// [`prepare_merge`](Self::prepare_merge) runs every fallible step while only reading `self`,
/// then [`apply_merge`](Self::apply_merge) moves the incoming values in. Callers use
/// [`deep_merge`](Self::deep_merge), which runs both.
///
/// A hand-written impl for a type whose merge cannot fail needs only `apply_merge` and
/// `NEEDS_PREPARE = false`:
///
/// ```
/// use nodeconfig_core::{DeepMerge, MergeError};
///
/// /// A counter that adds up across layers.
/// struct Total(u64);
///
/// impl DeepMerge for Total {
///     const NEEDS_PREPARE: bool = false;
///
///     fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
///         self.0 = self.0.saturating_add(incoming.0);
///         Ok(())
///     }
/// }
///
/// let mut total = Total(2);
/// total.deep_merge(Total(3))?;
/// assert_eq!(total.0, 5);
/// # Ok::<(), MergeError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no default merge",
    label = "`{Self}` needs `#[merge(strategy = \"...\")]` or an impl of `DeepMerge`",
    note = "lists take `strategy = \"append\"` or `\"replace\"`; JSON documents take `\"json_deep\"` or `\"replace\"`; TOML documents take `\"toml_deep\"` or `\"replace\"`",
    note = "sets take `strategy = \"union\"`; a type of your own can `#[derive(DeepMerge)]`; a type from another crate (the orphan rule forbids implementing `DeepMerge` for it) takes `strategy = \"replace\"` or `\"keep\"`, `with = \"path::to::fn\"`, or a `#[serde(transparent)]` newtype that implements `DeepMerge`"
)]
pub trait DeepMerge: Sized {
    /// Whether [`prepare_merge`](Self::prepare_merge) has any work to do.
    ///
    /// Maps and options skip the prepare walk over their entries when this is `false`, so a
    /// type whose merge cannot fail should set it to `false`. The safe default is `true`.
    /// Hidden from the docs: an optimization that generated code and the std impls set, which a
    /// hand-written impl may leave at its default.
    #[doc(hidden)]
    const NEEDS_PREPARE: bool = true;

    /// The fields whose serde name differs from their Rust name, as `(rust, serde)` pairs:
    /// how a keyed list of this type writes its key fields in paths (`[id=api]` for
    /// `#[serde(rename = "id")] listener_name`), as `MergeError::path` writes every field.
    /// Hidden from the docs: generated by the derive; a hand-written impl may leave it empty.
    #[doc(hidden)]
    const SERDE_NAMES: &'static [(&'static str, &'static str)] = &[];

    /// Merges the later layer `incoming` into `self`; `incoming` wins conflicts.
    ///
    /// On `Err`, `self` is unchanged (see the [crate docs](crate#atomicity) for `with`
    /// functions), and the error's [`path`](MergeError::path) names the failing field.
    ///
    /// ```
    /// use nodeconfig_core::DeepMerge;
    /// use std::collections::BTreeMap;
    ///
    /// let mut gates = BTreeMap::from([("A".to_string(), true), ("B".to_string(), true)]);
    /// gates.deep_merge(BTreeMap::from([("B".to_string(), false)]))?;
    /// assert_eq!(gates, BTreeMap::from([("A".to_string(), true), ("B".to_string(), false)]));
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    #[inline]
    fn deep_merge(&mut self, mut incoming: Self) -> Result<(), MergeError> {
        if Self::NEEDS_PREPARE {
            self.prepare_merge(&mut incoming)?;
        }
        self.apply_merge(incoming)
    }

    /// The fallible phase: checks that `incoming` can be merged into `self`, without changing
    /// `self`.
    ///
    /// It may rewrite `incoming` into the form [`apply_merge`](Self::apply_merge) will move in
    /// (a TOML strategy stores the merged document there), so work is never done twice. After it
    /// returns `Ok`, `apply_merge` with the same `incoming` must not fail except through a
    /// user's `with` function. The default does nothing.
    ///
    /// ```
    /// use nodeconfig_core::DeepMerge;
    ///
    /// let existing = Some(1_u8);
    /// let mut incoming = Some(2_u8);
    /// assert!(existing.prepare_merge(&mut incoming).is_ok());
    /// ```
    fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// The fallible phase for a value that arrives where nothing was before (an earlier `None`,
    /// a new map key, another enum variant, the first layer of [`merge_all`]): nothing is merged
    /// into it, but what must hold for a merge still holds (a TOML document must parse).
    ///
    /// The default does nothing; the derive checks every field.
    ///
    /// ```
    /// use nodeconfig_core::DeepMerge;
    ///
    /// #[derive(DeepMerge)]
    /// struct Containerd {
    ///     #[merge(strategy = "toml_deep")]
    ///     config: String,
    /// }
    ///
    /// let mut existing: Option<Containerd> = None;
    /// let broken = Some(Containerd { config: "[grpc".into() });
    /// let error = existing.deep_merge(broken).unwrap_err();
    /// assert_eq!(error.path(), "config");
    /// assert!(existing.is_none());
    /// ```
    fn check_new(incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// The moving phase: merges `incoming`, already prepared, into `self`.
    ///
    /// Call [`deep_merge`](Self::deep_merge) instead unless you are composing impls by hand and
    /// have called [`prepare_merge`](Self::prepare_merge) on the same pair first.
    ///
    /// ```
    /// use nodeconfig_core::DeepMerge;
    ///
    /// let mut port = 80_u16;
    /// port.apply_merge(8080)?;
    /// assert_eq!(port, 8080);
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError>;

    /// Records, for [`trace::merge_all_traced`], what merging `incoming` onto `existing`
    /// (`None`: nothing there yet) would set, without merging anything.
    ///
    /// The derive generates it field by field, and the std impls recurse into options, boxes and
    /// maps. The default treats the whole value as one leaf, set with the strategy `custom`:
    /// right for a hand-written impl of an atomic value.
    ///
    /// ```
    /// use nodeconfig_core::{DeepMerge, trace::merge_all_traced};
    /// use std::collections::BTreeMap;
    ///
    /// let (_, provenance) = merge_all_traced([
    ///     (1, BTreeMap::from([("a", Some(1_u8))])),
    ///     (2, BTreeMap::from([("a", None), ("b", Some(2))])),
    /// ])?;
    /// assert_eq!(provenance.source(provenance.get("a").unwrap().layer), &1); // `None` keeps
    /// assert_eq!(provenance.source(provenance.get("b").unwrap().layer), &2);
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    #[doc(hidden)]
    fn trace_merge(existing: Option<&Self>, incoming: &Self, tracer: &mut trace::Tracer) {
        let _ = (existing, incoming);
        tracer.set(Strategy::CUSTOM);
    }
}

/// Merges `layers` in order, later layers winning: a left fold that starts from the first layer.
///
/// No layers gives `T::default()`. The first layer is checked like every later one (its TOML
/// documents must parse). On error, the error's path is the failing field's path and its
/// [`layer`](MergeError::layer) the index of the failing layer in `layers`; the partially folded
/// value is dropped.
///
/// Layers are taken from the iterator one at a time, each just before it is merged, so a
/// caller's iterator knows which layer a failure belongs to. While the fold runs, a TOML text
/// checked when it landed keeps its parse for the next merge into it (see the `toml_deep`
/// strategy's cost notes), so prefer `merge_all` to a fold of your own.
///
/// ```
/// use nodeconfig_core::merge_all;
/// use std::collections::BTreeMap;
///
/// let layers = [
///     BTreeMap::from([("region", Some(1_u8)), ("zone", None)]),
///     BTreeMap::from([("zone", Some(2))]),
/// ];
/// let merged = merge_all(layers)?;
/// assert_eq!(merged["zone"], Some(2));
/// assert_eq!(merge_all(Vec::<BTreeMap<&str, u8>>::new())?, BTreeMap::new());
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
pub fn merge_all<T, I>(layers: I) -> Result<T, MergeError>
where
    T: DeepMerge + Default,
    I: IntoIterator<Item = T>,
{
    merge_nonempty(layers).map(Option::unwrap_or_default)
}

/// [`merge_all`] for types that are not `Default` (a configuration with required fields): the
/// same left fold, with `Ok(None)` for no layers instead of a default value.
///
/// ```
/// use nodeconfig_core::{DeepMerge, merge_nonempty};
///
/// #[derive(DeepMerge, Debug, PartialEq)]
/// struct Endpoint {
///     host: String,
///     port: Option<u16>,
/// }
///
/// let merged = merge_nonempty([
///     Endpoint { host: "a.example".into(), port: Some(443) },
///     Endpoint { host: "b.example".into(), port: None },
/// ])?;
/// assert_eq!(merged, Some(Endpoint { host: "b.example".into(), port: Some(443) }));
/// assert_eq!(merge_nonempty(Vec::<Endpoint>::new())?, None);
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
pub fn merge_nonempty<T, I>(layers: I) -> Result<Option<T>, MergeError>
where
    T: DeepMerge,
    I: IntoIterator<Item = T>,
{
    fold(layers, |_, _, _| {})
}

/// The left fold behind [`merge_nonempty`] (and so [`merge_all`]) and
/// [`trace::merge_all_traced`]: `before_merge(index, merged so far, layer)` sees each layer
/// before it merges (the trace records what it will set), then the layer merges; an error gets
/// the layer's index.
pub(crate) fn fold<T, I>(
    layers: I,
    mut before_merge: impl FnMut(usize, Option<&T>, &T),
) -> Result<Option<T>, MergeError>
where
    T: DeepMerge,
    I: IntoIterator<Item = T>,
{
    let mut layers = layers.into_iter();
    let Some(mut merged) = layers.next() else {
        return Ok(None);
    };
    before_merge(0, None, &merged);
    // The first layer is merged into nothing; its documents must parse all the same.
    if T::NEEDS_PREPARE {
        T::check_new(&mut merged).map_err(|error| error.in_layer(0))?;
    }
    for (index, layer) in (1..).zip(layers) {
        before_merge(index, Some(&merged), &layer);
        merged
            .deep_merge(layer)
            .map_err(|error| error.in_layer(index))?;
    }
    Ok(Some(merged))
}

/// The README's examples run as doctests, so the front page cannot drift from the crate.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// What generated code needs and users do not: not part of the public API.
#[doc(hidden)]
pub mod __private;
