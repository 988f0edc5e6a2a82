//! `toml_deep` on text: the fast paths, parsing with positioned errors, and rendering.

use toml_edit::{DocumentMut, TomlError};

use super::memo;
use super::tree::{Source, Target, merge_tables};
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

/// Merges the later document `incoming` into `existing`, or says which side to keep.
pub(super) fn merge(existing: &str, incoming: &str) -> Result<Merged, MergeError> {
    // Each side is parsed even when the other decides the result, so a document that does not
    // parse never passes through a merge unnoticed.
    // An empty side gives the other; then a blank one does (so two blank documents give the
    // one that is not `""`, or the earlier one).
    if incoming.is_empty() || (!existing.is_empty() && is_blank(incoming)) {
        check(existing, Side::Existing)?;
        return Ok(Merged::KeepExisting);
    }
    if is_blank(existing) {
        check(incoming, Side::Incoming)?;
        return Ok(Merged::TakeIncoming);
    }
    if existing == incoming {
        check(existing, Side::Existing)?;
        return Ok(Merged::TakeIncoming);
    }
    let mut document = match memo::take(existing) {
        Some(document) => document,
        None => parse(existing, Side::Existing)?,
    };
    let later = parse(incoming, Side::Incoming)?;
    if document.is_empty() {
        // A document of comments only keeps them all in its trailing text, which is written
        // last; as the root's prefix they stay above the keys the later document brings.
        let mut comments = document.trailing().as_str().unwrap_or_default().to_owned();
        // Without a final newline the last comment would swallow the first key written after it.
        if !comments.is_empty() && !comments.ends_with('\n') {
            comments.push('\n');
        }
        document.set_trailing("");
        document.decor_mut().set_prefix(comments);
    }
    merge_tables(
        Target::Lines(document.as_table_mut()),
        Source::Lines(later.as_table()),
    );
    let mut text = String::with_capacity(existing.len() + incoming.len());
    use std::fmt::Write as _;
    // Writing into a `String` cannot fail.
    let _ = write!(text, "{document}");
    Ok(Merged::Text(match_line_endings(existing, text)))
}

/// Parses `text` only to check it, without building an editable tree. During a `merge_all`,
/// the parse is remembered: the checked text is usually the next merge's earlier document.
pub(super) fn check(text: &str, side: Side) -> Result<(), MergeError> {
    if is_blank(text) || memo::holds(text) {
        return Ok(());
    }
    if memo::active() {
        let document = toml_edit::Document::parse(text.to_owned())
            .map_err(|error| parse_error(side, text, &error))?;
        memo::keep(document);
        return Ok(());
    }
    toml_edit::Document::parse(text)
        .map(drop)
        .map_err(|error| parse_error(side, text, &error))
}

fn parse(text: &str, side: Side) -> Result<DocumentMut, MergeError> {
    text.parse::<DocumentMut>()
        .map_err(|error| parse_error(side, text, &error))
}

fn parse_error(side: Side, text: &str, error: &TomlError) -> MergeError {
    let offset = error.span().map_or(0, |span| span.start);
    let (line, column) = line_column(text, offset);
    let reason = error
        .message()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    MergeError::parse(ParseLocation { side, line, column }, "TOML", reason)
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.bytes().filter(|&byte| byte == b'\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

/// toml_edit ends every line it writes with `\n` and every document with a newline, and drops
/// a byte order mark; the earlier document's conventions win.
fn match_line_endings(existing: &str, mut text: String) -> String {
    let crlf = existing
        .find('\n')
        .is_some_and(|newline| existing[..newline].ends_with('\r'));
    if crlf
        && text
            .bytes()
            .enumerate()
            .any(|(i, b)| b == b'\n' && !text[..i].ends_with('\r'))
    {
        let mut converted = String::with_capacity(text.len() + text.len() / 16);
        let mut previous = '\0';
        for c in text.chars() {
            if c == '\n' && previous != '\r' {
                converted.push('\r');
            }
            converted.push(c);
            previous = c;
        }
        text = converted;
    }
    if existing.starts_with('\u{feff}') && !text.starts_with('\u{feff}') {
        text.insert(0, '\u{feff}');
    }
    if !existing.ends_with('\n') {
        if text.ends_with("\r\n") {
            text.truncate(text.len() - 2);
        } else if text.ends_with('\n') {
            text.truncate(text.len() - 1);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("a = 1\nb = 2", 6), (2, 1));
        assert_eq!(line_column("é = x", 3), (1, 3));
        assert_eq!(line_column("é", 1), (1, 1));
        assert_eq!(line_column("ab", 99), (1, 3));
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
        for (existing, incoming, merged) in [
            ("# c", "a = 1\n", "# c\na = 1"),
            ("# c\n# d", "[t]\na = 1\n", "# c\n# d\n[t]\na = 1"),
            ("# c\r\n# d", "a = 1\r\n", "# c\r\n# d\r\na = 1"),
        ] {
            let Ok(Merged::Text(text)) = merge(existing, incoming) else {
                panic!("{existing:?} + {incoming:?} did not merge into new text");
            };
            assert_eq!(text, merged);
        }
    }

    /// Inside a session the check's parse is kept and the next merge of that text takes it
    /// instead of parsing again; outside one nothing is kept.
    #[test]
    fn a_checked_document_is_not_parsed_again_during_a_session() {
        let merge_text = |existing: &str, incoming: &str| match merge(existing, incoming) {
            Ok(Merged::Text(text)) => text,
            _ => panic!("{existing:?} + {incoming:?} did not merge into new text"),
        };
        check("a = 1\n", Side::Incoming).unwrap();
        assert!(!memo::holds("a = 1\n"));

        let session = memo::Session::open();
        check("a = 1\n", Side::Incoming).unwrap();
        assert!(memo::holds("a = 1\n"));
        // Another text is parsed as usual and leaves the kept parse alone.
        assert_eq!(merge_text("c = 3\n", "b = 2\n"), "c = 3\nb = 2\n");
        assert!(memo::holds("a = 1\n"));
        // The kept text's merge takes its tree.
        assert_eq!(merge_text("a = 1\n", "b = 2\n"), "a = 1\nb = 2\n");
        assert!(!memo::holds("a = 1\n"));
        // A checked text that fails to parse is not kept.
        assert!(check("a = \n", Side::Incoming).is_err());
        assert!(!memo::holds("a = \n"));
        drop(session);
    }

    #[test]
    fn line_endings_follow_the_earlier_document() {
        assert_eq!(
            match_line_endings("a = 1\r\n", "a = 1\nb = 2\n".into()),
            "a = 1\r\nb = 2\r\n"
        );
        assert_eq!(
            match_line_endings("a = 1", "a = 1\nb = 2\n".into()),
            "a = 1\nb = 2"
        );
        assert_eq!(match_line_endings("a = 1\n", "a = 1\n".into()), "a = 1\n");
    }
}
