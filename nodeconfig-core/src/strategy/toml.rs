//! `strategy = "toml_deep"`: TOML tables merged key by key, format-preserving for text.
//!
//! # Semantics
//!
//! The later document is laid over the earlier one:
//!
//! - Tables merge key by key, recursively, whatever their spelling: a `[header]` table, an
//!   inline table `{ ... }`, dotted keys (`a.b.c = 1`) and the implicit parents of a header
//!   (`[a.b.c]` creates `a` and `a.b`) are all tables, and a table of one spelling merges with a
//!   table of another.
//! - Arrays replace, arrays of tables (`[[x]]`) included: the later array is the result, whole.
//! - Scalars replace, zero values too: a later `false`, `0` or `""` wins.
//! - A type change takes the later value (a table replacing a string, an array replacing a
//!   table, ...).
//! - For text, a document that is empty or only whitespace gives the other side unchanged; a
//!   document holding only comments is not empty (it has no keys, and its comments are kept).
//! - Either side failing to parse is a [`MergeError`] with the side, the 1-based line and column
//!   and the parser's reason ([`MergeError::location`]); the destination is then unchanged.
//!
//! # Format preservation (`String`)
//!
//! TOML text is merged on spans, not on an edited tree: each document is read once, in one
//! pass over the events of `toml_parser` (the lexer and event parser of the toml-rs project,
//! which the `toml` crate and toml_edit are built on), into a flat index of its tables with
//! the spans of every key and value; the merge is decided on the two indexes, and the result
//! is the earlier text with a few splices. The index applies every rule of TOML 1.1 (the
//! grammar through `toml_parser`, and the table rules and value checks the `toml` crate's
//! parser applies, with its messages). Every byte outside a splice is copied as it was:
//!
//! - everything the later document does not change keeps its bytes and its place: comments,
//!   blank lines, the order of everything (dotted keys of one table interleaved with other
//!   keys included), quoting, number spelling, spacing;
//! - a key whose later value equals the earlier one (`'x'` against `"x"`, `0x10` against `16`,
//!   `[a]` against `a = {}`) is not a change and keeps the earlier text;
//! - a changed value is written as the later document spells it, in the earlier value's place
//!   and keeping the earlier line's trailing comment unless the later line has its own;
//! - a new key goes at the end of its table's last key-value line, in the later document's
//!   spelling (its line, with the comment lines right above it, indented like that last line);
//!   under a dotted-key table it is written with the dotted prefix (`a.z = 1` after `a.y`);
//!   a new `[table]` (or `[[array]]`), copied section by section from the later document, goes
//!   after the last section under its parent; a table known only from longer headers (`a` of
//!   `[a.b]`) gets a `[a]` header of its own above them when a key lands in it;
//! - a table keeps the earlier spelling: a later `[a]` merged into an earlier `a = { ... }` adds
//!   its keys inside the braces (a new sub-table becomes a nested inline table there), spaced
//!   like the entries already there (a trailing comma stays last);
//! - a value replaced by a table or an array of tables on lines, or the reverse, loses its old
//!   lines and the new ones are written as a new key; sections replacing sections take their
//!   place. Inside an inline table, a dotted key's table replaced by a value rewrites that
//!   inline table (the only case where untouched entries are written again, as `{ k = v }`);
//! - line endings follow the earlier document (what is written takes `\r\n` when it has it),
//!   and so does the presence of a final newline.
//!
//! Merging a document with itself, with `""`, or with any other spelling of the same values
//! returns it byte for byte.
//!
//! ```
//! use nodeconfig_core::strategy::TomlDeep;
//!
//! let mut config = String::from(
//!     r#"version = 2
//!
//! ## the sandbox image is pinned per region
//! [plugins."io.containerd.grpc.v1.cri"]
//! sandbox_image = "registry.k8s.io/pause:3.9"
//! "#,
//! );
//! config.merge_toml(String::from(
//!     r#"[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
//! SystemdCgroup = true
//! "#,
//! ))?;
//! assert_eq!(
//!     config,
//!     r#"version = 2
//!
//! ## the sandbox image is pinned per region
//! [plugins."io.containerd.grpc.v1.cri"]
//! sandbox_image = "registry.k8s.io/pause:3.9"
//!
//! [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
//! SystemdCgroup = true
//! "#
//! );
//! # Ok::<(), nodeconfig_core::MergeError>(())
//! ```
//!
//! # Cost
//!
//! A merge reads each text once, decides on the two indexes and writes the result in one pass
//! over the earlier text: time and memory are linear in the sizes of both documents
//! (BENCHMARKS.md, "toml_deep"). Scalars are decoded only to check them, and again only where
//! two values are compared. A document checked on its own (the first layer's, landing in a
//! [`merge_all`](crate::merge_all)) keeps its index, with a copy of its text, for the next
//! merge of exactly those bytes (one per thread, up to 1 MiB, used once). A merged text is
//! not read again either: the merge keeps the earlier index and its edits beside a copy of
//! the result, and the next merge whose earlier side is exactly those bytes derives the
//! result's index from them, moving the earlier offsets past the edits and indexing only
//! the text each edit wrote. A fold of N layers therefore reads each layer once: its time
//! is linear in the layers' sizes, plus, per layer, a copy and a comparison of the merged
//! text (a few hundredths of a microsecond per KB). Two rare edits are not derived, and the
//! next merge reads the text: lines removed (a table or array of tables replaced by a value
//! of another type) and an inline table written anew (a dotted key's table in it replaced
//! by a value).
//!
//! # `String` or [`TomlText`]
//!
//! A `String` is what nodeadm stores (`containerd.config`) and what a config struct usually
//! holds: a few merges of a few kilobytes, each reading its text (or comparing it with the
//! memo above). [`TomlText`] is for folds of many layers: it is checked when it is made and
//! keeps its index beside its text, which only its merges change, so a merge needs no memo
//! and no comparison, applies its edits to the text in place when that moves fewer bytes than
//! writing it anew, and derives the next index from them. A fold growing by a key per layer
//! then costs the same per layer at 100 layers and at 10,000 (BENCHMARKS.md, "toml_deep").
//! Both give the same bytes for the same documents.

mod discard;
mod document;
mod index;
mod inline;
#[cfg(feature = "toml-reference")]
#[doc(hidden)]
pub mod reference;
mod spans;
mod splice;
mod text;

use std::collections::HashMap;

pub use self::text::TomlText;
use crate::MergeError;
use crate::trace::Tracer;
use crate::trace::documents::TomlLeaves;

/// TOML documents that `strategy = "toml_deep"` can merge.
///
/// Implemented for `String` (TOML text, merged format-preserving), [`TomlText`] (the same,
/// keeping its index between merges), [`toml::Table`], [`toml::Value`], and `Option` of each. See the [module docs](self) for the semantics.
///
/// The derive calls [`prepare_toml_deep`](Self::prepare_toml_deep) for every field first and
/// [`apply_toml_deep`](Self::apply_toml_deep) once all have succeeded; call
/// [`merge_toml`](Self::merge_toml) to do both.
///
/// ```
/// use nodeconfig_core::strategy::TomlDeep;
///
/// let mut limits: toml::Table = toml::from_str("nofile = 1024\n[memlock]\nsoft = 64")?;
/// limits.merge_toml(toml::from_str("[memlock]\nhard = 128")?)?;
/// assert_eq!(limits.to_string(), "nofile = 1024\n\n[memlock]\nhard = 128\nsoft = 64\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`strategy = \"toml_deep\"` cannot merge `{Self}`",
    label = "`toml_deep` needs a TOML document here",
    note = "`toml_deep` takes `String` (TOML text), `TomlText`, `toml::Table`, `toml::Value`, and `Option` of each",
    note = "use `strategy = \"replace\"` to replace the whole value"
)]
pub trait TomlDeep: Sized {
    /// Whether [`prepare_toml_deep`](Self::prepare_toml_deep) has any work to do: `true` for
    /// text, which must be parsed, `false` for the parsed types.
    ///
    /// ```
    /// use nodeconfig_core::strategy::TomlDeep;
    /// assert!(<String as TomlDeep>::NEEDS_PREPARE);
    /// assert!(!<toml::Table as TomlDeep>::NEEDS_PREPARE);
    /// ```
    const NEEDS_PREPARE: bool = false;

    /// The fallible phase (see [`DeepMerge::prepare_merge`](crate::DeepMerge::prepare_merge)):
    /// parses what needs parsing and never changes `self`. For text it leaves the merged
    /// document in `incoming`.
    ///
    /// ```
    /// use nodeconfig_core::{strategy::TomlDeep, Side};
    ///
    /// let existing = String::from("a = 1\n");
    /// let mut incoming = String::from("b = 2\n");
    /// existing.prepare_toml_deep(&mut incoming)?;
    /// assert_eq!(incoming, "a = 1\nb = 2\n");
    ///
    /// let error = existing.prepare_toml_deep(&mut String::from("b = \n")).unwrap_err();
    /// assert_eq!(error.location().unwrap().side, Side::Incoming);
    /// assert_eq!(existing, "a = 1\n");
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    fn prepare_toml_deep(&self, incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// The apply phase: merges the prepared `incoming` into `self`; it cannot fail. Outside
    /// the derive, call [`merge_toml`](Self::merge_toml), which runs both phases.
    ///
    /// For text, `incoming` must have gone through
    /// [`prepare_toml_deep`](Self::prepare_toml_deep) with the same `self`: this step only
    /// moves the merged document into place (or keeps `self` when `incoming` is blank).
    ///
    /// ```
    /// use nodeconfig_core::strategy::TomlDeep;
    ///
    /// let mut existing = toml::Value::from(1);
    /// existing.apply_toml_deep(toml::Value::from("one"));
    /// assert_eq!(existing.as_str(), Some("one"));
    /// ```
    fn apply_toml_deep(&mut self, incoming: Self);

    /// The fallible phase for a document with nothing before it (a new map key, an earlier
    /// `None` around the field): TOML text must still parse. Parsed tables have nothing to
    /// check, so the default does nothing.
    fn check_new_toml_deep(incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// Records, for [`merge_all_traced`](crate::trace::merge_all_traced), the leaves merging
    /// `incoming` sets: every value that is not a table (arrays of tables included, since they
    /// replace). Text that does not parse records nothing; the merge reports it.
    fn trace_toml_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer);

    /// Merges `incoming` into `self`: both phases, for direct use outside the derive.
    ///
    /// On `Err`, `self` is unchanged.
    ///
    /// ```
    /// use nodeconfig_core::strategy::TomlDeep;
    ///
    /// let mut config = Some(String::from("[grpc]\naddress = '/run/containerd.sock' # default\n"));
    /// config.merge_toml(Some(String::from("grpc.address = \"/run/c.sock\"\n")))?;
    /// assert_eq!(config.as_deref(), Some("[grpc]\naddress = \"/run/c.sock\" # default\n"));
    /// config.merge_toml(None)?;
    /// assert!(config.is_some());
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    fn merge_toml(&mut self, incoming: Self) -> Result<(), MergeError> {
        let mut incoming = incoming;
        if Self::NEEDS_PREPARE {
            self.prepare_toml_deep(&mut incoming)?;
        }
        self.apply_toml_deep(incoming);
        Ok(())
    }
}

/// TOML text, merged on its syntax tree so that the earlier document's formatting survives.
impl TomlDeep for String {
    const NEEDS_PREPARE: bool = true;

    fn check_new_toml_deep(incoming: &mut Self) -> Result<(), MergeError> {
        document::check(incoming, crate::Side::Incoming)
    }

    fn prepare_toml_deep(&self, incoming: &mut Self) -> Result<(), MergeError> {
        if let document::Merged::Text(merged) = document::merge(self, incoming)? {
            *incoming = merged;
        }
        Ok(())
    }

    fn apply_toml_deep(&mut self, incoming: Self) {
        // Prepare keeps the earlier document by leaving a blank `incoming`, and never does so
        // for an earlier `""`.
        if self.is_empty() || !document::is_blank(&incoming) {
            *self = incoming;
        }
    }

    fn trace_toml_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        TomlLeaves::record(existing, incoming, tracer);
    }
}

impl TomlDeep for ::toml::Table {
    fn apply_toml_deep(&mut self, incoming: Self) {
        merge_parsed_tables(self, incoming);
    }

    fn trace_toml_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        TomlLeaves::record(existing, incoming, tracer);
    }
}

impl TomlDeep for ::toml::Value {
    fn apply_toml_deep(&mut self, incoming: Self) {
        match (self, incoming) {
            (::toml::Value::Table(existing), ::toml::Value::Table(incoming)) => {
                merge_parsed_tables(existing, incoming);
            }
            (existing, incoming) => discard::drop_flat(std::mem::replace(existing, incoming)),
        }
    }

    fn trace_toml_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        TomlLeaves::record(existing, incoming, tracer);
    }
}

/// A later `None` keeps the earlier text. An earlier `None` is absent, like an empty document:
/// the later text is taken as is, once it is known to parse.
impl TomlDeep for Option<String> {
    const NEEDS_PREPARE: bool = true;

    fn check_new_toml_deep(incoming: &mut Self) -> Result<(), MergeError> {
        incoming
            .as_mut()
            .map_or(Ok(()), String::check_new_toml_deep)
    }

    fn prepare_toml_deep(&self, incoming: &mut Self) -> Result<(), MergeError> {
        match (self, incoming) {
            (Some(existing), Some(incoming)) => existing.prepare_toml_deep(incoming),
            (None, Some(incoming)) => document::check(incoming, crate::Side::Incoming),
            (_, None) => Ok(()),
        }
    }

    fn apply_toml_deep(&mut self, incoming: Self) {
        merge_options(self, incoming);
    }

    fn trace_toml_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        if let Some(incoming) = incoming {
            TomlDeep::trace_toml_deep(existing.and_then(Option::as_ref), incoming, tracer);
        }
    }
}

/// A later `None` keeps the earlier table; an earlier `None` takes the later one.
impl TomlDeep for Option<::toml::Table> {
    fn apply_toml_deep(&mut self, incoming: Self) {
        merge_options(self, incoming);
    }

    fn trace_toml_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        if let Some(incoming) = incoming {
            TomlDeep::trace_toml_deep(existing.and_then(Option::as_ref), incoming, tracer);
        }
    }
}

/// A later `None` keeps the earlier value; an earlier `None` takes the later one.
impl TomlDeep for Option<::toml::Value> {
    fn apply_toml_deep(&mut self, incoming: Self) {
        merge_options(self, incoming);
    }

    fn trace_toml_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        if let Some(incoming) = incoming {
            TomlDeep::trace_toml_deep(existing.and_then(Option::as_ref), incoming, tracer);
        }
    }
}

fn merge_options<T: TomlDeep>(existing: &mut Option<T>, incoming: Option<T>) {
    match (existing, incoming) {
        (_, None) => {}
        (Some(existing), Some(incoming)) => existing.apply_toml_deep(incoming),
        (existing @ None, incoming) => *existing = incoming,
    }
}

/// Merges parsed tables with a work list instead of recursion, so that a deep value built in
/// code cannot overflow the stack.
fn merge_parsed_tables(existing: &mut ::toml::Table, incoming: ::toml::Table) {
    let mut pending = vec![(existing, incoming)];
    while let Some((existing, incoming)) = pending.pop() {
        // Tables on both sides are merged later, once `existing` is no longer being changed.
        let mut nested: HashMap<String, ::toml::Table> = HashMap::new();
        for (key, value) in incoming {
            match (existing.get(&key), value) {
                (Some(::toml::Value::Table(_)), ::toml::Value::Table(table)) => {
                    nested.insert(key, table);
                }
                (_, value) => discard::insert(existing, key, value),
            }
        }
        if nested.is_empty() {
            continue;
        }
        for (key, value) in existing.iter_mut() {
            if let ::toml::Value::Table(existing_child) = value
                && let Some(incoming_child) = nested.remove(key.as_str())
            {
                pending.push((existing_child, incoming_child));
            }
        }
    }
}
