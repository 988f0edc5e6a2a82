//! Where the later document's keys land in the earlier one: the earlier table a later table
//! merges into, with the places its new lines, entries and sections go.

use super::super::index::{Kind, TableId};
use super::super::inline::Slot;

/// An earlier table that later keys merge into, and where its new entries go.
pub(super) struct Target<'t> {
    pub(super) table: TableId,
    pub(super) kind: Kind,
    /// The table it is in (none for the root), and its key there as the earlier text spells
    /// it: what [`write_path`](Self::write_path) and [`write_prefix`](Self::write_prefix) are made of,
    /// only when needed.
    pub(super) parent: Option<&'t Target<'t>>,
    pub(super) raw_key: &'t str,
    /// Where new key-value lines go.
    pub(super) at: usize,
    /// Where new entries go in an inline table.
    pub(super) slot: Option<Slot>,
    /// Where new sections go when no section lies under the table.
    pub(super) sections_at: Option<usize>,
    /// For a dotted key's table in an inline table, where its dotted key starts.
    pub(super) entry_start: usize,
}

impl Target<'_> {
    /// Appends the raw header path (`a."b".c`), for a table that needs a header of its own.
    pub(super) fn write_path(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            if parent.parent.is_some() {
                parent.write_path(out);
                out.push('.');
            }
            out.push_str(self.raw_key);
        }
    }

    /// The table new keys are written relative to: this one, or for a dotted key's table the
    /// section or inline table its dotted key is in.
    pub(super) fn base(&self) -> TableId {
        match (self.has_prefix(), self.parent) {
            (true, Some(parent)) => parent.base(),
            _ => self.table,
        }
    }

    /// Whether new keys are written with a dotted prefix: the table is a dotted key's.
    pub(super) fn has_prefix(&self) -> bool {
        matches!(self.kind, Kind::Dotted | Kind::DottedInline)
    }

    /// Appends the raw dotted key of a dotted table from its section or inline table, with
    /// a dot (`a.b.`); nothing for other tables.
    pub(super) fn write_prefix(&self, out: &mut String) {
        if let (true, Some(parent)) = (self.has_prefix(), self.parent) {
            parent.write_prefix(out);
            out.push_str(self.raw_key);
            out.push('.');
        }
    }

    /// `key` under this table, relative to its section or inline table.
    pub(super) fn relative(&self, key: &str) -> String {
        let mut relative = String::new();
        self.write_prefix(&mut relative);
        relative.push_str(key);
        relative
    }
}
