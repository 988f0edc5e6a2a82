//! The toml_edit engine that `toml_deep` on text used before the span engine, kept as the
//! reference the differential tests and the fuzz target compare the span engine with (feature
//! `toml-reference`, not for use in programs: it regroups interleaved dotted keys and is
//! quadratic in the number of new keys, see BENCHMARKS.md).
//!
//! ```
//! let merged = nodeconfig_core::strategy::toml::reference::merge("a = 1\n", "b = 2\n")?;
//! assert_eq!(merged, "a = 1\nb = 2\n");
//! # Ok::<(), nodeconfig_core::MergeError>(())
//! ```

mod same;
mod tree;

use toml_edit::{DocumentMut, TomlError};

use super::document::{is_blank, line_column};
use crate::{MergeError, ParseLocation, Side};
use tree::{Source, Target, merge_tables};

/// Merges `incoming` into `existing` the way toml_edit's tree does; the same fast paths
/// (blank sides, equal texts) as the span engine.
///
/// # Errors
///
/// Either side failing to parse, with its side, line and column.
pub fn merge(existing: &str, incoming: &str) -> Result<String, MergeError> {
    if incoming.is_empty() || (!existing.is_empty() && is_blank(incoming)) {
        parse(existing, Side::Existing)?;
        return Ok(existing.to_owned());
    }
    if is_blank(existing) {
        parse(incoming, Side::Incoming)?;
        return Ok(incoming.to_owned());
    }
    if existing == incoming {
        parse(existing, Side::Existing)?;
        return Ok(incoming.to_owned());
    }
    let mut document = parse(existing, Side::Existing)?;
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
    Ok(match_line_endings(existing, text))
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

/// toml_edit ends every line it writes with `\n` and every document with a newline, and drops
/// a byte order mark; the earlier document's conventions win, except that a document holding
/// a multi-line string keeps its line endings (a line break in one is part of its value).
fn match_line_endings(existing: &str, mut text: String) -> String {
    let crlf = existing
        .find('\n')
        .is_some_and(|newline| existing[..newline].ends_with('\r'));
    let multi_line = text.contains("\"\"\"") || text.contains("'''");
    if crlf
        && !multi_line
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

/// Builds the span engine's index of `text` (its whole parse, every rule checked) and returns
/// how many tables it holds: the `index_both` contestant of the `toml_deep` bench.
///
/// ```
/// let tables = nodeconfig_core::strategy::toml::reference::index_tables("a.b = 1\n[c]\n")?;
/// assert_eq!(tables, 3);
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
///
/// # Errors
///
/// `text` does not parse (the side named is [`Side::Existing`]).
pub fn index_tables(text: &str) -> Result<usize, MergeError> {
    super::document::index(text, Side::Existing).map(|index| index.table_count())
}

/// Merges `incoming` into `existing` as `toml_deep` does, then compares the index that merge
/// left for the next one (derived from the earlier index and the edits, `index/derive.rs`)
/// with a fresh read of the merged text: `Ok(Some(difference))` names the first place they
/// differ, `Ok(None)` means they agree or no index was left (the merge did not write new
/// text, or its edits are of a kind not derived). The memo is empty afterwards.
///
/// ```
/// use nodeconfig_core::strategy::toml::reference::derived_index_difference;
///
/// assert_eq!(derived_index_difference("[t]\na = 1\n", "[t]\nb = 2\n")?, None);
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
///
/// # Errors
///
/// Either side failing to parse, as in [`merge`].
pub fn derived_index_difference(
    existing: &str,
    incoming: &str,
) -> Result<Option<String>, MergeError> {
    use super::document::{Merged, merge, remembered};
    let Merged::Text(merged) = merge(existing, incoming)? else {
        return Ok(None);
    };
    let Some(derived) = remembered(&merged) else {
        return Ok(None);
    };
    let derived = super::index::Index::with_body(&merged, derived);
    let fresh = super::index::parse(&merged).map_err(|error| {
        let (line, column) = line_column(&merged, error.offset);
        let location = ParseLocation {
            side: Side::Existing,
            line,
            column,
        };
        MergeError::parse(location, "TOML", error.reason)
    })?;
    Ok(super::index::differ(&derived, &fresh))
}

/// Empties the thread's memo of the last document read or merged, so that the next merge
/// reads both texts afresh (to compare a fold through derived indexes with one without).
///
/// ```
/// nodeconfig_core::strategy::toml::reference::forget();
/// ```
pub fn forget() {
    super::document::forget();
}
