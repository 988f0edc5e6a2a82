//! Inline tables in the span engine: where a new entry goes between the braces and how it is
//! separated, and the rare merge that writes an inline table anew.

use toml::de::{DeTable, DeValue};

use super::spans::{entries, same, write_inline};

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
        text: &str,
        table: &DeTable<'_>,
        open: usize,
        key_start: Option<usize>,
    ) -> Self {
        let Some(last) = inline_end(text, table) else {
            return Self {
                at: open + 1,
                separator: String::new(),
                trailing_comma: false,
                empty: true,
            };
        };
        let key_start = key_start
            .or_else(|| last_key_start(text, table))
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

fn last_key_start(text: &str, table: &DeTable<'_>) -> Option<usize> {
    let (key, _) = entries(table)
        .into_iter()
        .max_by_key(|(_, node)| end_of(text, node))?;
    Some(key.span().start)
}

fn end_of(text: &str, node: &super::spans::Node<'_>) -> usize {
    match node.get_ref() {
        DeValue::Table(inner) if text.as_bytes().get(node.span().start) != Some(&b'{') => {
            inline_end(text, inner).unwrap_or(0)
        }
        _ => node.span().end,
    }
}

/// The end of an inline table's last entry, looking through dotted keys (whose span is a
/// key, before their values).
pub(super) fn inline_end(text: &str, table: &DeTable<'_>) -> Option<usize> {
    table.values().map(|node| end_of(text, node)).max()
}

/// Whether laying `incoming` over the earlier inline table `existing` replaces a dotted key's
/// table (`a` of `{ a.b = 1 }`) by a value: that cannot be spliced, the table is written anew.
pub(super) fn needs_rewrite(text: &str, existing: &DeTable<'_>, incoming: &DeTable<'_>) -> bool {
    incoming.iter().any(|(key, later)| {
        let Some(earlier) = existing.get(key.get_ref().as_ref()) else {
            return false;
        };
        match (earlier.get_ref(), later.get_ref()) {
            (DeValue::Table(earlier), DeValue::Table(later)) => needs_rewrite(text, earlier, later),
            (DeValue::Table(_), _) => text.as_bytes().get(earlier.span().start) != Some(&b'{'),
            _ => false,
        }
    })
}

/// Writes the merge of an earlier inline table and a later table as one inline table.
pub(super) fn write_merged(
    text: &str,
    existing: &DeTable<'_>,
    later: &str,
    incoming: &DeTable<'_>,
    out: &mut String,
) {
    out.push_str("{ ");
    let mut first = true;
    let mut separate = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push_str(", ");
        }
    };
    for (key, earlier) in entries(existing) {
        separate(out);
        out.push_str(&text[key.span()]);
        out.push_str(" = ");
        match incoming.get(key.get_ref().as_ref()) {
            None => write_inline(text, earlier, true, out),
            Some(node) => match (earlier.get_ref(), node.get_ref()) {
                (DeValue::Table(earlier), DeValue::Table(node)) => {
                    write_merged(text, earlier, later, node, out);
                }
                _ if same(earlier.get_ref(), node.get_ref()) => {
                    write_inline(text, earlier, true, out);
                }
                _ => write_inline(later, node, true, out),
            },
        }
    }
    for (key, node) in entries(incoming) {
        if existing.contains_key(key.get_ref().as_ref()) {
            continue;
        }
        separate(out);
        out.push_str(&later[key.span()]);
        out.push_str(" = ");
        write_inline(later, node, true, out);
    }
    out.push_str(if first { "}" } else { " }" });
}
