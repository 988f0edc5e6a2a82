//! The span engine behind `toml_deep` on text: the merge is decided on the two parsed
//! documents, and the result is the earlier text with a list of splices applied (a value's
//! span replaced by the later spelling, lines and sections inserted, replaced tables'
//! lines removed). Every byte outside a splice is copied as it was.

use toml::de::DeTable;

mod added;
mod apply;

use super::inline::{Slot, needs_rewrite, write_merged};
use super::spans::{
    Key, Kind, Node, comment_end, elements, entries, indentation, kind, line_end, line_start,
    lines_end, same, section_end, subtree_end, write_inline,
};

/// A key of the later table that is new to the earlier one (or replaces it whole).
struct New<'n, 'i> {
    raw_key: &'n str,
    /// Where its key-value line starts, when the key starts it (its table is a section).
    key_start: Option<usize>,
    node: &'n Node<'i>,
    kind: Kind,
    /// Whether the later table is inline.
    inline: bool,
    /// The span of `key = value` in a later inline table.
    entry: Option<(usize, usize)>,
}

impl New<'_, '_> {
    /// The entry as the later inline table spells it (`y=2`), if it is a plain one.
    fn inline_entry<'t>(&self, later: &'t str) -> Option<&'t str> {
        let (start, end) = self.entry?;
        later.get(start..end)
    }
}

/// One change to the earlier text: `text` replaces `start..end` (an insertion when empty).
struct Edit {
    start: usize,
    /// Insertions at one place go lines first, then sections, then what replaces text there.
    class: u8,
    seq: usize,
    end: usize,
    text: String,
}

const LINES: u8 = 0;
const SECTIONS: u8 = 1;
const REPLACE: u8 = 2;

/// An earlier table that later keys merge into, and where its new entries go.
struct Target<'t, 'i> {
    table: &'t DeTable<'i>,
    kind: Kind,
    /// The raw header path (`a."b".c`), for a table that needs a header of its own.
    path: String,
    /// For dotted tables, the raw dotted key from their section or inline table, with a dot.
    prefix: String,
    /// Where new key-value lines go.
    at: usize,
    /// Where new entries go in an inline table.
    slot: Option<Slot>,
    /// Where new sections go when no section lies under the table.
    sections_at: Option<usize>,
    /// For a dotted key's table in an inline table, where its dotted key starts.
    entry_start: usize,
}

/// What a table's merge adds: key-value lines, sections, inline entries.
#[derive(Default)]
struct Added {
    /// Comment lines brought along (with their own indentation), and the line.
    lines: Vec<(String, String)>,
    sections: Vec<String>,
    inline: Vec<String>,
}

/// Merges `incoming` (the later document, parsed) into `existing`'s text.
pub(super) struct Splicer<'a> {
    existing: &'a str,
    incoming: &'a str,
    newline: &'static str,
    edits: Vec<Edit>,
}

impl<'a> Splicer<'a> {
    pub(super) fn new(existing: &'a str, incoming: &'a str) -> Self {
        let crlf = existing
            .find('\n')
            .is_some_and(|newline| existing[..newline].ends_with('\r'));
        Self {
            existing,
            incoming,
            newline: if crlf { "\r\n" } else { "\n" },
            edits: Vec::new(),
        }
    }

    /// The merged text of the two roots.
    pub(super) fn merge(mut self, existing: &DeTable<'_>, incoming: &DeTable<'_>) -> String {
        let text = self.existing;
        let at = lines_end(text, existing)
            .or_else(|| first_header(text, existing).map(|at| line_start(text, at)))
            .unwrap_or(text.len());
        let root = Target {
            table: existing,
            kind: Kind::Header,
            path: String::new(),
            prefix: String::new(),
            at,
            slot: None,
            sections_at: lines_end(text, existing),
            entry_start: 0,
        };
        self.merge_table(&root, incoming, Kind::Header);
        self.apply()
    }

    fn push(&mut self, start: usize, end: usize, class: u8, text: String) {
        let seq = self.edits.len();
        self.edits.push(Edit {
            start,
            class,
            seq,
            end,
            text,
        });
    }

    /// Lays the later table `incoming`, spelled as `spelling`, over `target`.
    fn merge_table(&mut self, target: &Target<'_, '_>, incoming: &DeTable<'_>, spelling: Kind) {
        let (text, later) = (self.existing, self.incoming);
        let target_inline = target.slot.is_some();
        let inline = matches!(spelling, Kind::Inline | Kind::DottedInline);
        let mut added = Added::default();
        for (key, node) in entries(incoming) {
            let later_kind = kind(later, node, inline);
            let new = New {
                raw_key: &later[key.span()],
                key_start: (spelling == Kind::Header).then(|| key.span().start),
                node,
                kind: later_kind,
                inline,
                entry: (spelling == Kind::Inline && later_kind.is_spanned_value())
                    .then(|| (key.span().start, node.span().end)),
            };
            let Some((existing_key, existing)) = target.table.get_key_value(key.get_ref().as_ref())
            else {
                self.new_entry(target, &new, &mut added);
                continue;
            };
            let existing_kind = kind(text, existing, target_inline);
            if let (true, Some(earlier), Some(table)) = (
                existing_kind.is_table() && later_kind.is_table(),
                existing.get_ref().as_table(),
                node.get_ref().as_table(),
            ) {
                if existing_kind == Kind::Inline && needs_rewrite(text, earlier, table) {
                    let mut merged = String::new();
                    write_merged(text, earlier, later, table, &mut merged);
                    let merged = self.adapt(&merged);
                    self.push(existing.span().start, existing.span().end, REPLACE, merged);
                } else {
                    let child = self.child(target, existing_key, existing, existing_kind);
                    self.merge_table(&child, table, later_kind);
                }
                continue;
            }
            if same(existing.get_ref(), node.get_ref()) {
                continue;
            }
            if existing_kind.is_spanned_value() && (target_inline || later_kind.is_spanned_value())
            {
                self.replace_value(existing, target_inline, node, later_kind, inline);
                continue;
            }
            // A table or array of tables written on lines, or a value becoming one: the
            // earlier lines go, and the later value is written as a new entry. Sections that
            // replace sections take their place.
            let place = self.remove(existing_key, existing, existing_kind);
            let mut own = Added::default();
            self.new_entry(target, &new, &mut own);
            added.lines.append(&mut own.lines);
            added.inline.append(&mut own.inline);
            match place {
                Some(place) if !own.sections.is_empty() => {
                    let block = self.adapt(&own.sections.concat());
                    self.push(place, place, SECTIONS, block);
                }
                _ => added.sections.append(&mut own.sections),
            }
        }
        self.flush(target, added);
    }

    /// Where the entries of `existing`, the earlier value at `key` of `parent`, go.
    fn child<'t, 'i>(
        &self,
        parent: &Target<'_, '_>,
        key: &Key<'i>,
        existing: &'t Node<'i>,
        existing_kind: Kind,
    ) -> Target<'t, 'i> {
        let text = self.existing;
        let empty = DeTable::new();
        let table = existing.get_ref().as_table();
        let raw_key = &text[key.span()];
        let path = if parent.path.is_empty() {
            raw_key.to_owned()
        } else {
            format!("{}.{raw_key}", parent.path)
        };
        let own_lines = table.and_then(|table| lines_end(text, table));
        let prefix = format!("{}{raw_key}.", parent.prefix);
        let (at, prefix, slot, sections_at) = match existing_kind {
            Kind::Header => {
                let end = section_end(text, existing);
                (end, String::new(), None, Some(end))
            }
            Kind::Dotted => (
                own_lines.unwrap_or(parent.at),
                prefix,
                None,
                parent.sections_at,
            ),
            Kind::Inline => {
                let start = existing.span().start;
                let slot = Slot::of(text, table.unwrap_or(&empty), start, None);
                (parent.at, String::new(), Some(slot), None)
            }
            Kind::DottedInline => {
                // Spaced like the dotted key's first segment in its inline table.
                let start = match parent.kind {
                    Kind::DottedInline => parent.entry_start,
                    _ => key.span().start,
                };
                let slot = Slot::of(text, table.unwrap_or(&empty), start, Some(start));
                (parent.at, prefix, Some(slot), None)
            }
            _ => (text.len(), String::new(), None, None),
        };
        let entry_start = match (existing_kind, parent.kind) {
            (Kind::DottedInline, Kind::DottedInline) => parent.entry_start,
            _ => key.span().start,
        };
        Target {
            entry_start,
            table: table.expect("a table kind holds a table"),
            kind: existing_kind,
            path,
            prefix,
            at,
            slot,
            sections_at,
        }
    }

    /// Replaces an earlier value's span by the later value, keeping the earlier line's comment
    /// unless the later line has its own.
    fn replace_value(
        &mut self,
        existing: &Node<'_>,
        existing_inline: bool,
        incoming: &Node<'_>,
        incoming_kind: Kind,
        incoming_inline: bool,
    ) {
        let (text, later) = (self.existing, self.incoming);
        let span = existing.span();
        let later_comment = (!incoming_inline && incoming_kind.is_spanned_value())
            .then(|| comment_end(later, incoming.span().end))
            .flatten();
        if let (false, Some(later_end)) = (existing_inline, later_comment) {
            let end = comment_end(text, span.end).unwrap_or(span.end);
            let replacement = self.adapt(&later[incoming.span().start..later_end]);
            self.push(span.start, end, REPLACE, replacement);
            return;
        }
        let mut value = String::new();
        write_inline(later, incoming, incoming_inline, &mut value);
        let value = self.adapt(&value);
        self.push(span.start, span.end, REPLACE, value);
    }

    /// Removes every line and section that spells `existing`, a value on a key-value line,
    /// a table or an array of tables written on lines. Returns where its first section was.
    fn remove(&mut self, key: &Key<'_>, existing: &Node<'_>, existing_kind: Kind) -> Option<usize> {
        let text = self.existing;
        match existing_kind {
            Kind::Header => {
                let start = line_start(text, existing.span().start);
                self.push(start, section_end(text, existing), REPLACE, String::new());
                self.remove_children(existing, false);
                Some(start)
            }
            Kind::Tables => {
                let mut first = None;
                for element in elements(existing) {
                    let start = self.remove(key, element, Kind::Header);
                    first = first.or(start);
                }
                first
            }
            Kind::Implicit => {
                self.remove_children(existing, false);
                None
            }
            Kind::Dotted => {
                self.remove_children(existing, true);
                None
            }
            Kind::Value | Kind::Inline | Kind::DottedInline => {
                let start = line_start(text, key.span().start);
                let end = line_end(text, existing.span().end);
                self.push(start, end, REPLACE, String::new());
                None
            }
        }
    }

    /// Removes the sections under a table and, when `lines`, its key-value lines.
    fn remove_children(&mut self, existing: &Node<'_>, lines: bool) {
        let text = self.existing;
        let Some(table) = existing.get_ref().as_table() else {
            return;
        };
        for (key, node) in entries(table) {
            match kind(text, node, false) {
                Kind::Value | Kind::Inline if !lines => {}
                Kind::Dotted => self.remove_children(node, lines),
                other => {
                    self.remove(key, node, other);
                }
            }
        }
    }

    /// Writes what [`merge_table`](Self::merge_table) collected for `target`.
    fn flush(&mut self, target: &Target<'_, '_>, added: Added) {
        let text = self.existing;
        let Added {
            lines,
            mut sections,
            inline,
        } = added;
        if let (Some(slot), false) = (&target.slot, inline.is_empty()) {
            let entries = slot.write(&inline, text.as_bytes().get(slot.at).copied());
            let entries = self.adapt(&entries);
            self.push(slot.at, slot.at, LINES, entries);
        }
        if !lines.is_empty() {
            if target.kind == Kind::Implicit {
                // A table known only from longer headers gets its own, above them.
                let mut section = format!("[{}]\n", target.path);
                for (comments, line) in &lines {
                    section.push_str(comments);
                    section.push_str(line);
                    section.push('\n');
                }
                let at =
                    first_header(text, target.table).map_or(text.len(), |at| line_start(text, at));
                // After any line of the parent table that goes to the same place.
                let section = self.adapt(&section);
                self.push(at, at, SECTIONS, section);
            } else {
                let indent = if target.at > 0 {
                    indentation(text, target.at - 1).to_owned()
                } else {
                    String::new()
                };
                let mut block = String::new();
                for (comments, line) in &lines {
                    // Comment lines brought along keep their own indentation.
                    block.push_str(comments);
                    block.push_str(&indent);
                    block.push_str(line);
                    block.push('\n');
                }
                let block = self.adapt(&block);
                self.push(target.at, target.at, LINES, block);
            }
        }
        if sections.is_empty() {
            return;
        }
        let under = subtree_end(text, target.table);
        let (at, blank) = match under.or(target.sections_at) {
            Some(at) => (at, true),
            None => (
                text.len(),
                !text.trim().is_empty() && !target.path.is_empty(),
            ),
        };
        let mut block = String::new();
        for section in sections.drain(..) {
            if blank || !block.is_empty() {
                block.push('\n');
            }
            block.push_str(&section);
        }
        let block = self.adapt(&block);
        self.push(at, at, SECTIONS, block);
    }
}

/// The start of the first `[header]` under `table` (sub-tables may come before their parent).
fn first_header(text: &str, table: &DeTable<'_>) -> Option<usize> {
    let nested = |node: &Node<'_>| {
        node.get_ref()
            .as_table()
            .and_then(|t| first_header(text, t))
    };
    table
        .values()
        .filter_map(|node| match kind(text, node, false) {
            Kind::Header => {
                Some(nested(node).map_or(node.span().start, |n| n.min(node.span().start)))
            }
            Kind::Tables => Some(node.span().start),
            Kind::Implicit | Kind::Dotted => nested(node),
            _ => None,
        })
        .min()
}
