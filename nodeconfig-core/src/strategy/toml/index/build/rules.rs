//! The table rules of TOML 1.1 ("Keys", "Table", "Inline Table", "Array of Tables") as the
//! index applies them: where a key-value pair or a header puts its table, and which spellings
//! may not meet (a table defined twice, `[a]` after `a.b = 1`, a dotted key extending an inline
//! table or a value, `[[a]]` appending to a static array). Each rule is the `toml` crate's
//! (`toml::de::parser::document` and `inline_table`), with its message.

use toml_parser::decoder::ScalarKind;
use toml_parser::{ParseError, Span};

use super::super::{Array, Data, Entry, NONE, Node, ROOT, TableId};
use super::{Builder, Context, DEPTH_LIMIT, Key};
use crate::strategy::toml::index::Kind;

fn span_of(start: u32, end: u32) -> Span {
    Span::new_unchecked(start as usize, end as usize)
}

fn duplicate(key: &Key) -> ParseError {
    ParseError::new("duplicate key").with_unexpected(span_of(key.start, key.end))
}

fn cannot_extend(what: &str, key: &Key) -> ParseError {
    ParseError::new(format!(
        "cannot extend value of type {what} with a dotted key"
    ))
    .with_unexpected(span_of(key.start, key.end))
}

fn type_name(data: Data) -> &'static str {
    match data {
        Data::Scalar(_, ScalarKind::String) => "string",
        Data::Scalar(_, ScalarKind::Boolean(_)) => "boolean",
        Data::Scalar(_, ScalarKind::DateTime) => "datetime",
        Data::Scalar(_, ScalarKind::Float) => "float",
        Data::Scalar(_, ScalarKind::Integer(_)) => "integer",
        Data::Array(_) => "array",
        Data::Table(_) => "table",
    }
}

impl Builder<'_, '_> {
    /// `keys[from..] = node` in `table`: the last key under the tables the others name.
    pub(super) fn insert(&mut self, table: TableId, from: usize, inline: bool, node: Node) {
        let last = self.keys.len() - 1;
        let dotted = last > from;
        if last - from >= DEPTH_LIMIT as usize {
            return self.fail(ParseError::new("recursion limit"));
        }
        let Some(parent) = self.descend(table, from..last, dotted, inline) else {
            return;
        };
        let parent_data = &self.index.tables[parent as usize];
        // TOML 1.1, "Keys": dotted keys cannot add to a table defined by a header (document)
        // or by braces (inline).
        let mixed = if inline {
            parent_data.dotted != dotted
        } else {
            dotted && !parent_data.implicit
        };
        let key = &self.keys[last];
        if mixed || self.index.find(parent, self.name(key)).is_some() {
            let error = duplicate(key);
            return self.fail(error);
        }
        let entry = self.entry(last, node);
        self.index.push_entry(parent, entry);
    }

    fn entry(&self, key: usize, node: Node) -> Entry {
        let key = self.keys[key];
        Entry {
            name_start: key.name_start,
            name_end: key.name_end,
            name_len: key.name_len,
            key_start: key.start,
            key_end: key.end,
            node,
            next: NONE,
        }
    }

    /// The decoded text of `key`, as bytes.
    fn name(&self, key: &Key) -> &[u8] {
        if key.name_start == NONE {
            self.index.owned[key.name_end as usize].as_bytes()
        } else {
            &self.index.text.as_bytes()[key.name_start as usize..key.name_end as usize]
        }
    }

    /// The table `keys[path]` names under `table`, made where missing (implicit tables).
    fn descend(
        &mut self,
        mut table: TableId,
        path: std::ops::Range<usize>,
        dotted: bool,
        inline: bool,
    ) -> Option<TableId> {
        for at in path {
            let key = &self.keys[at];
            let Some(id) = self.index.find(table, self.name(key)) else {
                let child = self.index.new_table(true, dotted, inline);
                let kind = match (inline, dotted) {
                    (true, _) => Kind::DottedInline,
                    (false, true) => Kind::Dotted,
                    (false, false) => Kind::Implicit,
                };
                let node = Node {
                    start: key.start,
                    end: key.end,
                    kind,
                    data: Data::Table(child),
                };
                let entry = self.entry(at, node);
                self.index.push_entry(table, entry);
                table = child;
                continue;
            };
            let data = self.index.entries[id as usize].node.data;
            table = match data {
                Data::Array(array) => match &self.index.arrays[array as usize] {
                    Array::Tables(elements) if !inline => elements
                        .last()
                        .and_then(Node::table)
                        .expect("an array of tables has a table"),
                    _ => {
                        let error = cannot_extend("array", key);
                        self.fail(error);
                        return None;
                    }
                },
                Data::Table(child) => {
                    let child_data = &mut self.index.tables[child as usize];
                    if !inline && child_data.inline {
                        let error = cannot_extend("inline table", key);
                        self.fail(error);
                        return None;
                    }
                    if dotted && !child_data.implicit {
                        let error = duplicate(key);
                        self.fail(error);
                        return None;
                    }
                    if dotted {
                        child_data.dotted = true;
                    }
                    child
                }
                Data::Scalar(..) => {
                    let error = cannot_extend(type_name(data), key);
                    self.fail(error);
                    return None;
                }
            };
        }
        Some(table)
    }

    /// A `[header]` or `[[header]]` closed at `end`: its table becomes the current one.
    pub(super) fn define(&mut self, is_array: bool, start: u32, end: u32) {
        let Some(last) = self.keys.len().checked_sub(1) else {
            return;
        };
        if last >= DEPTH_LIMIT as usize {
            return self.fail(ParseError::new("recursion limit"));
        }
        let Some(parent) = self.descend(ROOT, 0..last, false, false) else {
            return;
        };
        let header = |table| Node {
            start,
            end,
            kind: Kind::Header,
            data: Data::Table(table),
        };
        let existing = self.index.find(parent, self.name(&self.keys[last]));
        let table = match (is_array, existing) {
            (false, None) | (true, None) => {
                let table = self.index.new_table(false, false, false);
                let node = if is_array {
                    let array = self.index.arrays.len() as u32;
                    self.index.arrays.push(Array::Tables(vec![header(table)]));
                    Node {
                        start,
                        end,
                        kind: Kind::Tables,
                        data: Data::Array(array),
                    }
                } else {
                    header(table)
                };
                let entry = self.entry(last, node);
                self.index.push_entry(parent, entry);
                table
            }
            (false, Some(id)) => {
                let Some(table) = self.redefine(id, start, end) else {
                    let error = duplicate(&self.keys[last]);
                    return self.fail(error);
                };
                table
            }
            (true, Some(id)) => {
                let table = self.index.new_table(false, false, false);
                let data = self.index.entries[id as usize].node.data;
                match data {
                    Data::Array(array) => match &mut self.index.arrays[array as usize] {
                        Array::Tables(elements) => elements.push(header(table)),
                        Array::Static { .. } => {
                            let error = duplicate(&self.keys[last]);
                            return self.fail(error);
                        }
                    },
                    _ => {
                        let error = duplicate(&self.keys[last]);
                        return self.fail(error);
                    }
                }
                table
            }
        };
        self.keys.clear();
        self.contexts[0] = Context::Table {
            table,
            keys_from: 0,
            open: start,
            inline: false,
        };
    }

    /// `[a]` after `[a.b]`: the table known from the longer header gets its own. Any other
    /// earlier value of the key is a table defined twice (TOML 1.1, "Table").
    fn redefine(&mut self, id: u32, start: u32, end: u32) -> Option<TableId> {
        let last = self.keys.len() - 1;
        let (key_start, key_end) = (self.keys[last].start, self.keys[last].end);
        let body = &mut *self.index;
        let entry = &mut body.entries[id as usize];
        let table = entry.node.table()?;
        let data = &mut body.tables[table as usize];
        if !data.implicit || data.dotted {
            return None;
        }
        data.implicit = false;
        entry.key_start = key_start;
        entry.key_end = key_end;
        entry.node = Node {
            start,
            end,
            kind: Kind::Header,
            data: Data::Table(table),
        };
        Some(table)
    }
}
