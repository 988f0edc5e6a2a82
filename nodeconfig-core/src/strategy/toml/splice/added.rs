//! What the span engine writes for a key new to the earlier document: inline entries, key-value
//! lines or whole sections, copied from the later document's text where it can.

use super::super::index::{Index, Kind, Node};
use super::super::spans::{comment_end, comments_above, line_start, section_text, write_inline};
use std::borrow::Cow;

use super::{Added, New, Splicer, Target};

impl<'a> Splicer<'a> {
    /// Writes a key new to `target`: as inline entries, lines or sections, by the target's
    /// spelling.
    pub(super) fn new_entry(&self, target: &Target<'_>, new: &New<'_>, added: &mut Added<'a>) {
        let later = self.incoming;
        if target.slot.is_some() {
            match new.inline_entry(later) {
                Some(entry) if !target.has_prefix() => added.inline.push(entry.to_owned()),
                _ => {
                    let relative = target.relative(new.raw_key);
                    inline_entries(self.later, &relative, &new.node, &mut added.inline);
                }
            }
            return;
        }
        if let (Some(start), true, true) = (
            new.key_start,
            !target.has_prefix(),
            new.kind.is_spanned_value(),
        ) {
            // The later line as it is spelled, with the comment lines right above it.
            let span = new.node.span();
            let end = comment_end(later, span.end).unwrap_or(span.end);
            let line_begin = line_start(later, start);
            let above = comments_above(later, line_begin);
            let comments = &later[above..line_begin];
            added
                .lines
                .push((comments, Cow::Borrowed(&later[start..end])));
            return;
        }
        let relative = target.relative(new.raw_key);
        self.gather(&relative, &new.node, new.inline, added);
    }

    /// The lines (relative to the target table) and sections that write `node` anew.
    fn gather(&self, relative: &str, node: &Node, inline: bool, added: &mut Added<'a>) {
        let (later, ix) = (self.incoming, self.later);
        let node_kind = node.kind;
        if inline || node_kind.is_spanned_value() {
            let mut line = assignment(relative);
            let span = node.span();
            match comment_end(later, span.end).filter(|_| !inline) {
                Some(end) => line.push_str(&later[span.start..end]),
                None => write_inline(ix, node, &mut line),
            }
            added.lines.push(("", Cow::Owned(line)));
            return;
        }
        match node_kind {
            Kind::Header => {
                added.sections.push(section_text(ix, node));
                self.gather_sections(node, added);
            }
            Kind::Tables => {
                for element in ix.elements(node) {
                    added.sections.push(section_text(ix, element));
                    self.gather_sections(element, added);
                }
            }
            _ => {
                let Some(table) = node.table() else {
                    return;
                };
                for entry in ix.entries(table) {
                    let relative = dotted(relative, &later[entry.key_span()]);
                    self.gather(&relative, &entry.node, false, added);
                }
            }
        }
    }

    /// The sections of the tables under a `[header]` table of the later document.
    fn gather_sections(&self, node: &Node, added: &mut Added<'a>) {
        let ix = self.later;
        let Some(table) = node.table() else {
            return;
        };
        for entry in ix.entries(table) {
            let child = &entry.node;
            match child.kind {
                Kind::Header | Kind::Tables => {
                    let mut sections = Added::default();
                    self.gather("", child, false, &mut sections);
                    added.sections.append(&mut sections.sections);
                }
                Kind::Implicit | Kind::Dotted => self.gather_sections(child, added),
                _ => {}
            }
        }
    }
}

/// The entries that write `node` in an inline table: one per leaf for a dotted key's table
/// (`b.c = 1`), as the later inline table spells it; one `key = value` otherwise.
fn inline_entries(ix: &Index<'_>, relative: &str, node: &Node, out: &mut Vec<String>) {
    if let (Kind::DottedInline, Some(table)) = (node.kind, node.table()) {
        for entry in ix.entries(table) {
            let relative = dotted(relative, &ix.text[entry.key_span()]);
            inline_entries(ix, &relative, &entry.node, out);
        }
        return;
    }
    let mut entry = assignment(relative);
    write_inline(ix, node, &mut entry);
    out.push(entry);
}

/// `relative.key`.
fn dotted(relative: &str, key: &str) -> String {
    let mut dotted = String::with_capacity(relative.len() + 1 + key.len());
    dotted.push_str(relative);
    dotted.push('.');
    dotted.push_str(key);
    dotted
}

/// `relative = `, to which the value is appended.
fn assignment(relative: &str) -> String {
    let mut line = String::with_capacity(relative.len() + 16);
    line.push_str(relative);
    line.push_str(" = ");
    line
}
