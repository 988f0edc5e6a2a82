//! `toml_deep` on text: the fast paths, parsing with positioned errors, and the span engine.

use std::cell::RefCell;

use super::index::{self, Body, Index, Placement};
use super::splice::{self, Edit, Splicer};
use crate::{MergeError, ParseLocation, Side};

/// What [`merge`] decided; only [`Merged::Text`] holds new text.
pub(super) enum Merged {
    /// The later document is blank (and the earlier one is not `""`): the earlier one stays.
    KeepExisting,
    /// The earlier document is blank, or both are the same bytes: the later one is the result.
    TakeIncoming,
    /// The merged document.
    Text(String),
}

/// Empty or whitespace only: a document with nothing to keep, not even a comment.
pub(super) fn is_blank(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(at, byte)| match byte {
        b' ' | b'\t' | b'\n' => true,
        // TOML's newlines are `\n` and `\r\n`; a lone `\r` is an error, not whitespace.
        b'\r' => bytes.get(at + 1) == Some(&b'\n'),
        _ => false,
    })
}

/// What blank sides decide before any index is read: an empty side gives the other; then a
/// blank one does (so two blank documents give the one that is not `""`, or the earlier one).
pub(super) fn by_blank_sides(existing: &str, incoming: &str) -> Option<Merged> {
    if incoming.is_empty() || (!existing.is_empty() && is_blank(incoming)) {
        Some(Merged::KeepExisting)
    } else if is_blank(existing) {
        Some(Merged::TakeIncoming)
    } else {
        None
    }
}

/// Merges the later document `incoming` into `existing`, or says which side to keep.
pub(super) fn merge(existing: &str, incoming: &str) -> Result<Merged, MergeError> {
    // Each side is parsed even when the other decides the result, so a document that does not
    // parse never passes through a merge unnoticed.
    match by_blank_sides(existing, incoming) {
        Some(Merged::KeepExisting) => {
            check(existing, Side::Existing)?;
            return Ok(Merged::KeepExisting);
        }
        Some(decided) => {
            check(incoming, Side::Incoming)?;
            return Ok(decided);
        }
        None => {}
    }
    if existing == incoming {
        check(existing, Side::Existing)?;
        return Ok(Merged::TakeIncoming);
    }
    let (earlier, kept) = index_keeping(existing, Side::Existing)?;
    let later = index(incoming, Side::Incoming)?;
    let (merged, plan) = Splicer::new(&earlier, &later).merge();
    drop(later);
    #[cfg(debug_assertions)]
    verify(&earlier, &merged, plan.as_deref());
    if let (Some(plan), true) = (plan, merged.len() <= MEMO_LIMIT) {
        let copy = next_copy(kept, &merged, &plan);
        keep_copy(copy, Kept::Merged(earlier.into_body(), plan));
    }
    Ok(Merged::Text(merged))
}

/// Debug builds: the merged text parses, and the index derived for it is the one a fresh read
/// gives (`index/compare.rs`); run on every merge of the tests and the fuzz corpus.
#[cfg(debug_assertions)]
fn verify(earlier: &Index<'_>, merged: &str, plan: Option<&[Edit]>) {
    let derived = plan.and_then(|plan| index::derive(Body::clone(earlier), merged, plan));
    verify_index(merged, derived.as_ref(), || {
        format!("earlier:\n{}\nplan: {plan:?}", earlier.text)
    });
}

/// Debug builds: `merged` parses, and `derived` (if any) is the index a fresh read gives;
/// `context` says where they came from in the panic message.
#[cfg(debug_assertions)]
pub(super) fn verify_index(merged: &str, derived: Option<&Body>, context: impl FnOnce() -> String) {
    let fresh = match index::parse(merged) {
        Ok(fresh) => fresh,
        Err(error) => panic!(
            "the span engine wrote TOML that does not parse ({}):\n{merged}\n{}",
            error.reason,
            context()
        ),
    };
    if let Some(derived) = derived {
        let derived = Index::with_body(merged, derived.clone());
        if let Some(difference) = index::differ(&derived, &fresh) {
            panic!(
                "the derived index differs from a fresh read: {difference}\nmerged:\n{merged}\n{}",
                context()
            );
        }
    }
}

/// The largest document [`check`] keeps an index of: what stays allocated between merges is
/// bounded (a config is a few kilobytes; a larger document is parsed again).
const MEMO_LIMIT: usize = 1 << 20;

/// What the memo keeps for a text: its index, or what derives it.
enum Kept {
    /// The index of a document [`check`] read.
    Checked(Body),
    /// The earlier side's index of the [`merge`] that wrote the text, and that merge's edits:
    /// `index::derive` makes the merged text's index of them when it is asked for.
    Merged(Body, Vec<Edit>),
}

thread_local! {
    /// The last document [`check`] parsed or [`merge`] wrote: a copy of its text, and its
    /// index or what derives it. In a [`merge_all`](crate::merge_all), the first layer's
    /// document is checked when it lands and then each merged text is the earlier side of the
    /// next merge: that merge takes this index instead of reading the same bytes again, so a
    /// fold reads each layer once. Keyed by the whole text (compared byte for byte): an index
    /// is never used for bytes it was not made for, so it never changes a result.
    static CHECKED: RefCell<Option<(String, Kept)>> = const { RefCell::new(None) };
}

/// Keeps `kept` for `text`, if it is small enough.
fn keep(text: &str, kept: Kept) {
    if text.len() <= MEMO_LIMIT {
        keep_copy(text.to_owned(), kept);
    }
}

/// Keeps `kept` for the text `copy` holds.
fn keep_copy(copy: String, kept: Kept) {
    // Inside a thread's destructors the memo may be gone: then nothing is kept.
    let _ = CHECKED.try_with(|memo| *memo.borrow_mut() = Some((copy, kept)));
}

/// Parses `text` only to check it, and keeps its index for a merge of the same text.
pub(super) fn check(text: &str, side: Side) -> Result<(), MergeError> {
    if is_blank(text) {
        return Ok(());
    }
    let body = index(text, side)?.into_body();
    keep(text, Kept::Checked(body));
    Ok(())
}

/// Parses `text` into its [`Index`] (or takes the one [`check`] kept for the same bytes); an
/// error names `side`, the line and the column.
pub(super) fn index(text: &str, side: Side) -> Result<Index<'_>, MergeError> {
    Ok(index_keeping(text, side)?.0)
}

/// [`index`], and the memo's copy of `text` when the index comes from the memo (to be made the
/// next copy in place).
fn index_keeping(text: &str, side: Side) -> Result<(Index<'_>, Option<String>), MergeError> {
    if let Some((kept, body)) = remembered_with_text(text) {
        return Ok((Index::with_body(text, body), Some(kept)));
    }
    let index = index::parse(text);
    let index = index.map_err(|error| parse_error(side, text, error.offset, &error.reason))?;
    Ok((index, None))
}

/// The memo's copy of the text `edits` were applied to, made a copy of `merged` by applying
/// them in place, when that moves fewer bytes than copying `merged` (an append moves almost
/// none); else a copy of `merged`.
fn next_copy(kept: Option<String>, merged: &str, edits: &[Edit]) -> String {
    let Some(mut kept) = kept else {
        return merged.to_owned();
    };
    if !splice::cheaper_in_place(kept.len(), edits.iter().map(|edit| edit.placed().end)) {
        return merged.to_owned();
    }
    for edit in edits.iter().rev() {
        let placed = edit.placed();
        kept.replace_range(
            placed.start..placed.end,
            &merged[placed.out_start..placed.out_end],
        );
    }
    debug_assert_eq!(kept, merged, "the memo's copy, edited in place");
    kept
}

/// The index the memo kept (or derives) for exactly `text`. The memo is used once, and
/// emptied by asking for other text.
#[cfg(any(test, feature = "toml-reference"))]
pub(super) fn remembered(text: &str) -> Option<Body> {
    remembered_with_text(text).map(|(_, body)| body)
}

/// [`remembered`], with the memo's copy of the text.
fn remembered_with_text(text: &str) -> Option<(String, Body)> {
    let (copy, kept) = CHECKED
        .try_with(|memo| {
            let mut memo = memo.borrow_mut();
            // A memo for other bytes goes now: its memory is free for the parse that follows.
            let (copy, kept) = memo.take()?;
            (copy == text).then_some((copy, kept))
        })
        .ok()
        .flatten()?;
    let body = match kept {
        Kept::Checked(body) => body,
        Kept::Merged(earlier, plan) => index::derive(earlier, text, &plan)?,
    };
    Some((copy, body))
}

/// Empties the memo.
#[cfg(any(test, feature = "toml-reference"))]
pub(super) fn forget() {
    let _ = CHECKED.try_with(|memo| memo.borrow_mut().take());
}

pub(super) fn parse_error(side: Side, text: &str, offset: usize, message: &str) -> MergeError {
    let (line, column) = line_column(text, offset);
    let reason = message.split_whitespace().collect::<Vec<_>>().join(" ");
    MergeError::parse(ParseLocation { side, line, column }, "TOML", reason)
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.bytes().filter(|&byte| byte == b'\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod folds;

#[cfg(test)]
mod tests {
    use super::*;

    /// Each `(existing, incoming, merged)`: the two texts merge into new text, `merged`.
    fn assert_merged(cases: &[(&str, &str, &str)]) {
        for &(existing, incoming, merged) in cases {
            let Ok(Merged::Text(text)) = merge(existing, incoming) else {
                panic!("{existing:?} + {incoming:?} did not merge into new text");
            };
            assert_eq!(text, merged, "{existing:?} + {incoming:?}");
        }
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("a = 1\nb = 2", 6), (2, 1));
        assert_eq!(line_column("é = x", 3), (1, 3));
        assert_eq!(line_column("é", 1), (1, 1));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    /// The index `check` keeps serves a merge of exactly the same bytes, once, and changes no
    /// result: merged after a check, after a check of other text, and with nothing kept, the
    /// same text comes out.
    #[test]
    fn a_checked_index_serves_the_same_text_once() {
        let (earlier, later) = ("a.x = 1 # x\nb = 2\na.y = 3\n", "a.z = 4\nb = 5\n");
        let merged = |existing: &str| match merge(existing, later) {
            Ok(Merged::Text(text)) => text,
            _ => panic!("{existing:?} did not merge into new text"),
        };
        let expected = "a.x = 1 # x\nb = 5\na.y = 3\na.z = 4\n";
        let kept = || CHECKED.with(|memo| memo.borrow().as_ref().map(|(text, _)| text.clone()));
        assert_eq!(merged(earlier), expected);
        check(earlier, Side::Existing).unwrap();
        assert_eq!(kept().as_deref(), Some(earlier));
        assert_eq!(merged(earlier), expected);
        // Used once: the memo now holds what derives the merged text's index.
        assert_eq!(kept().as_deref(), Some(expected), "used once");
        check("a = 'other'\n", Side::Existing).unwrap();
        assert_eq!(merged(earlier), expected);
        assert_eq!(kept().as_deref(), Some(expected));
        // A prefix of the kept text is other text.
        check(earlier, Side::Existing).unwrap();
        assert_eq!(
            merge("a.x = 1 # x\n", later)
                .map(|merged| matches!(merged, Merged::Text(_)))
                .ok(),
            Some(true)
        );
    }

    /// Found by fuzzing (`fuzz/corpus/toml_deep_reference/crash-bom-*`): a byte order mark
    /// ended up inside the merged text, where it is not TOML: copied with a later document's
    /// first section, or left behind a key inserted above an earlier document's first header.
    #[test]
    fn a_byte_order_mark_stays_first() {
        assert_merged(&[
            ("a = 1\n", "\u{feff}[t]\nb = 2\n", "a = 1\n\n[t]\nb = 2\n"),
            ("a = 1\n", "\u{feff}  [t] # c\n", "a = 1\n\n  [t] # c\n"),
            (
                "\u{feff}[t]\nb = 2\n",
                "a = 1 # c\n",
                "\u{feff}a = 1 # c\n[t]\nb = 2\n",
            ),
            ("\u{feff}[[t]]\nb = 2\n", "t = 1\n", "\u{feff}t = 1\n"),
        ]);
    }

    /// Found by fuzzing (`fuzz/corpus/toml_deep_reference/crash-crlf-multiline-string*`): a
    /// later multi-line string written into a CRLF document had its line breaks turned into
    /// CRLF, which changed its value; text holding one keeps its own line endings.
    #[test]
    fn a_multi_line_string_keeps_its_line_breaks() {
        assert_merged(&[
            (
                "a = 1\r\n",
                "[d]\ne = \"\"\"\nx\ny\"\"\"\n",
                "a = 1\r\n\n[d]\ne = \"\"\"\nx\ny\"\"\"\n",
            ),
            ("a = 1\r\n", "a = '''x\ny'''\n", "a = '''x\ny'''\r\n"),
            ("a = 1\r\n", "b = 2\n", "a = 1\r\nb = 2\r\n"),
        ]);
    }

    /// Found by fuzzing (`fuzz/corpus/toml_deep/crash-lone-carriage-return`): `""` merged with
    /// `"\r\t"` took the later side as blank and returned text that is not TOML.
    #[test]
    fn a_lone_carriage_return_is_not_blank() {
        assert!(is_blank(" \t\r\n\n"));
        assert!(!is_blank("\r\t"));
        assert!(!is_blank("\n\r"));
        for (existing, incoming, side) in [
            ("", "\r\t", Side::Incoming),
            ("\r", "a = 1\n", Side::Existing),
            ("a = 1\n", "\r", Side::Incoming),
        ] {
            let Err(error) = merge(existing, incoming) else {
                panic!("{existing:?} + {incoming:?} merged");
            };
            assert_eq!(error.location().map(|location| location.side), Some(side));
        }
    }

    /// Found by fuzzing (`fuzz/corpus/toml_deep/crash-comment-without-newline`): the later
    /// document's first key was written on the line of the earlier one's last comment.
    #[test]
    fn keys_after_a_comment_without_a_final_newline_start_a_line() {
        assert_merged(&[
            ("# c", "a = 1\n", "# c\na = 1"),
            ("# c\n# d", "[t]\na = 1\n", "# c\n# d\n[t]\na = 1"),
            ("# c\r\n# d", "a = 1\r\n", "# c\r\n# d\r\na = 1"),
        ]);
    }
}
