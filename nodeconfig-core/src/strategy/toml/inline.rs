//! Inline tables in the span engine: where a new entry goes between the braces and how it is
//! separated, and the rare merge that writes an inline table anew.

use super::index::{Data, Index, Kind, Node, TableId};
use super::spans::{same, write_inline};

/// Where new entries of an earlier inline table (or of a dotted key's table inside one) go.
pub(super) struct Slot {
    /// Just after the last entry (or its trailing comma), or after `{` when there is none.
    pub(super) at: usize,
    /// Written before each new entry: `", "`, `","`, `",\n  "`...
    pub(super) separator: String,
    /// The table ends with a comma: each new entry is followed by one instead.
    pub(super) trailing_comma: bool,
    pub(super) empty: bool,
}

impl Slot {
    /// The slot of `table`, whose entries' first key is spelled at `key_start` (for a dotted
    /// key's table, the start of its dotted key) and whose braces open at `open`.
    pub(super) fn of(
        ix: &Index<'_>,
        table: TableId,
        open: usize,
        key_start: Option<usize>,
    ) -> Self {
        let text = ix.text;
        let Some(last) = inline_end(ix, table) else {
            return Self {
                at: open + 1,
                separator: String::new(),
                trailing_comma: false,
                empty: true,
            };
        };
        let key_start = key_start
            .or_else(|| last_key_start(ix, table))
            .unwrap_or(last);
        let before = &text[..key_start];
        let spacing = &before[before.trim_end_matches([' ', '\t', '\r', '\n']).len()..];
        let after = &text[last..];
        let gap = after.len() - after.trim_start_matches([' ', '\t', '\r', '\n']).len();
        let trailing_comma = after[gap..].starts_with(',')
            && after[gap + 1..]
                .trim_start_matches([' ', '\t', '\r', '\n'])
                .starts_with('}');
        let at = if trailing_comma { last + gap + 1 } else { last };
        Self {
            at,
            separator: if trailing_comma {
                spacing.to_owned()
            } else {
                format!(",{spacing}")
            },
            trailing_comma,
            empty: false,
        }
    }

    /// The text that adds `entries` at [`at`](Self::at); `closing` is the byte after it.
    pub(super) fn write(&self, entries: &[String], closing: Option<u8>) -> String {
        if self.empty {
            let pad = if closing == Some(b'}') { " " } else { "" };
            return format!(" {}{pad}", entries.join(", "));
        }
        let mut text = String::new();
        for entry in entries {
            text.push_str(&self.separator);
            text.push_str(entry);
            if self.trailing_comma {
                text.push(',');
            }
        }
        text
    }
}

fn last_key_start(ix: &Index<'_>, table: TableId) -> Option<usize> {
    let entry = ix
        .entries(table)
        .max_by_key(|entry| end_of(ix, &entry.node))?;
    Some(entry.key_span().start)
}

fn end_of(ix: &Index<'_>, node: &Node) -> usize {
    match node.data {
        Data::Table(inner) if node.kind != Kind::Inline => inline_end(ix, inner).unwrap_or(0),
        _ => node.span().end,
    }
}

/// The end of an inline table's last entry, looking through dotted keys (whose span is a
/// key, before their values).
pub(super) fn inline_end(ix: &Index<'_>, table: TableId) -> Option<usize> {
    ix.iter(table).map(|entry| end_of(ix, &entry.node)).max()
}

/// Whether laying `incoming` over the earlier inline table `existing` replaces a dotted key's
/// table (`a` of `{ a.b = 1 }`) by a value: that cannot be spliced, the table is written anew.
pub(super) fn needs_rewrite(
    earlier: &Index<'_>,
    existing: TableId,
    later: &Index<'_>,
    incoming: TableId,
) -> bool {
    later.iter(incoming).any(|entry| {
        let Some(earlier_entry) = earlier.get(existing, later.key(entry)) else {
            return false;
        };
        match (earlier_entry.node.data, entry.node.data) {
            (Data::Table(existing), Data::Table(incoming)) => {
                needs_rewrite(earlier, existing, later, incoming)
            }
            (Data::Table(_), _) => earlier_entry.node.kind != Kind::Inline,
            _ => false,
        }
    })
}

/// Writes the merge of an earlier inline table and a later table as one inline table.
pub(super) fn write_merged(
    earlier: &Index<'_>,
    existing: TableId,
    later: &Index<'_>,
    incoming: TableId,
    out: &mut String,
) {
    out.push_str("{ ");
    let mut first = true;
    let mut separate = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push_str(", ");
        }
    };
    for entry in earlier.entries(existing) {
        separate(out);
        out.push_str(&earlier.text[entry.key_span()]);
        out.push_str(" = ");
        match later.get(incoming, earlier.key(entry)) {
            None => write_inline(earlier, &entry.node, out),
            Some(other) => match (entry.node.data, other.node.data) {
                (Data::Table(existing), Data::Table(incoming)) => {
                    write_merged(earlier, existing, later, incoming, out);
                }
                _ if same(earlier, &entry.node, later, &other.node) => {
                    write_inline(earlier, &entry.node, out);
                }
                _ => write_inline(later, &other.node, out),
            },
        }
    }
    for entry in later.entries(incoming) {
        if earlier.get(existing, later.key(entry)).is_some() {
            continue;
        }
        separate(out);
        out.push_str(&later.text[entry.key_span()]);
        out.push_str(" = ");
        write_inline(later, &entry.node, out);
    }
    out.push_str(if first { "}" } else { " }" });
}
