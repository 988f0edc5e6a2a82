//! What the span engine reads off a parsed TOML document: how each table is spelled, where its
//! lines end, whether two values are the same data, and a value written inline.
//!
//! The documents are parsed with [`toml::de::DeTable::parse`], the `toml` crate's borrowing
//! parser on `toml_parser`: it checks every rule of the TOML grammar and keeps, for each key and
//! value, its byte span in the text. A `[header]` table's span is its header, an array of
//! tables' is its first `[[header]]`, an inline table's is its braces, and a table that exists
//! only through a longer key (`a` in `[a.b]` or in `a.b = 1`) has the span of that key segment.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(super) type Key<'i> = Spanned<Cow<'i, str>>;
pub(super) type Node<'i> = Spanned<DeValue<'i>>;

/// How a value is spelled in its document.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    /// A scalar or an array written after `=` (or as an inline table's entry).
    Value,
    /// An inline table `{ ... }`.
    Inline,
    /// A `[header]` table.
    Header,
    /// A table that only exists as a prefix of `[headers]`.
    Implicit,
    /// A table made by dotted keys on key-value lines (`a.b = 1` makes `a`).
    Dotted,
    /// A table made by dotted keys inside an inline table (`{ a.b = 1 }` makes `a`).
    DottedInline,
    /// An array of tables, `[[header]]`.
    Tables,
}

impl Kind {
    /// Whether the value has one span that can be replaced by another value's text.
    pub(super) fn is_spanned_value(self) -> bool {
        matches!(self, Kind::Value | Kind::Inline)
    }

    pub(super) fn is_table(self) -> bool {
        !matches!(self, Kind::Value | Kind::Tables)
    }
}

/// The kind of `node`, a value of a table of `text`; `inline` when that table is inline.
pub(super) fn kind(text: &str, node: &Node<'_>, inline: bool) -> Kind {
    let start = node.span().start;
    let at = text.as_bytes().get(start).copied();
    match node.get_ref() {
        DeValue::Table(_) if at == Some(b'{') => Kind::Inline,
        DeValue::Table(_) if inline => Kind::DottedInline,
        DeValue::Table(_) if at == Some(b'[') => Kind::Header,
        DeValue::Table(_) if first_on_line(text, start) == Some(b'[') => Kind::Implicit,
        DeValue::Table(_) => Kind::Dotted,
        DeValue::Array(_) if at == Some(b'[') && is_line_start(text, start) => Kind::Tables,
        _ => Kind::Value,
    }
}

/// The entries of `table` in the order of their keys in the text.
pub(super) fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Key<'i>, &'t Node<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_unstable_by_key(|(key, _)| key.span().start);
    entries
}

fn line_begin(text: &str, at: usize) -> usize {
    let before = &text.as_bytes()[..at.min(text.len())];
    before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1)
}

/// The first byte of `at`'s line that is not indentation (a byte order mark counts as such).
fn first_on_line(text: &str, at: usize) -> Option<u8> {
    let begin = line_begin(text, at);
    text[begin..]
        .trim_start_matches(['\u{feff}', ' ', '\t'])
        .bytes()
        .next()
}

fn is_line_start(text: &str, at: usize) -> bool {
    text[line_begin(text, at)..at]
        .trim_start_matches(['\u{feff}', ' ', '\t'])
        .is_empty()
}

/// Where the line holding `at` starts.
pub(super) fn line_start(text: &str, at: usize) -> usize {
    line_begin(text, at)
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

/// A `[header]` section of `text` as written: from its header line to its last key-value
/// line, ending with a line break.
pub(super) fn section_text(text: &str, header: &Node<'_>) -> String {
    let start = line_begin(text, header.span().start);
    let mut section = text[start..section_end(text, header)].to_owned();
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
pub(super) fn lines_end(text: &str, table: &DeTable<'_>) -> Option<usize> {
    table
        .iter()
        .filter_map(|(_, node)| match kind(text, node, false) {
            Kind::Value | Kind::Inline => Some(line_end(text, node.span().end)),
            Kind::Dotted => node.get_ref().as_table().and_then(|t| lines_end(text, t)),
            _ => None,
        })
        .max()
}

/// The end of a `[header]` table's own section: its last key-value line, or its header line.
pub(super) fn section_end(text: &str, header: &Node<'_>) -> usize {
    let own = header.get_ref().as_table().and_then(|t| lines_end(text, t));
    own.unwrap_or_else(|| line_end(text, header.span().end))
}

/// The end of the last section (`[header]` or `[[header]]`) under `table`, if any.
pub(super) fn subtree_end(text: &str, table: &DeTable<'_>) -> Option<usize> {
    let mut end = None;
    for (_, node) in table.iter() {
        let here = match kind(text, node, false) {
            Kind::Header => Some(section_end(text, node).max(nested_end(text, node))),
            Kind::Implicit | Kind::Dotted => {
                node.get_ref().as_table().and_then(|t| subtree_end(text, t))
            }
            Kind::Tables => elements(node)
                .map(|element| section_end(text, element).max(nested_end(text, element)))
                .max(),
            _ => None,
        };
        end = end.max(here);
    }
    end
}

fn nested_end(text: &str, node: &Node<'_>) -> usize {
    let table = node.get_ref().as_table();
    table.and_then(|t| subtree_end(text, t)).unwrap_or(0)
}

/// The tables of an array of tables.
pub(super) fn elements<'t, 'i>(node: &'t Node<'i>) -> impl Iterator<Item = &'t Node<'i>> {
    node.get_ref().as_array().into_iter().flat_map(|a| a.iter())
}

/// Checks what the parser leaves to deserialisation: integers fit in 64 bits and floats are
/// finite unless written as `inf`. Returns the span of the first value that does not.
pub(super) fn check_numbers(
    table: &DeTable<'_>,
) -> Result<(), (std::ops::Range<usize>, &'static str)> {
    let mut pending: Vec<&Node<'_>> = table.values().collect();
    while let Some(node) = pending.pop() {
        match node.get_ref() {
            DeValue::Integer(integer) => {
                if i64::from_str_radix(integer.as_str(), integer.radix()).is_err() {
                    return Err((node.span(), "integer number overflowed"));
                }
            }
            DeValue::Float(float) => {
                if float_value(float.as_str()).is_none() {
                    return Err((node.span(), "float number overflowed"));
                }
            }
            DeValue::Array(array) => pending.extend(array.iter()),
            DeValue::Table(table) => pending.extend(table.values()),
            DeValue::String(_) | DeValue::Boolean(_) | DeValue::Datetime(_) => {}
        }
    }
    Ok(())
}

fn float_value(text: &str) -> Option<f64> {
    let value: f64 = text.parse().ok()?;
    (!value.is_infinite() || text.contains("inf")).then_some(value)
}

/// Whether two values are the same data, whatever their spelling: `'x'` and `"x"`, `0x10`
/// and `16`, `[a]` and `a = {}` are no change. All NaNs are alike (toml-test's rule); `0.0`
/// and `-0.0` differ. Recursion is bounded by the parser's nesting limit.
pub(super) fn same(existing: &DeValue<'_>, incoming: &DeValue<'_>) -> bool {
    match (existing, incoming) {
        (DeValue::String(a), DeValue::String(b)) => a == b,
        (DeValue::Integer(a), DeValue::Integer(b)) => {
            i64::from_str_radix(a.as_str(), a.radix()).ok()
                == i64::from_str_radix(b.as_str(), b.radix()).ok()
        }
        (DeValue::Float(a), DeValue::Float(b)) => {
            match (float_value(a.as_str()), float_value(b.as_str())) {
                (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                _ => false,
            }
        }
        (DeValue::Boolean(a), DeValue::Boolean(b)) => a == b,
        (DeValue::Datetime(a), DeValue::Datetime(b)) => a == b,
        (DeValue::Array(a), DeValue::Array(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b.iter())
                    .all(|(a, b)| same(a.get_ref(), b.get_ref()))
        }
        (DeValue::Table(a), DeValue::Table(b)) => {
            a.len() == b.len()
                && a.iter().all(|(key, a)| {
                    b.get(key.get_ref().as_ref())
                        .is_some_and(|b| same(a.get_ref(), b.get_ref()))
                })
        }
        _ => false,
    }
}

/// Writes `node` of `text` as an inline value: values as they are spelled, tables of any
/// spelling as `{ key = value, ... }` and arrays of tables as `[{ ... }, ...]`.
pub(super) fn write_inline(text: &str, node: &Node<'_>, inline: bool, out: &mut String) {
    let kind = kind(text, node, inline);
    if kind.is_spanned_value() {
        out.push_str(&text[node.span()]);
        return;
    }
    match node.get_ref() {
        DeValue::Table(table) => write_inline_table(text, table, out),
        DeValue::Array(array) => {
            out.push('[');
            for (index, element) in array.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_inline(text, element, true, out);
            }
            out.push(']');
        }
        _ => out.push_str(&text[node.span()]),
    }
}

/// Writes a table's entries between braces, each key as `text` spells its segment.
pub(super) fn write_inline_table(text: &str, table: &DeTable<'_>, out: &mut String) {
    if table.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{ ");
    for (index, (key, node)) in entries(table).into_iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(&text[key.span()]);
        out.push_str(" = ");
        write_inline(text, node, true, out);
    }
    out.push_str(" }");
}
