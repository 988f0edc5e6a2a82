//! [`TomlText`]: TOML text that keeps its own index, for folds of many layers.

use super::TomlDeep;
use super::document::{self, is_blank};
use super::index::{self, Body, Index};
use super::splice::{self, Edit, Splicer};
use crate::trace::Tracer;
use crate::trace::documents::TomlLeaves;
use crate::{MergeError, Side};

/// A TOML document as text, checked when it is made, that keeps the index of its text beside
/// it: `toml_deep` merges it like a `String`, to the same bytes, without reading it again.
///
/// A `String` can change without the merge knowing, so a merge reads (or compares) its text
/// every time, and a fold of N layers costs a copy of the merged text per layer: quadratic in
/// bytes. `TomlText` changes only through its own API, so the index of its text stays valid:
/// a merge takes it as is, applies its edits to the text in place (when that moves fewer bytes
/// than writing it anew) and derives the merged text's index from the edits
/// (`index/derive.rs`). Use it for folds of many layers (a `merge_all` of hundreds of layers
/// with a TOML field); use `String` where a document is stored and merged a few times (nodeadm's
/// `containerd.config`), since every `String` merge gives the same bytes.
///
/// ```
/// use nodeconfig_core::strategy::{TomlDeep, TomlText};
///
/// let mut config: TomlText = "version = 2 # pinned\n[grpc]\naddress = '/run/a.sock'\n".parse()?;
/// config.merge_toml("[grpc]\nuid = 0\n".parse()?)?;
/// assert_eq!(config, "version = 2 # pinned\n[grpc]\naddress = '/run/a.sock'\nuid = 0\n");
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
#[derive(Default)]
pub struct TomlText {
    text: String,
    /// The index of `text`; `None` when it is blank, or after a merge whose index is not
    /// derived (then the next merge reads the text).
    body: Option<Body>,
    /// What `prepare_toml_deep` decided, held by the later document until it is applied.
    prepared: Option<Box<Prepared>>,
}

/// A merge decided on the two indexes, not yet applied to the earlier text.
enum Prepared {
    /// The later document is blank: the earlier one stays.
    Keep,
    /// The earlier document is blank: the later one is the result.
    Take,
    /// The earlier text's edits, and its index when it had to be read.
    Edit {
        edits: Vec<Edit>,
        newline: &'static str,
        read: Option<Box<Body>>,
    },
}

impl TomlText {
    /// Parses `text` and keeps its index; an error names the line and the column (as the
    /// later side of a merge).
    ///
    /// ```
    /// use nodeconfig_core::strategy::TomlText;
    ///
    /// assert_eq!(TomlText::new("a = 1\n".into())?.as_str(), "a = 1\n");
    /// let error = TomlText::new("a = 1\nb = \n".into()).unwrap_err();
    /// assert_eq!(error.location().map(|at| (at.line, at.column)), Some((2, 5)));
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    pub fn new(text: String) -> Result<Self, MergeError> {
        let body = if is_blank(&text) {
            None
        } else {
            Some(read(&text, Side::Incoming)?)
        };
        Ok(Self {
            text,
            body,
            prepared: None,
        })
    }

    /// The text.
    ///
    /// ```
    /// use nodeconfig_core::strategy::TomlText;
    /// assert_eq!(TomlText::default().as_str(), "");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, as an owned `String`.
    ///
    /// ```
    /// use nodeconfig_core::strategy::TomlText;
    /// let text: TomlText = "a = 1".parse()?;
    /// assert_eq!(text.into_string(), "a = 1");
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    pub fn into_string(self) -> String {
        self.text
    }

    /// Decides the merge of `incoming` into `self` on the two indexes; changes nothing.
    fn prepare(&self, incoming: &Self) -> Result<Prepared, MergeError> {
        // The same fast paths as `String` (`document::merge`): an empty side gives the other,
        // then a blank one does. Both sides were checked when they were made.
        if incoming.text.is_empty() || (!self.text.is_empty() && is_blank(&incoming.text)) {
            return Ok(Prepared::Keep);
        }
        if is_blank(&self.text) {
            return Ok(Prepared::Take);
        }
        let (earlier, read_earlier) = lend(&self.text, self.body.as_ref(), Side::Existing)?;
        let (later, _) = lend(&incoming.text, incoming.body.as_ref(), Side::Incoming)?;
        let (edits, newline) = Splicer::new(&earlier, &later).into_edits();
        let read = read_earlier.then(|| Box::new(earlier.into_body()));
        Ok(Prepared::Edit {
            edits,
            newline,
            read,
        })
    }

    /// Applies what [`prepare`](Self::prepare) decided; cannot fail.
    fn apply(&mut self, incoming: Self, prepared: Prepared) {
        match prepared {
            Prepared::Keep => {}
            Prepared::Take => {
                self.text = incoming.text;
                self.body = incoming.body;
            }
            Prepared::Edit {
                mut edits,
                newline,
                read,
            } => {
                let earlier = read.map(|body| *body).or_else(|| self.body.take());
                let plan = if splice::apply_in_place(&mut self.text, newline, &mut edits) {
                    Some(edits)
                } else {
                    let (merged, plan) = splice::write(&self.text, newline, edits);
                    self.text = merged;
                    plan
                };
                let derived = earlier
                    .zip(plan)
                    .and_then(|(earlier, plan)| index::derive(earlier, &self.text, &plan));
                #[cfg(debug_assertions)]
                verify(&self.text, derived.as_ref());
                self.body = derived;
            }
        }
    }
}

/// The index of `text`: the one kept (lent), or read now (and `true`).
fn lend<'t>(
    text: &'t str,
    body: Option<&'t Body>,
    side: Side,
) -> Result<(Index<'t>, bool), MergeError> {
    Ok(match body {
        Some(body) => (Index::lending(text, body), false),
        None => (Index::with_body(text, read(text, side)?), true),
    })
}

/// Reads the index of `text`, without the memo of the `String` path.
fn read(text: &str, side: Side) -> Result<Body, MergeError> {
    index::parse(text)
        .map(Index::into_body)
        .map_err(|error| document::parse_error(side, text, error.offset, &error.reason))
}

/// Debug builds: the index derived for a merged text is the one a fresh read gives.
#[cfg(debug_assertions)]
fn verify(text: &str, derived: Option<&Body>) {
    let fresh = index::parse(text)
        .unwrap_or_else(|error| panic!("TomlText merged to bad TOML ({}):\n{text}", error.reason));
    if let Some(derived) = derived {
        let derived = Index::lending(text, derived);
        if let Some(difference) = index::differ(&derived, &fresh) {
            panic!("TomlText's derived index differs from a fresh read: {difference}\n{text}");
        }
    }
}

/// `toml_deep` on TOML text with its index: the semantics and the bytes of `String`'s, and
/// every side checked when it was made (so the fallible phase only decides).
impl TomlDeep for TomlText {
    const NEEDS_PREPARE: bool = true;

    fn prepare_toml_deep(&self, incoming: &mut Self) -> Result<(), MergeError> {
        let prepared = self.prepare(incoming)?;
        incoming.prepared = Some(Box::new(prepared));
        Ok(())
    }

    fn apply_toml_deep(&mut self, mut incoming: Self) {
        let prepared = match incoming.prepared.take() {
            Some(prepared) => *prepared,
            // Not prepared (called directly): both sides are valid TOML, so deciding now
            // cannot fail; were it to, `self` stays as it is.
            None => match self.prepare(&incoming) {
                Ok(prepared) => prepared,
                Err(_) => return,
            },
        };
        self.apply(incoming, prepared);
    }

    fn trace_toml_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        let existing = existing.map(|existing| &existing.text);
        TomlLeaves::record(existing, &incoming.text, tracer);
    }
}

/// A later `None` keeps the earlier text; an earlier `None` takes the later one.
impl TomlDeep for Option<TomlText> {
    const NEEDS_PREPARE: bool = true;

    fn prepare_toml_deep(&self, incoming: &mut Self) -> Result<(), MergeError> {
        match (self, incoming) {
            (Some(existing), Some(incoming)) => existing.prepare_toml_deep(incoming),
            _ => Ok(()),
        }
    }

    fn apply_toml_deep(&mut self, incoming: Self) {
        super::merge_options(self, incoming);
    }

    fn trace_toml_deep(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        if let Some(incoming) = incoming {
            TomlDeep::trace_toml_deep(existing.and_then(Option::as_ref), incoming, tracer);
        }
    }
}

mod traits;
