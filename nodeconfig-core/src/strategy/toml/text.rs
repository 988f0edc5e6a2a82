//! [`TomlText`]: TOML text that keeps its own index, for folds of many layers.

use std::sync::{Mutex, PoisonError};

use super::TomlDeep;
use super::document::{self, Merged, is_blank};
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
    /// derived (then the next merge reads the text). Behind a lock (never contended: taken
    /// for a moment by a merge) so that deciding a merge (`&self`) can lend it to the index
    /// the engine takes by value and put it back, and `TomlText` stays `Sync`.
    body: Mutex<Option<Body>>,
    /// What `prepare_toml_deep` decided, held by the later document until it is applied.
    prepared: Option<Box<Prepared>>,
}

/// A merge decided on the two indexes, not yet applied to the earlier text.
enum Prepared {
    /// The later document is blank: the earlier one stays.
    Keep,
    /// The earlier document is blank: the later one is the result.
    Take,
    /// The earlier text's edits, and the line ending of what they write.
    Edit {
        edits: Vec<Edit>,
        newline: &'static str,
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
            body: Mutex::new(body),
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
        // The same fast paths as `String`; both sides were checked when they were made.
        match document::by_blank_sides(&self.text, &incoming.text) {
            Some(Merged::KeepExisting) => return Ok(Prepared::Keep),
            Some(_) => return Ok(Prepared::Take),
            None => {}
        }
        // Each index is lent and put back (one read now is kept: it is of the same text).
        let kept = self
            .body
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let earlier = index_of(&self.text, kept, Side::Existing)?;
        let later_kept = incoming
            .body
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let later = index_of(&incoming.text, later_kept, Side::Incoming);
        let later = match later {
            Ok(later) => later,
            Err(error) => {
                self.put_back(earlier);
                return Err(error);
            }
        };
        let (edits, newline) = Splicer::new(&earlier, &later).into_edits();
        *incoming.body.lock().unwrap_or_else(PoisonError::into_inner) = Some(later.into_body());
        self.put_back(earlier);
        Ok(Prepared::Edit { edits, newline })
    }

    /// Puts the earlier index back where it was lent from (or keeps it there, if it was
    /// read now: it is the index of the same text).
    fn put_back(&self, earlier: Index<'_>) {
        *self.body.lock().unwrap_or_else(PoisonError::into_inner) = Some(earlier.into_body());
    }

    /// Applies what [`prepare`](Self::prepare) decided; cannot fail.
    fn apply(&mut self, incoming: Self, prepared: Prepared) {
        match prepared {
            Prepared::Keep => {}
            Prepared::Take => {
                self.text = incoming.text;
                self.body = incoming.body;
            }
            Prepared::Edit { mut edits, newline } => {
                let body = self.body.get_mut().unwrap_or_else(PoisonError::into_inner);
                let earlier = body.take();
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
                document::verify_index(&self.text, derived.as_ref(), || "TomlText".to_owned());
                *self.body.get_mut().unwrap_or_else(PoisonError::into_inner) = derived;
            }
        }
    }
}

/// The index of `text`: from the body kept for it, or read now.
fn index_of(text: &str, kept: Option<Body>, side: Side) -> Result<Index<'_>, MergeError> {
    Ok(Index::with_body(
        text,
        kept.map_or_else(|| read(text, side), Ok)?,
    ))
}

/// Reads the index of `text`, without the memo of the `String` path.
fn read(text: &str, side: Side) -> Result<Body, MergeError> {
    index::parse(text)
        .map(Index::into_body)
        .map_err(|error| document::parse_error(side, text, error.offset, &error.reason))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(source: &str) -> TomlText {
        TomlText::new(source.to_owned()).unwrap()
    }

    /// Whether `config` keeps an index for the next merge (else that merge reads its text).
    fn has_index(config: &mut TomlText) -> bool {
        config
            .body
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// An append keeps the text's buffer (edited in place) and leaves a derived index.
    #[test]
    fn an_append_edits_in_place_and_derives_the_next_index() {
        let mut config = text("[t]\na = 1\n");
        config.text.reserve(64);
        let buffer = config.text.as_ptr();
        config.merge_toml(text("[t]\nb = 2\n")).unwrap();
        assert_eq!(config, "[t]\na = 1\nb = 2\n");
        assert_eq!(config.text.as_ptr(), buffer, "edited in place");
        assert!(has_index(&mut config), "index derived");
    }

    /// An edit whose index is not derived leaves none: the next merge reads its own text.
    #[test]
    fn a_replaced_table_is_read_again_by_the_next_merge() {
        let mut config = text("[t]\na = 1\n[u]\nb = 2\n");
        config.merge_toml(text("t = 1\n")).unwrap();
        assert!(!has_index(&mut config));
        config.merge_toml(text("[u]\nc = 3\n")).unwrap();
        let mut string = String::from("[t]\na = 1\n[u]\nb = 2\n");
        string.merge_toml("t = 1\n".into()).unwrap();
        string.merge_toml("[u]\nc = 3\n".into()).unwrap();
        assert_eq!(config, string);
        assert_eq!(config, "t = 1\n[u]\nb = 2\nc = 3\n");
        assert!(has_index(&mut config));
    }

    /// A merge that would move more bytes than writing the text anew writes it anew.
    #[test]
    fn an_edit_near_the_start_writes_the_text_anew() {
        let tail: String = (0..50).map(|i| format!("k{i} = {i}\n")).collect();
        let mut config = text(&format!("a = 1\nb = 1\n[t]\n{tail}"));
        config.merge_toml(text("a = 2\nb = 2\n")).unwrap();
        assert_eq!(config, format!("a = 2\nb = 2\n[t]\n{tail}").as_str());
        assert!(has_index(&mut config));
    }

    /// Blank sides give the other side, with its index.
    #[test]
    fn blank_sides_give_the_other() {
        let mut config = TomlText::default();
        config.merge_toml(text("a = 1\n")).unwrap();
        config.merge_toml(text("  \n")).unwrap();
        assert_eq!(config, "a = 1\n");
        assert!(has_index(&mut config));
    }
}
