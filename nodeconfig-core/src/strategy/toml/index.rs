//! A TOML document as the span engine reads it: one pass over `toml_parser`'s events builds a
//! flat index of every table (root, `[header]`, `[[header]]` element, implicit, dotted,
//! inline) with, for each entry, its decoded key (a span of the text, or an owned string when
//! decoding changed it: escapes), the spans of key and value, how the value is spelled
//! ([`Kind`]) and, for a table or array, its id. Nothing else is built: scalars are decoded to
//! check them (TOML 1.1, "Keys", "String", "Integer", "Float", "Offset Date-Time") and decoded
//! again only when the merge compares two of them (`spans::same`).
//!
//! Tables and arrays are `u32` ids into flat `Vec`s; a table's entries form a list in the
//! order they were defined. A key is looked up by a linear scan in a small table and through
//! a hash map once a table has more than [`SCAN_LIMIT`] entries, so that a document with a
//! huge table stays linear. The index holds offsets, not borrows ([`Body`]), so it can be
//! kept beside a copy of its text and used again for the same bytes.
//!
//! The table rules of TOML ("Table": a table defined twice, `[a]` after `a.b = 1`, a dotted
//! key extending an inline table, `[[a]]` appending to a static array, ...) are those the
//! `toml` crate's own document builder applies to the same events (`toml::de::parser`), with
//! the same messages, so an invalid document fails here as it fails there (tested on every
//! invalid document of toml-test, `tests/tests/toml_index_errors.rs`).

mod build;
#[cfg(any(debug_assertions, feature = "toml-reference"))]
mod compare;
mod derive;
mod kept;
mod plain;

use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::{FixedState, RandomState};
use std::ops::Range;

use toml_parser::decoder::{Encoding, ScalarKind};

pub(super) use build::parse;
#[cfg(any(debug_assertions, feature = "toml-reference"))]
pub(super) use compare::differ;
pub(super) use derive::{Graft, Placed, Placement, derive};

/// A table's id; the root is [`ROOT`].
pub(super) type TableId = u32;
/// An array's id.
pub(super) type ArrayId = u32;

pub(super) const ROOT: TableId = 0;

/// Tables with more entries than this look keys up through [`Body::map`]. Measured with
/// callgrind on merges of tables of 8 to 64 changed keys: with foldhash, hashing and scanning
/// cost the same at about 16 keys; below 8 the scan is cheaper, above 32 clearly dearer.
const SCAN_LIMIT: u32 = 8;

const NONE: u32 = u32::MAX;
/// A [`Table::lines_end`] for a table without key-value lines.
pub(super) const NO_LINES: u32 = u32::MAX - 1;

/// How a value is spelled in its document.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    /// A scalar or an array written after `=` (or as an inline table's entry).
    Value,
    /// An inline table `{ ... }`.
    Inline,
    /// A `[header]` table.
    Header,
    /// A table that only exists as a prefix of `[headers]`.
    Implicit,
    /// A table made by dotted keys on key-value lines (`a.b = 1` makes `a`).
    Dotted,
    /// A table made by dotted keys inside an inline table (`{ a.b = 1 }` makes `a`).
    DottedInline,
    /// An array of tables, `[[header]]`.
    Tables,
}

impl Kind {
    /// Whether the value has one span that can be replaced by another value's text.
    pub(super) fn is_spanned_value(self) -> bool {
        matches!(self, Kind::Value | Kind::Inline)
    }

    pub(super) fn is_table(self) -> bool {
        !matches!(self, Kind::Value | Kind::Tables)
    }
}

/// A TOML float's value from its decoded text (`inf` spelled out is infinite; a literal too
/// large for `f64` is not a value).
pub(super) fn float_value(text: &str) -> Option<f64> {
    let value: f64 = text.parse().ok()?;
    (!value.is_infinite() || text.contains("inf")).then_some(value)
}

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
#[derive(Clone, Debug)]
pub(super) struct Entry {
    /// Where the decoded key is: a span of the text, or (`name_start == NONE`) the string
    /// `name_end` of [`Body::owned`] when decoding changed it (escapes).
    name_start: u32,
    name_end: u32,
    /// The decoded key's length, compared first when looking a key up.
    name_len: u32,
    key_start: u32,
    key_end: u32,
    pub(super) node: Node,
    next: u32,
}

impl Entry {
    /// The key as spelled (its last segment, for a dotted key or a header).
    pub(super) fn key_span(&self) -> Range<usize> {
        self.key_start as usize..self.key_end as usize
    }
}

#[derive(Clone, Debug)]
struct Table {
    /// The end of its last key-value line once asked ([`Body::lines_end`]): [`NONE`] when not
    /// known yet, [`NO_LINES`] when it has none.
    lines_end: std::cell::Cell<u32>,
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

#[derive(Clone, Debug)]
enum Array {
    /// A static array: `items[start..start + len]`.
    Static { start: u32, len: u32 },
    /// An array of tables, whose elements come one `[[header]]` at a time.
    Tables(Vec<Node>),
}

/// A table's entries in the order they were defined: its list, followed.
pub(super) struct InOrder<'b> {
    entries: &'b [Entry],
    next: u32,
}

impl<'b> Iterator for InOrder<'b> {
    type Item = &'b Entry;

    fn next(&mut self) -> Option<&'b Entry> {
        let entry = self.entries.get(self.next as usize)?;
        self.next = entry.next;
        Some(entry)
    }
}

/// A table's entries in the order of their keys in the text: its list as it is when that is
/// the order already (almost always), else sorted.
pub(super) enum Entries<'b> {
    InOrder(InOrder<'b>),
    Sorted(std::vec::IntoIter<&'b Entry>),
}

impl<'b> Iterator for Entries<'b> {
    type Item = &'b Entry;

    fn next(&mut self) -> Option<&'b Entry> {
        match self {
            Entries::InOrder(entries) => entries.next(),
            Entries::Sorted(entries) => entries.next(),
        }
    }
}

/// The index of one TOML document: its text and what was read off it.
#[derive(Debug)]
pub(super) struct Index<'i> {
    pub(super) text: &'i str,
    body: Body,
}

/// An index without its text: offsets into it, and the keys decoding changed. It holds no
/// borrow, so it can be kept beside a copy of the text and used again for the same bytes.
#[derive(Clone, Debug)]
pub(super) struct Body {
    tables: Vec<Table>,
    entries: Vec<Entry>,
    arrays: Vec<Array>,
    items: Vec<Node>,
    /// `(table, hash of key)` to entry, for tables over [`SCAN_LIMIT`] entries. The keys
    /// are hashed with a seed of their own, so the map needs no random state.
    map: HashMap<(TableId, u64), u32, FixedState>,
    hasher: Option<RandomState>,
    /// Keys whose decoded text is not a span of the document.
    owned: Vec<Box<str>>,
    /// For derived indexes (`derive.rs`): per [`kept::CHUNK`] entries, then items, the
    /// largest offset they hold, so that moving offsets past an edit skips whole chunks.
    reach: kept::Reach,
}

impl std::ops::Deref for Index<'_> {
    type Target = Body;

    fn deref(&self) -> &Body {
        &self.body
    }
}

impl std::ops::DerefMut for Index<'_> {
    fn deref_mut(&mut self) -> &mut Body {
        &mut self.body
    }
}

impl<'i> Index<'i> {
    fn new(text: &'i str) -> Self {
        let mut body = Body {
            tables: Vec::with_capacity(16),
            entries: Vec::with_capacity(64),
            arrays: Vec::new(),
            items: Vec::new(),
            map: HashMap::default(),
            hasher: None,
            owned: Vec::new(),
            reach: kept::Reach::default(),
        };
        body.new_table(false, false, false);
        Self { text, body }
    }

    /// The index without its text, to keep.
    pub(super) fn into_body(self) -> Body {
        self.body
    }

    /// An index of `text` from the body of an index of the same bytes.
    pub(super) fn with_body(text: &'i str, body: Body) -> Self {
        Self { text, body }
    }

    /// The decoded key of `entry`, as bytes (what lookups compare).
    pub(super) fn key(&self, entry: &Entry) -> &[u8] {
        self.body.key_bytes(self.text, entry)
    }

    /// The entry of `table` whose decoded key is `key`, with its id.
    pub(super) fn get_with_id(&self, table: TableId, key: &[u8]) -> Option<(u32, &Entry)> {
        let id = self.body.find(self.text, table, key)?;
        Some((id, &self.body.entries[id as usize]))
    }

    /// The entry of `table` whose decoded key is `key`.
    pub(super) fn get(&self, table: TableId, key: &[u8]) -> Option<&Entry> {
        self.body
            .find(self.text, table, key)
            .map(|id| &self.body.entries[id as usize])
    }

    fn find(&self, table: TableId, key: &[u8]) -> Option<u32> {
        self.body.find(self.text, table, key)
    }

    fn push_entry(&mut self, table: TableId, entry: Entry) -> u32 {
        let text = self.text;
        self.body.push_entry(text, table, entry)
    }

    /// Decodes the scalar at `node`, which must be one.
    pub(super) fn decode(&self, node: &Node) -> std::borrow::Cow<'i, str> {
        let mut decoded = std::borrow::Cow::Borrowed("");
        if let Data::Scalar(encoding, _) = node.data {
            let span = toml_parser::Span::new_unchecked(node.start as usize, node.end as usize);
            let raw = toml_parser::Raw::new_unchecked(&self.text[node.span()], encoding, span);
            let _ = raw.decode_scalar(&mut decoded, &mut ());
        }
        decoded
    }
}

impl Body {
    /// The decoded key of `entry` in `text`, as bytes: compared without checking char
    /// boundaries.
    fn key_bytes<'t>(&'t self, text: &'t str, entry: &Entry) -> &'t [u8] {
        if entry.name_start == NONE {
            self.owned[entry.name_end as usize].as_bytes()
        } else {
            &text.as_bytes()[entry.name_start as usize..entry.name_end as usize]
        }
    }

    fn new_table(&mut self, implicit: bool, dotted: bool, inline: bool) -> TableId {
        let id = self.tables.len() as TableId;
        self.tables.push(Table {
            lines_end: std::cell::Cell::new(NONE),
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

    fn find(&self, text: &str, table: TableId, key: &[u8]) -> Option<u32> {
        let data = &self.tables[table as usize];
        if data.len > SCAN_LIMIT && !data.collided {
            let hash = self.hasher.as_ref()?.hash_one(key);
            let id = *self.map.get(&(table, hash))?;
            return (self.key_bytes(text, &self.entries[id as usize]) == key).then_some(id);
        }
        let mut id = data.first;
        while id != NONE {
            let entry = &self.entries[id as usize];
            if entry.name_len as usize == key.len() && self.key_bytes(text, entry) == key {
                return Some(id);
            }
            id = entry.next;
        }
        None
    }

    fn push_entry(&mut self, text: &str, table: TableId, entry: Entry) -> u32 {
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
                self.hash_entry(text, table, each);
                each = self.entries[each as usize].next;
            }
        } else if len > SCAN_LIMIT {
            self.hash_entry(text, table, id);
        }
        id
    }

    fn hash_entry(&mut self, text: &str, table: TableId, id: u32) {
        let hasher = self.hasher.get_or_insert_with(RandomState::default);
        let entry = &self.entries[id as usize];
        let key = if entry.name_start == NONE {
            self.owned[entry.name_end as usize].as_bytes()
        } else {
            &text.as_bytes()[entry.name_start as usize..entry.name_end as usize]
        };
        let hash = hasher.hash_one(key);
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
    pub(super) fn iter(&self, table: TableId) -> InOrder<'_> {
        InOrder {
            entries: &self.entries,
            next: self.tables[table as usize].first,
        }
    }

    /// The entries of `table` in the order of their keys in the text (a table defined by a
    /// header after its sub-tables takes that header's key).
    pub(super) fn entries(&self, table: TableId) -> Entries<'_> {
        if self.iter(table).map(|entry| entry.key_start).is_sorted() {
            return Entries::InOrder(self.iter(table));
        }
        let mut entries: Vec<_> = self.iter(table).collect();
        entries.sort_unstable_by_key(|entry| entry.key_start);
        Entries::Sorted(entries.into_iter())
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
}
