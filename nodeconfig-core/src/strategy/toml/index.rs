//! A TOML document as the span engine reads it: one pass over `toml_parser`'s events builds a
//! flat index of every table (root, `[header]`, `[[header]]` element, implicit, dotted,
//! inline) with, for each entry, its key (borrowed from the text unless it has escapes), the
//! spans of key and value, how the value is spelled ([`Kind`]) and, for a table or array, its
//! id. Nothing else is built: scalars are decoded to check them (TOML 1.1, "Keys", "String",
//! "Integer", "Float", "Offset Date-Time") and decoded again only when the merge compares two
//! of them ([`same`](super::spans::same)).
//!
//! Tables and arrays are `u32` ids into flat `Vec`s; a table's entries form a list in the
//! order they were defined. A key is looked up by a linear scan in a small table and through
//! a hash map once a table has more than [`SCAN_LIMIT`] entries, so that a document with a
//! huge table stays linear.
//!
//! The table rules of TOML ("Table": a table defined twice, `[a]` after `a.b = 1`, a dotted
//! key extending an inline table, `[[a]]` appending to a static array, ...) are those the
//! `toml` crate's own document builder applies to the same events (`toml::de::parser`), with
//! the same messages, so an invalid document fails here as it fails there.

mod build;
mod plain;

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::{FixedState, RandomState};
use std::ops::Range;

use toml_parser::decoder::{Encoding, ScalarKind};

use super::spans::Kind;

pub(super) use build::parse;

/// A table's id; the root is [`ROOT`].
pub(super) type TableId = u32;
/// An array's id.
pub(super) type ArrayId = u32;

pub(super) const ROOT: TableId = 0;

/// Tables with more entries than this look keys up through [`Index::map`]. Measured with
/// callgrind on merges of tables of 8 to 64 changed keys: with foldhash, hashing and scanning
/// cost the same at about 16 keys; below 8 the scan is cheaper, above 32 clearly dearer.
const SCAN_LIMIT: u32 = 8;

const NONE: u32 = u32::MAX;

/// A value of the document: where it is, how it is spelled, and what it holds.
#[derive(Clone, Copy, Debug)]
pub(super) struct Node {
    start: u32,
    end: u32,
    pub(super) kind: Kind,
    pub(super) data: Data,
}

/// What a [`Node`] holds.
#[derive(Clone, Copy, Debug)]
pub(super) enum Data {
    /// A scalar, decoded again from its span when compared.
    Scalar(Option<Encoding>, ScalarKind),
    Table(TableId),
    Array(ArrayId),
}

impl Node {
    pub(super) fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub(super) fn table(&self) -> Option<TableId> {
        match self.data {
            Data::Table(table) => Some(table),
            _ => None,
        }
    }
}

/// A key of a table and its value.
#[derive(Debug)]
pub(super) struct Entry<'i> {
    /// The decoded key.
    pub(super) key: Cow<'i, str>,
    key_start: u32,
    key_end: u32,
    pub(super) node: Node,
    next: u32,
}

impl Entry<'_> {
    /// The key as spelled (its last segment, for a dotted key or a header).
    pub(super) fn key_span(&self) -> Range<usize> {
        self.key_start as usize..self.key_end as usize
    }
}

#[derive(Debug, Default)]
struct Table {
    first: u32,
    last: u32,
    len: u32,
    /// Known only through longer keys so far (TOML's "implicitly created" tables).
    implicit: bool,
    /// Made or extended by dotted keys.
    dotted: bool,
    /// An inline table, or a table made by dotted keys inside one.
    inline: bool,
    /// Two of its keys share a hash: look up by scanning.
    collided: bool,
}

#[derive(Debug)]
enum Array {
    /// A static array: `items[start..start + len]`.
    Static { start: u32, len: u32 },
    /// An array of tables, whose elements come one `[[header]]` at a time.
    Tables(Vec<Node>),
}

/// The index of one TOML document.
#[derive(Debug)]
pub(super) struct Index<'i> {
    pub(super) text: &'i str,
    tables: Vec<Table>,
    entries: Vec<Entry<'i>>,
    arrays: Vec<Array>,
    items: Vec<Node>,
    /// `(table, hash of key)` to entry, for tables over [`SCAN_LIMIT`] entries. The keys
    /// are hashed with a seed of their own, so the map needs no random state.
    map: HashMap<(TableId, u64), u32, FixedState>,
    hasher: Option<RandomState>,
}

impl<'i> Index<'i> {
    fn new(text: &'i str) -> Self {
        let mut index = Self {
            text,
            tables: Vec::with_capacity(16),
            entries: Vec::with_capacity(64),
            arrays: Vec::new(),
            items: Vec::new(),
            map: HashMap::default(),
            hasher: None,
        };
        index.new_table(false, false, false);
        index
    }

    fn new_table(&mut self, implicit: bool, dotted: bool, inline: bool) -> TableId {
        let id = self.tables.len() as TableId;
        self.tables.push(Table {
            first: NONE,
            last: NONE,
            len: 0,
            implicit,
            dotted,
            inline,
            collided: false,
        });
        id
    }

    /// The entry of `table` whose key is `key`.
    pub(super) fn get(&self, table: TableId, key: &str) -> Option<&Entry<'i>> {
        self.find(table, key).map(|id| &self.entries[id as usize])
    }

    fn find(&self, table: TableId, key: &str) -> Option<u32> {
        let data = &self.tables[table as usize];
        if data.len > SCAN_LIMIT && !data.collided {
            let hash = self.hasher.as_ref()?.hash_one(key);
            let id = *self.map.get(&(table, hash))?;
            return (self.entries[id as usize].key == key).then_some(id);
        }
        let mut id = data.first;
        while id != NONE {
            let entry = &self.entries[id as usize];
            if entry.key == key {
                return Some(id);
            }
            id = entry.next;
        }
        None
    }

    fn push_entry(&mut self, table: TableId, entry: Entry<'i>) -> u32 {
        let id = self.entries.len() as u32;
        self.entries.push(entry);
        let data = &mut self.tables[table as usize];
        if data.last == NONE {
            data.first = id;
        } else {
            self.entries[data.last as usize].next = id;
        }
        data.last = id;
        data.len += 1;
        let len = data.len;
        if len == SCAN_LIMIT + 1 {
            self.map.reserve(4 * SCAN_LIMIT as usize);
            let mut each = self.tables[table as usize].first;
            while each != NONE {
                self.hash_entry(table, each);
                each = self.entries[each as usize].next;
            }
        } else if len > SCAN_LIMIT {
            self.hash_entry(table, id);
        }
        id
    }

    fn hash_entry(&mut self, table: TableId, id: u32) {
        let hasher = self.hasher.get_or_insert_with(RandomState::default);
        let hash = hasher.hash_one(&*self.entries[id as usize].key);
        if self.map.insert((table, hash), id).is_some() {
            self.tables[table as usize].collided = true;
        }
    }

    /// How many tables the document has, the root included.
    #[cfg(feature = "toml-reference")]
    pub(super) fn table_count(&self) -> usize {
        self.tables.len()
    }

    /// The number of entries of `table`.
    pub(super) fn len(&self, table: TableId) -> usize {
        self.tables[table as usize].len as usize
    }

    /// The entries of `table` in the order they were defined.
    pub(super) fn iter(&self, table: TableId) -> impl Iterator<Item = &Entry<'i>> + '_ {
        let mut id = self.tables[table as usize].first;
        std::iter::from_fn(move || {
            let entry = self.entries.get(id as usize)?;
            id = entry.next;
            Some(entry)
        })
    }

    /// The entries of `table` in the order of their keys in the text (a table defined by a
    /// header after its sub-tables takes that header's key).
    pub(super) fn entries(&self, table: TableId) -> Vec<&Entry<'i>> {
        let mut entries: Vec<_> = self.iter(table).collect();
        if !entries.is_sorted_by_key(|entry| entry.key_start) {
            entries.sort_unstable_by_key(|entry| entry.key_start);
        }
        entries
    }

    /// The values of an array (the tables of an array of tables).
    pub(super) fn items(&self, array: ArrayId) -> &[Node] {
        match &self.arrays[array as usize] {
            Array::Static { start, len } => &self.items[*start as usize..(*start + *len) as usize],
            Array::Tables(elements) => elements,
        }
    }

    /// The values of `node` when it is an array, else nothing.
    pub(super) fn elements(&self, node: &Node) -> &[Node] {
        match node.data {
            Data::Array(array) => self.items(array),
            _ => &[],
        }
    }

    /// Decodes the scalar at `node`, which must be one.
    pub(super) fn decode(&self, node: &Node) -> Cow<'i, str> {
        let mut decoded = Cow::Borrowed("");
        if let Data::Scalar(encoding, _) = node.data {
            let span = toml_parser::Span::new_unchecked(node.start as usize, node.end as usize);
            let raw = toml_parser::Raw::new_unchecked(&self.text[node.span()], encoding, span);
            let _ = raw.decode_scalar(&mut decoded, &mut ());
        }
        decoded
    }
}
