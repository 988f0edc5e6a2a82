//! What the span engine reads off an indexed TOML document ([`Index`]): how each table is
//! spelled, where its lines end, whether two values are the same data, and a value written
//! inline.
//!
//! A `[header]` table's span is its header, an array of tables' is its first `[[header]]`, an
//! inline table's is its braces, and a table that exists only through a longer key (`a` in
//! `[a.b]` or in `a.b = 1`) has the span of that key segment.

use toml_parser::decoder::ScalarKind;

use super::index::{Data, Index, Kind, Node, TableId, float_value};

fn line_begin(text: &str, at: usize) -> usize {
    let before = &text.as_bytes()[..at.min(text.len())];
    before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1)
}

/// Where the line holding `at` starts.
/// A byte order mark belongs to the start of its document: the first line starts after it, so
/// that nothing is inserted before it and nothing copied from there carries it.
pub(super) fn line_start(text: &str, at: usize) -> usize {
    match line_begin(text, at) {
        0 if text.starts_with('\u{feff}') => '\u{feff}'.len_utf8(),
        begin => begin,
    }
}

/// The indentation of the line holding `at`.
pub(super) fn indentation(text: &str, at: usize) -> &str {
    let begin = line_begin(text, at);
    let rest = &text[begin..];
    let rest = rest.strip_prefix('\u{feff}').unwrap_or(rest);
    let width = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..width]
}

/// The end of `at`'s trailing comment (before the line break), or of the spaces after `at`
/// when there is none; `None` when no comment follows.
pub(super) fn comment_end(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if !rest[spaces..].starts_with('#') {
        return None;
    }
    let comment = &rest[spaces..];
    let length = comment.find(['\r', '\n']).unwrap_or(comment.len());
    Some(at + spaces + length)
}

/// Where the comment lines right above the line starting at `begin` start (`begin` if none).
pub(super) fn comments_above(text: &str, begin: usize) -> usize {
    let mut start = begin;
    while start > 0 {
        let previous = line_begin(text, start - 1);
        if !text[previous..start].trim_start().starts_with('#') {
            break;
        }
        start = previous;
    }
    start
}

/// A `[header]` section of `ix` as written: from its header line to its last key-value
/// line, ending with a line break.
pub(super) fn section_text(ix: &Index<'_>, header: &Node) -> String {
    let text = ix.text;
    let start = line_start(text, header.span().start);
    let mut section = text[start..section_end(ix, header)].to_owned();
    if !section.ends_with('\n') {
        section.push('\n');
    }
    section
}

/// The end of the line holding `at`, after its line break (or the end of the text).
pub(super) fn line_end(text: &str, at: usize) -> usize {
    let after = &text.as_bytes()[at.min(text.len())..];
    match after.iter().position(|&byte| byte == b'\n') {
        Some(newline) => at + newline + 1,
        None => text.len(),
    }
}

/// The end of the last key-value line written for `table`'s own entries (dotted tables
/// included), the other tables being elsewhere; `None` when it has none.
pub(super) fn lines_end(ix: &Index<'_>, table: TableId) -> Option<usize> {
    ix.lines_end(table, || {
        // `line_end` grows with its offset: the line of the value that ends last.
        ix.iter(table)
            .filter_map(|entry| match entry.node.kind {
                Kind::Value | Kind::Inline => Some(entry.node.span().end),
                Kind::Dotted => entry
                    .node
                    .table()
                    .and_then(|t| lines_end(ix, t))
                    .map(|end| end.saturating_sub(1)),
                _ => None,
            })
            .max()
            .map(|end| line_end(ix.text, end))
    })
}

/// The end of a `[header]` table's own section: its last key-value line, or its header line.
pub(super) fn section_end(ix: &Index<'_>, header: &Node) -> usize {
    let own = header.table().and_then(|t| lines_end(ix, t));
    own.unwrap_or_else(|| line_end(ix.text, header.span().end))
}

/// The end of the last section (`[header]` or `[[header]]`) under `table`, if any.
pub(super) fn subtree_end(ix: &Index<'_>, table: TableId) -> Option<usize> {
    let mut end = None;
    for entry in ix.iter(table) {
        let node = &entry.node;
        let here = match node.kind {
            Kind::Header => Some(section_end(ix, node).max(nested_end(ix, node))),
            Kind::Implicit | Kind::Dotted => node.table().and_then(|t| subtree_end(ix, t)),
            Kind::Tables => ix
                .elements(node)
                .iter()
                .map(|element| section_end(ix, element).max(nested_end(ix, element)))
                .max(),
            _ => None,
        };
        end = end.max(here);
    }
    end
}

fn nested_end(ix: &Index<'_>, node: &Node) -> usize {
    node.table().and_then(|t| subtree_end(ix, t)).unwrap_or(0)
}

/// Whether two values are the same data, whatever their spelling: `'x'` and `"x"`, `0x10`
/// and `16`, `[a]` and `a = {}` are no change. All NaNs are alike (toml-test's rule); `0.0`
/// and `-0.0` differ. Scalars are decoded here, only for the values compared. Recursion is
/// bounded by the parser's nesting limit.
pub(super) fn same(earlier: &Index<'_>, a: &Node, later: &Index<'_>, b: &Node) -> bool {
    match (a.data, b.data) {
        (Data::Scalar(_, kind_a), Data::Scalar(_, kind_b)) => {
            let (text_a, text_b) = (earlier.decode(a), later.decode(b));
            match (kind_a, kind_b) {
                (ScalarKind::String, ScalarKind::String) => text_a == text_b,
                (ScalarKind::Boolean(x), ScalarKind::Boolean(y)) => x == y,
                (ScalarKind::Integer(radix_a), ScalarKind::Integer(radix_b)) => {
                    i64::from_str_radix(&text_a, radix_a.value()).ok()
                        == i64::from_str_radix(&text_b, radix_b.value()).ok()
                }
                (ScalarKind::Float, ScalarKind::Float) => {
                    match (float_value(&text_a), float_value(&text_b)) {
                        (Some(x), Some(y)) => {
                            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
                        }
                        _ => false,
                    }
                }
                (ScalarKind::DateTime, ScalarKind::DateTime) => {
                    let parse = |text: &str| text.parse::<toml::value::Datetime>().ok();
                    parse(&text_a) == parse(&text_b)
                }
                _ => false,
            }
        }
        (Data::Array(_), Data::Array(_)) => {
            let (items_a, items_b) = (earlier.elements(a), later.elements(b));
            items_a.len() == items_b.len()
                && items_a
                    .iter()
                    .zip(items_b)
                    .all(|(x, y)| same(earlier, x, later, y))
        }
        (Data::Table(table_a), Data::Table(table_b)) => {
            earlier.len(table_a) == later.len(table_b)
                && earlier.iter(table_a).all(|entry| {
                    later
                        .get(table_b, earlier.key(entry))
                        .is_some_and(|other| same(earlier, &entry.node, later, &other.node))
                })
        }
        _ => false,
    }
}

/// Writes `node` of `ix` as an inline value: values as they are spelled, tables of any
/// spelling as `{ key = value, ... }` and arrays of tables as `[{ ... }, ...]`.
pub(super) fn write_inline(ix: &Index<'_>, node: &Node, out: &mut String) {
    if node.kind.is_spanned_value() {
        out.push_str(&ix.text[node.span()]);
        return;
    }
    match node.data {
        Data::Table(table) => write_inline_table(ix, table, out),
        Data::Array(_) => {
            out.push('[');
            for (index, element) in ix.elements(node).iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_inline(ix, element, out);
            }
            out.push(']');
        }
        Data::Scalar(..) => out.push_str(&ix.text[node.span()]),
    }
}

/// Writes a table's entries between braces, each key as `ix` spells its segment.
pub(super) fn write_inline_table(ix: &Index<'_>, table: TableId, out: &mut String) {
    if ix.len(table) == 0 {
        out.push_str("{}");
        return;
    }
    out.push_str("{ ");
    for (index, entry) in ix.entries(table).enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(&ix.text[entry.key_span()]);
        out.push_str(" = ");
        write_inline(ix, &entry.node, out);
    }
    out.push_str(" }");
}
