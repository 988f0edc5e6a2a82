//! The tree walk behind `toml_deep` on text: lays a parsed later document over a parsed
//! earlier one, editing the earlier tree so that its formatting survives.
//!
//! TOML spells a table in two contexts. In *line* context (the root, a `[header]` table, a
//! dotted-key table) entries are lines and may carry comments; in *inline* context (`{ ... }`)
//! entries sit between braces, where a comment would swallow the closing brace. Entries moved
//! from one context to the other are re-spaced for their new home.

use toml_edit::{Decor, InlineTable, Item, Key, KeyMut, RawString, Table, TableLike, Value};

use super::same::{same_item, same_value};

/// A table of the earlier document that the later document's keys are merged into.
pub(super) enum Target<'a> {
    /// The root, a `[header]` table (perhaps implicit) or a dotted-key table.
    Lines(&'a mut Table),
    /// An inline table.
    Inline(&'a mut InlineTable),
}

impl<'a> Target<'a> {
    fn of_item(item: &'a mut Item) -> Option<Self> {
        match item {
            Item::Table(table) => Some(Target::Lines(table)),
            Item::Value(Value::InlineTable(table)) => Some(Target::Inline(table)),
            _ => None,
        }
    }
}

/// A table of the later document, read only: what is moved over is cloned.
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    /// The root, a `[header]` table (perhaps implicit) or a dotted-key table.
    Lines(&'a Table),
    /// An inline table.
    Inline(&'a InlineTable),
}

impl<'a> Source<'a> {
    fn of_item(item: &'a Item) -> Option<Self> {
        match item {
            Item::Table(table) => Some(Source::Lines(table)),
            Item::Value(Value::InlineTable(table)) => Some(Source::Inline(table)),
            _ => None,
        }
    }

    fn table(self) -> &'a dyn TableLike {
        match self {
            Source::Lines(table) => table,
            Source::Inline(table) => table,
        }
    }

    fn is_inline(self) -> bool {
        matches!(self, Source::Inline(_))
    }
}

/// Merges every key of `incoming` into `existing`. Recursion is bounded by toml_edit's parser,
/// which refuses documents nested deeper than its limit.
pub(super) fn merge_tables(existing: Target<'_>, incoming: Source<'_>) {
    match existing {
        Target::Lines(existing) => merge_into_lines(existing, incoming),
        Target::Inline(existing) => merge_into_inline(existing, incoming),
    }
}

fn merge_into_lines(existing: &mut Table, incoming: Source<'_>) {
    let table = incoming.table();
    for (name, incoming_item) in table.iter() {
        let Some(key) = table.key(name) else { continue };
        if incoming_item.is_none() {
            continue;
        }
        let replaced = match existing.get_mut(name) {
            Some(existing_item) if !existing_item.is_none() => {
                replace_in_lines(existing_item, incoming_item, incoming.is_inline())
            }
            _ => false,
        };
        if !replaced {
            let entry = line_entry(existing, key, incoming_item, incoming.is_inline());
            existing.insert_formatted(&entry.0, entry.1);
        }
    }
}

/// Merges a key present on both sides in place; `false` when the entry must be rewritten whole
/// (a value becoming a `[table]` or back), which [`line_entry`] does.
fn replace_in_lines(existing: &mut Item, incoming: &Item, incoming_inline: bool) -> bool {
    if let Some(source) = Source::of_item(incoming)
        && let Some(target) = Target::of_item(existing)
    {
        merge_tables(target, source);
        return true;
    }
    if same_item(existing, incoming) {
        return true;
    }
    match (existing, incoming) {
        (Item::Value(existing), Item::Value(incoming)) => {
            let mut value = incoming.clone();
            let mut decor = existing.decor().clone();
            // The earlier line's comment stays unless the later line brings its own.
            if !incoming_inline && has_comment(incoming.decor().suffix()) {
                decor.set_suffix(incoming.decor().suffix().cloned().unwrap_or_default());
            }
            *value.decor_mut() = decor;
            *existing = value;
            true
        }
        _ => false,
    }
}

/// The later document's entry as it will stand in the earlier `table`, a line-context table.
fn line_entry(table: &Table, key: &Key, item: &Item, from_inline: bool) -> (Key, Item) {
    let mut key = key.clone();
    let item = match item {
        Item::Value(value) => {
            let mut value = value.clone();
            let indent = indentation(table);
            if from_inline {
                let indent = indent.unwrap_or_default();
                restyle_leaves(&mut key.as_mut(), &mut value, &|key, value| {
                    *key.leaf_decor_mut() = Decor::new(indent.clone(), " ");
                    value.decor_mut().clear();
                });
            } else if let Some(indent) = indent {
                restyle_leaves(&mut key.as_mut(), &mut value, &|key, _| {
                    reindent(key.leaf_decor_mut(), &indent);
                });
            }
            Item::Value(value)
        }
        Item::Table(table) => {
            let mut table = table.clone();
            forget_positions(&mut table);
            blank_line_before_first_header(&mut table);
            Item::Table(table)
        }
        Item::ArrayOfTables(tables) => {
            let mut tables = tables.clone();
            tables.iter_mut().for_each(forget_positions);
            if let Some(first) = tables.get_mut(0) {
                blank_line_before_first_header(first);
            }
            Item::ArrayOfTables(tables)
        }
        Item::None => Item::None,
    };
    (key, item)
}

/// Tables copied from the later document lose their positions there: toml_edit then writes
/// each right after the table before it in the tree, which keeps them inside their parent.
fn forget_positions(table: &mut Table) {
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(table) => forget_positions(table),
            Item::ArrayOfTables(tables) => tables.iter_mut().for_each(forget_positions),
            Item::Value(_) | Item::None => {}
        }
    }
}

/// The indentation of `table`'s last key-value line; `None` when it has none.
fn indentation(table: &Table) -> Option<String> {
    let values = table.get_values();
    let (path, _) = values.last()?;
    let prefix = path.last()?.leaf_decor().prefix().map_or("", raw);
    let last_line = prefix.rsplit('\n').next().unwrap_or_default();
    let indentation = if is_indentation(last_line) {
        last_line
    } else {
        ""
    };
    Some(indentation.to_owned())
}

/// Gives a key line the table's indentation, keeping the comment lines above it.
fn reindent(decor: &mut Decor, indentation: &str) {
    let prefix = decor.prefix().map_or("", raw);
    let (above, last_line) = match prefix.rsplit_once('\n') {
        Some((above, last_line)) => (Some(above), last_line),
        None => (None, prefix),
    };
    if is_indentation(last_line) && last_line != indentation {
        let prefix = match above {
            Some(above) => format!("{above}\n{indentation}"),
            None => indentation.to_owned(),
        };
        decor.set_prefix(prefix);
    }
}

fn is_indentation(text: &str) -> bool {
    text.bytes().all(|byte| matches!(byte, b' ' | b'\t'))
}

/// The first header toml_edit will write for a copied table gets its default blank line when
/// the later document had it on the line right after another: here a line of the earlier
/// document precedes it. Returns whether a header was found.
fn blank_line_before_first_header(table: &mut Table) -> bool {
    let has_header = !table.is_dotted() && (!table.is_implicit() || !table.get_values().is_empty());
    if has_header {
        if table
            .decor()
            .prefix()
            .is_some_and(|prefix| raw(prefix).is_empty())
        {
            let suffix = table.decor().suffix().cloned();
            table.decor_mut().clear();
            if let Some(suffix) = suffix {
                table.decor_mut().set_suffix(suffix);
            }
        }
        return true;
    }
    table.iter_mut().any(|(_, item)| match item {
        Item::Table(child) => blank_line_before_first_header(child),
        Item::ArrayOfTables(tables) => tables
            .get_mut(0)
            .is_some_and(blank_line_before_first_header),
        Item::Value(_) | Item::None => false,
    })
}

fn merge_into_inline(existing: &mut InlineTable, incoming: Source<'_>) {
    let table = incoming.table();
    for (name, incoming_item) in table.iter() {
        let Some(key) = table.key(name) else { continue };
        if incoming_item.is_none() {
            continue;
        }
        if let Some(existing_value) = existing.get_mut(name) {
            replace_in_inline(existing_value, incoming_item, incoming.is_inline());
        } else if let Some(value) = inline_value(incoming_item, incoming.is_inline()) {
            append_to_inline(existing, key.clone(), value);
        }
    }
}

fn replace_in_inline(existing: &mut Value, incoming: &Item, incoming_inline: bool) {
    if let Value::InlineTable(target) = existing
        && let Some(source) = Source::of_item(incoming)
    {
        merge_into_inline(target, source);
        return;
    }
    if same_value(existing, incoming) {
        return;
    }
    if let Some(mut value) = inline_value(incoming, incoming_inline) {
        *value.decor_mut() = existing.decor().clone();
        *existing = value;
    }
}

/// The later document's entry as a value that can stand between braces.
fn inline_value(item: &Item, from_inline: bool) -> Option<Value> {
    match item {
        Item::Value(value) => {
            let mut value = value.clone();
            if !from_inline {
                value.decor_mut().clear();
            }
            Some(value)
        }
        // toml_edit clears the decor of what it converts, so no comment comes along.
        Item::Table(table) => Some(Value::InlineTable(table.clone().into_inline_table())),
        Item::ArrayOfTables(tables) => Some(Value::Array(tables.clone().into_array())),
        Item::None => None,
    }
}

/// Adds a new entry at the end of `table`, spaced like the entry before it.
fn append_to_inline(table: &mut InlineTable, mut key: Key, mut value: Value) {
    let trailing_comma = table.trailing_comma();
    let (key_decor, value_decor) = match last_leaf(table) {
        Some((last_key, last_value)) => {
            let key_decor = spacing(last_key.leaf_decor());
            let mut value_decor = spacing(last_value.decor());
            // Without a trailing comma, the space (or newline) before `}` belongs to the last
            // entry: it moves to the new one.
            if !trailing_comma {
                let closing = last_value.decor().suffix().cloned().unwrap_or_default();
                value_decor.set_suffix(closing);
                last_value.decor_mut().set_suffix("");
            }
            (key_decor, value_decor)
        }
        None => {
            if raw(table.trailing()).trim().is_empty() {
                table.set_trailing("");
            }
            (Decor::default(), Decor::default())
        }
    };
    restyle_leaves(&mut key.as_mut(), &mut value, &|key, value| {
        *key.leaf_decor_mut() = key_decor.clone();
        *value.decor_mut() = value_decor.clone();
    });
    table.insert_formatted(&key, value);
}

/// The last entry toml_edit writes for `table`, looking through dotted keys.
fn last_leaf(table: &mut InlineTable) -> Option<(KeyMut<'_>, &mut Value)> {
    let (key, value) = table.iter_mut().last()?;
    let dotted = value
        .as_inline_table()
        .is_some_and(|inner| inner.is_dotted() && !inner.is_empty());
    if !dotted {
        return Some((key, value));
    }
    match value {
        Value::InlineTable(inner) => last_leaf(inner),
        value => Some((key, value)),
    }
}

/// Applies `style` to the entry `key = value`, or, when `value` is a dotted-key table, to each
/// of its leaves (toml_edit writes a dotted path with its leaf key's decor).
fn restyle_leaves(
    key: &mut KeyMut<'_>,
    value: &mut Value,
    style: &dyn Fn(&mut KeyMut<'_>, &mut Value),
) {
    match value {
        Value::InlineTable(inner) if inner.is_dotted() => {
            key.dotted_decor_mut().clear();
            for (mut key, value) in inner.iter_mut() {
                restyle_leaves(&mut key, value, style);
            }
        }
        value => style(key, value),
    }
}

/// `decor` without comments: the spacing to copy onto a new entry.
fn spacing(decor: &Decor) -> Decor {
    let mut spacing = Decor::default();
    if let Some(prefix) = decor.prefix() {
        spacing.set_prefix(without_comment(raw(prefix)));
    }
    if let Some(suffix) = decor.suffix() {
        spacing.set_suffix(without_comment(raw(suffix)));
    }
    spacing
}

/// Whitespace as is; text with a comment keeps only a newline and the indentation after it.
fn without_comment(text: &str) -> String {
    if !text.contains('#') {
        return text.to_owned();
    }
    match text.rsplit_once('\n') {
        Some((_, indentation)) => format!("\n{indentation}"),
        None => String::new(),
    }
}

fn has_comment(raw_text: Option<&RawString>) -> bool {
    raw_text.is_some_and(|text| raw(text).contains('#'))
}

/// A parsed document is despanned, so every raw string holds its text.
fn raw(text: &RawString) -> &str {
    text.as_str().unwrap_or_default()
}
