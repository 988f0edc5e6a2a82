//! What an index keeps to answer without walking its tables, for the indexes a merge derives
//! (`derive.rs`) and then uses layer after layer: where each table's key-value lines end, and
//! per chunk of entries (and of array items) the largest offset they hold.

use super::{Body, Entry, NO_LINES, NONE, TableId};

/// How many entries (or items) share a [`Reach`] bound.
pub(super) const CHUNK: usize = 64;

/// Per [`CHUNK`] entries and per [`CHUNK`] items, an offset no offset of theirs exceeds. Made
/// at the first derivation (a parse leaves it empty and pays nothing), then kept up to date.
#[derive(Clone, Debug, Default)]
pub(in crate::strategy::toml) struct Reach {
    pub(super) entries: Vec<u32>,
    pub(super) items: Vec<u32>,
}

pub(super) fn chunks(len: usize) -> usize {
    len.div_ceil(CHUNK)
}

pub(super) fn entry_reach(entry: &Entry) -> u32 {
    entry
        .node
        .end
        .max(entry.key_end)
        .max(match entry.name_start {
            NONE => 0,
            _ => entry.name_end,
        })
}

impl Body {
    /// Raises the bound of entry `id`'s chunk to its offsets.
    pub(super) fn note_entry(&mut self, id: u32) {
        let chunk = id as usize / CHUNK;
        let reach = entry_reach(&self.entries[id as usize]);
        if self.reach.entries.len() <= chunk {
            self.reach.entries.resize(chunk + 1, 0);
        }
        self.reach.entries[chunk] = self.reach.entries[chunk].max(reach);
    }

    pub(super) fn note_item(&mut self, at: usize) {
        let chunk = at / CHUNK;
        if self.reach.items.len() <= chunk {
            self.reach.items.resize(chunk + 1, 0);
        }
        self.reach.items[chunk] = self.reach.items[chunk].max(self.items[at].end);
    }

    /// The bounds of every chunk, when they are not kept yet (a parsed index).
    pub(super) fn measure_reach(&mut self) {
        if self.reach.entries.len() == chunks(self.entries.len())
            && self.reach.items.len() == chunks(self.items.len())
        {
            return;
        }
        self.reach.entries = self
            .entries
            .chunks(CHUNK)
            .map(|chunk| chunk.iter().map(entry_reach).max().unwrap_or(0))
            .collect();
        self.reach.items = self
            .items
            .chunks(CHUNK)
            .map(|chunk| chunk.iter().map(|node| node.end).max().unwrap_or(0))
            .collect();
    }

    /// Adds `entry` to `table` and bounds it.
    pub(super) fn push_noted(&mut self, text: &str, table: TableId, entry: Entry) -> u32 {
        let id = self.push_entry(text, table, entry);
        self.note_entry(id);
        id
    }
}

impl Body {
    /// The end of the last key-value line of `table`, computed by `compute` once and then
    /// kept (a derived index moves it with the text, and forgets it when the table grows).
    pub(in crate::strategy::toml) fn lines_end(
        &self,
        table: TableId,
        compute: impl FnOnce() -> Option<usize>,
    ) -> Option<usize> {
        let cell = &self.tables[table as usize].lines_end;
        match cell.get() {
            NONE => {
                let end = compute();
                cell.set(end.map_or(NO_LINES, |end| end as u32));
                end
            }
            NO_LINES => None,
            end => Some(end as usize),
        }
    }

    /// What [`lines_end`](Self::lines_end) keeps for `table`, if it was asked.
    #[cfg(any(debug_assertions, feature = "toml-reference"))]
    pub(in crate::strategy::toml) fn known_lines_end(
        &self,
        table: TableId,
    ) -> Option<Option<usize>> {
        match self.tables[table as usize].lines_end.get() {
            NONE => None,
            NO_LINES => Some(None),
            end => Some(Some(end as usize)),
        }
    }
}
