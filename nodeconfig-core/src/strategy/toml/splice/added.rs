//! What the span engine writes for a key new to the earlier document: inline entries, key-value
//! lines or whole sections, copied from the later document's text where it can.

use super::super::spans::{
    Kind, Node, comment_end, comments_above, elements, entries, kind, line_start, section_text,
    write_inline,
};
use super::{Added, New, Splicer, Target};

impl Splicer<'_> {
    /// Writes a key new to `target`: as inline entries, lines or sections, by the target's
    /// spelling.
    pub(super) fn new_entry(&self, target: &Target<'_, '_>, new: &New<'_, '_>, added: &mut Added) {
        let later = self.incoming;
        if target.slot.is_some() {
            match new.inline_entry(later) {
                Some(entry) if target.prefix.is_empty() => added.inline.push(entry.to_owned()),
                _ => {
                    let relative = format!("{}{}", target.prefix, new.raw_key);
                    inline_entries(later, &relative, new.node, new.kind, &mut added.inline);
                }
            }
            return;
        }
        if let (Some(start), true, true) = (
            new.key_start,
            target.prefix.is_empty(),
            new.kind.is_spanned_value(),
        ) {
            // The later line as it is spelled, with the comment lines right above it.
            let span = new.node.span();
            let end = comment_end(later, span.end).unwrap_or(span.end);
            let line_begin = line_start(later, start);
            let above = comments_above(later, line_begin);
            let comments = later[above..line_begin].to_owned();
            added.lines.push((comments, later[start..end].to_owned()));
            return;
        }
        let relative = format!("{}{}", target.prefix, new.raw_key);
        self.gather(&relative, new.node, new.kind, new.inline, added);
    }

    /// The lines (relative to the target table) and sections that write `node` anew.
    fn gather(
        &self,
        relative: &str,
        node: &Node<'_>,
        node_kind: Kind,
        inline: bool,
        added: &mut Added,
    ) {
        let later = self.incoming;
        if inline || node_kind.is_spanned_value() {
            let mut line = format!("{relative} = ");
            let span = node.span();
            match comment_end(later, span.end).filter(|_| !inline) {
                Some(end) => line.push_str(&later[span.start..end]),
                None => write_inline(later, node, inline, &mut line),
            }
            added.lines.push((String::new(), line));
            return;
        }
        match node_kind {
            Kind::Header => {
                added.sections.push(section_text(later, node));
                self.gather_sections(node, added);
            }
            Kind::Tables => {
                for element in elements(node) {
                    added.sections.push(section_text(later, element));
                    self.gather_sections(element, added);
                }
            }
            _ => {
                let Some(table) = node.get_ref().as_table() else {
                    return;
                };
                for (key, child) in entries(table) {
                    let child_kind = kind(later, child, false);
                    let relative = format!("{relative}.{}", &later[key.span()]);
                    self.gather(&relative, child, child_kind, false, added);
                }
            }
        }
    }

    /// The sections of the tables under a `[header]` table of the later document.
    fn gather_sections(&self, node: &Node<'_>, added: &mut Added) {
        let later = self.incoming;
        let Some(table) = node.get_ref().as_table() else {
            return;
        };
        for (_, child) in entries(table) {
            match kind(later, child, false) {
                child_kind @ (Kind::Header | Kind::Tables) => {
                    let mut sections = Added::default();
                    self.gather("", child, child_kind, false, &mut sections);
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
fn inline_entries(
    later: &str,
    relative: &str,
    node: &Node<'_>,
    node_kind: Kind,
    out: &mut Vec<String>,
) {
    if let (Kind::DottedInline, Some(table)) = (node_kind, node.get_ref().as_table()) {
        for (key, child) in entries(table) {
            let relative = format!("{relative}.{}", &later[key.span()]);
            inline_entries(later, &relative, child, kind(later, child, true), out);
        }
        return;
    }
    let mut entry = format!("{relative} = ");
    write_inline(later, node, true, &mut entry);
    out.push(entry);
}
