//! The index of a merged text, made from the earlier document's index and the merge's edits
//! instead of reading the merged text again: what keeps a fold of layers whose text grows
//! linear in the number of layers.
//!
//! A merge's result is the earlier text with edits applied ([`Placed`]): every offset of the
//! earlier index moves past the edits before it, and what an edit writes is indexed from its
//! own text (a value, key-value lines, sections, inline entries: a few bytes, read on their
//! own) and grafted where the merged text has it. The grafted entries follow the rules the
//! parser applies to the whole text (`build/rules.rs`): a key already there is a table the
//! edit extends, a `[header]` above a table known only from longer headers defines it (TOML
//! 1.1, "Table"), and the first mention of such a table is its span.
//!
//! Edits whose index is not derived here ([`Graft::Opaque`]: lines removed when a value
//! changes type, an inline table written anew) give no index: the next merge reads the text.

use super::kept::{CHUNK, entry_reach};
use super::{Array, Body, Data, Entry, Index, Kind, NO_LINES, NONE, Node, ROOT, TableId, parse};

/// What an edit of the earlier text adds to its index.
#[derive(Clone, Copy, Debug)]
pub(in crate::strategy::toml) enum Graft {
    /// Not derived: lines removed, an inline table written anew.
    Opaque,
    /// The value of the earlier entry with this id, replaced by the edit's text (a value, and
    /// perhaps the later line's comment).
    Value(u32),
    /// Key-value lines relative to this earlier table, at the end of its lines.
    Lines(TableId),
    /// Sections (their headers are relative to [`ROOT`]).
    Sections,
    /// Entries written between the braces of this earlier inline table.
    Inline(TableId),
}

/// An edit as it was applied: the earlier text's `start..end` became the merged text's
/// `out_start..out_end`.
#[derive(Clone, Copy, Debug)]
pub(in crate::strategy::toml) struct Placed {
    pub(in crate::strategy::toml) start: usize,
    pub(in crate::strategy::toml) end: usize,
    pub(in crate::strategy::toml) out_start: usize,
    pub(in crate::strategy::toml) out_end: usize,
    pub(in crate::strategy::toml) graft: Graft,
}

/// An applied edit, as [`derive`] reads it.
pub(in crate::strategy::toml) trait Placement {
    fn placed(&self) -> Placed;
}

impl Placement for Placed {
    fn placed(&self) -> Placed {
        *self
    }
}

/// The index of `merged`, the earlier text with `plan` applied, from `earlier`, the earlier
/// text's index, edited in place; `None` when an edit's index is not derived.
pub(in crate::strategy::toml) fn derive<P: Placement>(
    mut earlier: Body,
    merged: &str,
    plan: &[P],
) -> Option<Body> {
    let opaque = |placed: &P| matches!(placed.placed().graft, Graft::Opaque);
    if merged.len() >= NONE as usize || plan.iter().any(opaque) {
        return None;
    }
    earlier.measure_reach();
    shift(&mut earlier, merged, plan);
    for placed in plan {
        graft(&mut earlier, merged, &placed.placed())?;
    }
    Some(earlier)
}

/// Where the earlier offset `at` is in the merged text. An insertion at `at` comes before a
/// span starting there and after a span ending there (`end`).
fn relocate<P: Placement>(plan: &[P], at: u32, end: bool) -> u32 {
    let at = at as usize;
    let before = plan.partition_point(|placed| {
        let placed = placed.placed();
        placed.end < at || (placed.end == at && (placed.start < placed.end || !end))
    });
    match plan.get(before).map(P::placed) {
        // Inside replaced text: nothing reachable points there.
        Some(placed) if placed.start < at => placed.out_start as u32,
        _ => match before.checked_sub(1).map(|last| plan[last].placed()) {
            None => at as u32,
            Some(last) => (last.out_end + (at - last.end)) as u32,
        },
    }
}

/// Moves every offset of `body` past the edits before it. Offsets before the first edit (in a
/// fold that appends, almost all) stay as they are, and chunks of entries or items that end
/// before it are skipped whole.
fn shift<P: Placement>(body: &mut Body, merged: &str, plan: &[P]) {
    let Some(first) = plan.first().map(|placed| placed.placed().start as u32) else {
        return;
    };
    let map = |at: &mut u32, end: bool| {
        if *at >= first {
            *at = relocate(plan, *at, end);
        }
    };
    let node = |node: &mut Node| {
        map(&mut node.start, false);
        map(&mut node.end, true);
    };
    let reach = &mut body.reach;
    for (chunk, bound) in body.entries.chunks_mut(CHUNK).zip(&mut reach.entries) {
        if *bound < first {
            continue;
        }
        for entry in chunk.iter_mut() {
            if entry.name_start != NONE {
                map(&mut entry.name_start, false);
                map(&mut entry.name_end, true);
            }
            map(&mut entry.key_start, false);
            map(&mut entry.key_end, true);
            node(&mut entry.node);
        }
        *bound = chunk.iter().map(entry_reach).max().unwrap_or(0);
    }
    // What tables keep of their lines moves too (`Body::lines_end`). Where text is inserted
    // at a table's lines end, its lines end after its own new lines, if those are what is
    // inserted; else it is found again when asked.
    for (id, table) in body.tables.iter().enumerate() {
        let end = table.lines_end.get();
        if end == NONE || end == NO_LINES || end < first {
            continue;
        }
        let from = plan.partition_point(|placed| (placed.placed().start as u32) < end);
        let mut inserted = plan[from..]
            .iter()
            .map(P::placed)
            .take_while(|placed| placed.start as u32 == end && placed.end == placed.start)
            .peekable();
        let moved = match inserted.peek() {
            None => relocate(plan, end, true),
            Some(_) => inserted
                .filter(|placed| matches!(placed.graft, Graft::Lines(t) if t as usize == id))
                .filter(|placed| placed.out_end > placed.out_start)
                .last()
                .map_or(NONE, |placed| {
                    crate::strategy::toml::spans::line_end(merged, placed.out_end - 1) as u32
                }),
        };
        table.lines_end.set(moved);
    }
    for (chunk, bound) in body.items.chunks_mut(CHUNK).zip(&mut reach.items) {
        if *bound < first {
            continue;
        }
        chunk.iter_mut().for_each(node);
        *bound = chunk.iter().map(|node| node.end).max().unwrap_or(0);
    }
    for array in &mut body.arrays {
        if let Array::Tables(elements) = array {
            elements.iter_mut().for_each(node);
        }
    }
}

/// A fragment of the merged text read on its own, and how its offsets become the merged
/// text's (`+ delta`, wrapping: the fragment may have a prefix the merged text has not).
struct Fragment<'f> {
    index: Index<'f>,
    delta: u32,
}

impl Fragment<'_> {
    fn at(&self, offset: u32) -> u32 {
        offset.wrapping_add(self.delta)
    }
}

/// Indexes what `placed` wrote and grafts it into `body`.
fn graft(body: &mut Body, merged: &str, placed: &Placed) -> Option<()> {
    let written = &merged[placed.out_start..placed.out_end];
    let out_start = placed.out_start as u32;
    match placed.graft {
        Graft::Opaque => None,
        Graft::Value(entry) => {
            let source = format!("x={written}");
            let fragment = Fragment {
                index: parse(&source).ok()?,
                delta: out_start.wrapping_sub(2),
            };
            let node = fragment.index.iter(ROOT).next()?.node;
            let node = import_node(body, merged, &fragment, node)?;
            body.entries.get_mut(entry as usize)?.node = node;
            body.note_entry(entry);
            Some(())
        }
        Graft::Lines(_) | Graft::Sections => {
            let fragment = Fragment {
                index: parse(written).ok()?,
                delta: out_start,
            };
            // The table the lines go to knows where they end (`shift`), and sections do not
            // change the root's lines; any other table they reach is asked again.
            let (into, kept) = match placed.graft {
                Graft::Lines(table) => {
                    let known = body.tables[table as usize].lines_end.get() != NO_LINES;
                    (table, known.then_some(table))
                }
                _ => (ROOT, Some(ROOT)),
            };
            extend(body, merged, &fragment, ROOT, into, kept)
        }
        Graft::Inline(table) => {
            // `, b = 2` after an entry, ` b = 2 ` in `{}`, `\n  b = 2,` before a trailing comma.
            let skip = u32::from(written.starts_with(','));
            let source = format!("x={{{}}}", &written[skip as usize..]);
            let fragment = Fragment {
                index: parse(&source).ok()?,
                delta: out_start.wrapping_add(skip).wrapping_sub(3),
            };
            let inline = fragment.index.iter(ROOT).next()?.node.table()?;
            extend(body, merged, &fragment, inline, table, None)
        }
    }
}

/// Lays the fragment's table `from` over `body`'s table `into`: new keys are imported, tables
/// both have are extended.
fn extend(
    body: &mut Body,
    merged: &str,
    fragment: &Fragment<'_>,
    from: TableId,
    into: TableId,
    kept: Option<TableId>,
) -> Option<()> {
    let source = &fragment.index;
    if kept != Some(into) {
        body.tables[into as usize].lines_end.set(NONE);
    }
    for entry in source.iter(from) {
        let Some(id) = body.find(merged, into, source.key(entry)) else {
            let imported = import_entry(body, merged, fragment, entry)?;
            body.push_noted(merged, into, imported);
            continue;
        };
        let existing = body.entries[id as usize].node;
        let (Some(table), Some(inner)) = (existing.table(), entry.node.table()) else {
            return None;
        };
        let earlier_mention = fragment.at(entry.key_start) < body.entries[id as usize].key_start;
        match (existing.kind, entry.node.kind) {
            // `[a]` above `[a.b]` defines `a` there; an earlier `[a.c]` mentions it first.
            (Kind::Implicit, Kind::Header) => {
                body.tables[table as usize].implicit = false;
                respell(body, fragment, id, entry);
            }
            (Kind::Implicit, Kind::Implicit) if earlier_mention => {
                respell(body, fragment, id, entry);
            }
            (_, Kind::Implicit)
            | (Kind::Dotted, Kind::Dotted)
            | (Kind::DottedInline, Kind::DottedInline) => {}
            _ => return None,
        }
        extend(body, merged, fragment, inner, table, kept)?;
    }
    Some(())
}

/// Gives the entry `id` of `body` the key and span of `entry` of the fragment, keeping its
/// table.
fn respell(body: &mut Body, fragment: &Fragment<'_>, id: u32, entry: &Entry) {
    let (name_start, name_end) = name(body, fragment, entry);
    let target = &mut body.entries[id as usize];
    target.name_start = name_start;
    target.name_end = name_end;
    target.key_start = fragment.at(entry.key_start);
    target.key_end = fragment.at(entry.key_end);
    target.node.kind = entry.node.kind;
    target.node.start = fragment.at(entry.node.start);
    target.node.end = fragment.at(entry.node.end);
    body.note_entry(id);
}

/// Where `entry`'s decoded key is in the merged text, or its owned copy in `body`.
fn name(body: &mut Body, fragment: &Fragment<'_>, entry: &Entry) -> (u32, u32) {
    if entry.name_start == NONE {
        let owned = fragment.index.owned[entry.name_end as usize].clone();
        body.owned.push(owned);
        (NONE, body.owned.len() as u32 - 1)
    } else {
        (fragment.at(entry.name_start), fragment.at(entry.name_end))
    }
}

fn import_entry(
    body: &mut Body,
    merged: &str,
    fragment: &Fragment<'_>,
    entry: &Entry,
) -> Option<Entry> {
    let (name_start, name_end) = name(body, fragment, entry);
    Some(Entry {
        name_start,
        name_end,
        name_len: entry.name_len,
        key_start: fragment.at(entry.key_start),
        key_end: fragment.at(entry.key_end),
        node: import_node(body, merged, fragment, entry.node)?,
        next: NONE,
    })
}

/// A copy of the fragment's `node` in `body`, its tables and arrays included.
fn import_node(body: &mut Body, merged: &str, fragment: &Fragment<'_>, node: Node) -> Option<Node> {
    let source = &fragment.index;
    let data = match node.data {
        Data::Scalar(..) => node.data,
        Data::Table(from) => {
            let flags = &source.tables[from as usize];
            let table = body.new_table(flags.implicit, flags.dotted, flags.inline);
            for entry in source.iter(from) {
                let imported = import_entry(body, merged, fragment, entry)?;
                body.push_noted(merged, table, imported);
            }
            Data::Table(table)
        }
        Data::Array(from) => {
            let mut nodes = Vec::with_capacity(source.items(from).len());
            for item in source.items(from) {
                nodes.push(import_node(body, merged, fragment, *item)?);
            }
            let array = match source.arrays[from as usize] {
                Array::Static { .. } => {
                    let start = body.items.len() as u32;
                    let len = nodes.len() as u32;
                    body.items.extend(nodes);
                    (start as usize..body.items.len()).for_each(|at| body.note_item(at));
                    Array::Static { start, len }
                }
                Array::Tables(_) => Array::Tables(nodes),
            };
            body.arrays.push(array);
            Data::Array(body.arrays.len() as u32 - 1)
        }
    };
    Some(Node {
        start: fragment.at(node.start),
        end: fragment.at(node.end),
        kind: node.kind,
        data,
    })
}
