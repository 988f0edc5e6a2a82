//! The span engine behind `toml_deep` on text: the merge is decided on the two parsed
//! documents, and the result is the earlier text with a list of splices applied (a value's
//! span replaced by the later spelling, lines and sections inserted, replaced tables'
//! lines removed). Every byte outside a splice is copied as it was.

mod added;
mod apply;
mod target;

use std::borrow::Cow;

use super::index::{Entry, Graft, Index, Kind, Node, ROOT, TableId};
use super::inline::{Slot, needs_rewrite, write_merged};
use super::spans::{
    comment_end, indentation, line_end, line_start, lines_end, same, section_end, subtree_end,
    write_inline,
};
pub(super) use apply::Edit;
pub(super) use apply::{apply_in_place, cheaper_in_place, write};
use target::Target;

/// A key of the later table that is new to the earlier one (or replaces it whole).
struct New<'n> {
    raw_key: &'n str,
    /// Where its key-value line starts, when the key starts it (its table is a section).
    key_start: Option<usize>,
    node: Node,
    kind: Kind,
    /// Whether the later table is inline.
    inline: bool,
    /// The span of `key = value` in a later inline table.
    entry: Option<(usize, usize)>,
}

impl New<'_> {
    /// The entry as the later inline table spells it (`y=2`), if it is a plain one.
    fn inline_entry<'t>(&self, later: &'t str) -> Option<&'t str> {
        let (start, end) = self.entry?;
        later.get(start..end)
    }
}

const LINES: u8 = 0;
const SECTIONS: u8 = 1;
const REPLACE: u8 = 2;

/// The root's [`Target::at`] until it is needed ([`Splicer::lines_at`]).
const PENDING: usize = usize::MAX;

/// What a table's merge adds: key-value lines, sections, inline entries.
#[derive(Default)]
struct Added<'a> {
    /// Comment lines brought along (with their own indentation), and the line: slices of the
    /// later text where they can be.
    lines: Vec<(&'a str, Cow<'a, str>)>,
    sections: Vec<String>,
    inline: Vec<String>,
}

/// Merges the later document into the earlier one's text.
pub(super) struct Splicer<'a> {
    earlier: &'a Index<'a>,
    later: &'a Index<'a>,
    existing: &'a str,
    incoming: &'a str,
    newline: &'static str,
    edits: Vec<Edit>,
}

impl<'a> Splicer<'a> {
    pub(super) fn new(earlier: &'a Index<'a>, later: &'a Index<'a>) -> Self {
        let existing = earlier.text;
        let crlf = existing
            .find('\n')
            .is_some_and(|newline| existing[..newline].ends_with('\r'));
        Self {
            earlier,
            later,
            existing,
            incoming: later.text,
            newline: if crlf { "\r\n" } else { "\n" },
            edits: Vec::new(),
        }
    }

    /// The merged text of the two roots, and its edits as applied when the merged text's
    /// index can be derived from them (`index/derive.rs`).
    pub(super) fn merge(mut self) -> (String, Option<Vec<Edit>>) {
        self.decide();
        self.apply()
    }

    /// The edits of the merge, not applied: `TomlText` applies them to its own text
    /// (`text.rs`), with the line ending of what they write.
    pub(super) fn into_edits(mut self) -> (Vec<Edit>, &'static str) {
        self.decide();
        (self.edits, self.newline)
    }

    /// Lays the later root over the earlier one: the edits.
    fn decide(&mut self) {
        let earlier = self.earlier;
        // Found only if the root gets new lines (`lines_at`): finding the first header walks
        // the tables, which a fold that adds to a table should not pay per layer.
        let at = lines_end(earlier, ROOT).unwrap_or(PENDING);
        let root = Target {
            table: ROOT,
            kind: Kind::Header,
            parent: None,
            raw_key: "",
            at,
            slot: None,
            sections_at: lines_end(earlier, ROOT),
            entry_start: 0,
        };
        self.merge_table(&root, ROOT, Kind::Header);
    }

    fn push(&mut self, start: usize, end: usize, class: u8, text: String, graft: Graft) {
        let seq = self.edits.len();
        self.edits.push(Edit {
            start,
            class,
            seq,
            end,
            text,
            graft,
            out_start: 0,
            out_end: 0,
        });
    }

    /// Lays the later table `incoming`, spelled as `spelling`, over `target`.
    fn merge_table(&mut self, target: &Target<'_>, incoming: TableId, spelling: Kind) {
        let (earlier, later) = (self.earlier, self.later);
        let target_inline = target.slot.is_some();
        let inline = matches!(spelling, Kind::Inline | Kind::DottedInline);
        let mut added = Added::default();
        for entry in later.entries(incoming) {
            let node = entry.node;
            let later_kind = node.kind;
            let key = entry.key_span();
            let new = New {
                raw_key: &later.text[key.clone()],
                key_start: (spelling == Kind::Header).then_some(key.start),
                node,
                kind: later_kind,
                inline,
                entry: (spelling == Kind::Inline && later_kind.is_spanned_value())
                    .then(|| (key.start, node.span().end)),
            };
            let Some((existing_id, existing_entry)) =
                earlier.get_with_id(target.table, later.key(entry))
            else {
                self.new_entry(target, &new, &mut added);
                continue;
            };
            let existing = existing_entry.node;
            let existing_kind = existing.kind;
            if let (true, Some(earlier_table), Some(table)) = (
                existing_kind.is_table() && later_kind.is_table(),
                existing.table(),
                node.table(),
            ) {
                if existing_kind == Kind::Inline
                    && needs_rewrite(earlier, earlier_table, later, table)
                {
                    let mut merged = String::new();
                    write_merged(earlier, earlier_table, later, table, &mut merged);
                    let merged = self.adapt(merged);
                    let span = existing.span();
                    self.push(span.start, span.end, REPLACE, merged, Graft::Opaque);
                } else {
                    let child = self.child(target, existing_entry);
                    self.merge_table(&child, table, later_kind);
                }
                continue;
            }
            if same(earlier, &existing, later, &node) {
                continue;
            }
            if existing_kind.is_spanned_value() && (target_inline || later_kind.is_spanned_value())
            {
                let graft = Graft::Value(existing_id);
                self.replace_value(&existing, target_inline, &node, later_kind, inline, graft);
                continue;
            }
            // A table or array of tables written on lines, or a value becoming one: the
            // earlier lines go, and the later value is written as a new entry. Sections that
            // replace sections take their place.
            let place = self.remove(existing_entry.key_span().start, &existing);
            let mut own = Added::default();
            self.new_entry(target, &new, &mut own);
            added.lines.append(&mut own.lines);
            added.inline.append(&mut own.inline);
            match place {
                Some(place) if !own.sections.is_empty() => {
                    let block = self.adapt(own.sections.concat());
                    self.push(place, place, SECTIONS, block, Graft::Opaque);
                }
                _ => added.sections.append(&mut own.sections),
            }
        }
        self.flush(target, added);
    }

    /// Where new key-value lines of `target` go.
    fn lines_at(&self, target: &Target<'_>) -> usize {
        if target.at != PENDING {
            return target.at;
        }
        // Only the root's is pending, and children that take their parent's.
        let (text, earlier) = (self.existing, self.earlier);
        first_header(earlier, ROOT).map_or(text.len(), |at| line_start(text, at))
    }

    /// Where the entries of `existing`, the earlier value at `key` of `parent`, go.
    fn child<'t>(&self, parent: &'t Target<'t>, entry: &Entry) -> Target<'t>
    where
        'a: 't,
    {
        let (text, earlier) = (self.existing, self.earlier);
        let existing = &entry.node;
        let existing_kind = existing.kind;
        let table = existing.table().expect("a table kind holds a table");
        let key_start = entry.key_span().start;
        let raw_key = &text[entry.key_span()];
        let (at, slot, sections_at) = match existing_kind {
            Kind::Header => {
                let end = section_end(earlier, existing);
                (end, None, Some(end))
            }
            Kind::Dotted => (
                lines_end(earlier, table).unwrap_or(parent.at),
                None,
                parent.sections_at,
            ),
            Kind::Inline => {
                let start = existing.span().start;
                let slot = Slot::of(earlier, table, start, None);
                (parent.at, Some(slot), None)
            }
            Kind::DottedInline => {
                // Spaced like the dotted key's first segment in its inline table.
                let start = match parent.kind {
                    Kind::DottedInline => parent.entry_start,
                    _ => key_start,
                };
                let slot = Slot::of(earlier, table, start, Some(start));
                (parent.at, Some(slot), None)
            }
            _ => (text.len(), None, None),
        };
        let entry_start = match (existing_kind, parent.kind) {
            (Kind::DottedInline, Kind::DottedInline) => parent.entry_start,
            _ => key_start,
        };
        Target {
            entry_start,
            table,
            kind: existing_kind,
            parent: Some(parent),
            raw_key,
            at,
            slot,
            sections_at,
        }
    }

    /// Replaces an earlier value's span by the later value, keeping the earlier line's comment
    /// unless the later line has its own.
    fn replace_value(
        &mut self,
        existing: &Node,
        existing_inline: bool,
        incoming: &Node,
        incoming_kind: Kind,
        incoming_inline: bool,
        graft: Graft,
    ) {
        let (text, later) = (self.existing, self.incoming);
        let span = existing.span();
        let later_comment = (!incoming_inline && incoming_kind.is_spanned_value())
            .then(|| comment_end(later, incoming.span().end))
            .flatten();
        if let (false, Some(later_end)) = (existing_inline, later_comment) {
            let end = comment_end(text, span.end).unwrap_or(span.end);
            let replacement = self.adapt(later[incoming.span().start..later_end].to_owned());
            self.push(span.start, end, REPLACE, replacement, graft);
            return;
        }
        let mut value = String::new();
        write_inline(self.later, incoming, &mut value);
        let value = self.adapt(value);
        self.push(span.start, span.end, REPLACE, value, graft);
    }

    /// Removes every line and section that spells `existing`, a value on a key-value line,
    /// a table or an array of tables written on lines, whose key starts at `key_start`.
    /// Returns where its first section was.
    fn remove(&mut self, key_start: usize, existing: &Node) -> Option<usize> {
        let (text, earlier) = (self.existing, self.earlier);
        match existing.kind {
            Kind::Header => {
                let start = line_start(text, existing.span().start);
                self.push(
                    start,
                    section_end(earlier, existing),
                    REPLACE,
                    String::new(),
                    Graft::Opaque,
                );
                self.remove_children(existing, false);
                Some(start)
            }
            Kind::Tables => {
                let mut first = None;
                for element in earlier.elements(existing) {
                    let start = self.remove(key_start, element);
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
                let start = line_start(text, key_start);
                let end = line_end(text, existing.span().end);
                self.push(start, end, REPLACE, String::new(), Graft::Opaque);
                None
            }
        }
    }

    /// Removes the sections under a table and, when `lines`, its key-value lines.
    fn remove_children(&mut self, existing: &Node, lines: bool) {
        let earlier = self.earlier;
        let Some(table) = existing.table() else {
            return;
        };
        for entry in earlier.entries(table) {
            match entry.node.kind {
                Kind::Value | Kind::Inline if !lines => {}
                Kind::Dotted => self.remove_children(&entry.node, lines),
                _ => {
                    self.remove(entry.key_span().start, &entry.node);
                }
            }
        }
    }

    /// Writes what [`merge_table`](Self::merge_table) collected for `target`.
    fn flush(&mut self, target: &Target<'_>, added: Added<'_>) {
        let (text, earlier) = (self.existing, self.earlier);
        let Added {
            lines,
            mut sections,
            inline,
        } = added;
        if let (Some(slot), false) = (&target.slot, inline.is_empty()) {
            let entries = slot.write(&inline, text.as_bytes().get(slot.at).copied());
            let entries = self.adapt(entries);
            let graft = Graft::Inline(target.base());
            self.push(slot.at, slot.at, LINES, entries, graft);
        }
        if !lines.is_empty() {
            if target.kind == Kind::Implicit {
                // A table known only from longer headers gets its own, above them.
                let mut section = String::from("[");
                target.write_path(&mut section);
                section.push_str("]\n");
                for (comments, line) in &lines {
                    section.push_str(comments);
                    section.push_str(line);
                    section.push('\n');
                }
                let at = first_header(earlier, target.table)
                    .map_or(text.len(), |at| line_start(text, at));
                // After any line of the parent table that goes to the same place.
                let section = self.adapt(section);
                self.push(at, at, SECTIONS, section, Graft::Sections);
            } else {
                let at = self.lines_at(target);
                let indent = if at > 0 {
                    indentation(text, at - 1).to_owned()
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
                let block = self.adapt(block);
                let graft = Graft::Lines(target.base());
                self.push(at, at, LINES, block, graft);
            }
        }
        if sections.is_empty() {
            return;
        }
        let under = subtree_end(earlier, target.table);
        let (at, blank) = match under.or(target.sections_at) {
            Some(at) => (at, true),
            None => (
                text.len(),
                !text.trim().is_empty() && target.parent.is_some(),
            ),
        };
        let mut block = String::new();
        for section in sections.drain(..) {
            if blank || !block.is_empty() {
                block.push('\n');
            }
            block.push_str(&section);
        }
        let block = self.adapt(block);
        self.push(at, at, SECTIONS, block, Graft::Sections);
    }
}

/// The start of the first `[header]` under `table` (sub-tables may come before their parent).
fn first_header(ix: &Index<'_>, table: TableId) -> Option<usize> {
    let nested = |node: &Node| node.table().and_then(|t| first_header(ix, t));
    ix.iter(table)
        .filter_map(|entry| {
            let node = &entry.node;
            match node.kind {
                Kind::Header => {
                    Some(nested(node).map_or(node.span().start, |n| n.min(node.span().start)))
                }
                Kind::Tables => Some(node.span().start),
                Kind::Implicit | Kind::Dotted => nested(node),
                _ => None,
            }
        })
        .min()
}
