//! Dropping a replaced TOML value without recursing once per level of nesting.

use toml::{Table, Value};

/// `table.insert(key, value)`, the value it replaces dropped by [`drop_flat`].
pub(super) fn insert(table: &mut Table, key: String, value: Value) {
    if let Some(replaced) = table.insert(key, value) {
        drop_flat(replaced);
    }
}

/// Drops `value` with a work list: `toml::Value`'s own drop recurses once per level, which a
/// value nested deeply enough (built in code: parsed TOML is shallow) would turn into a stack
/// overflow. Scalars and empty containers cost nothing more than a plain drop.
pub(super) fn drop_flat(value: Value) {
    if !has_children(&value) {
        return;
    }
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Table(table) => pending.extend(
                table
                    .into_iter()
                    .map(|(_, child)| child)
                    .filter(has_children),
            ),
            Value::Array(items) => pending.extend(items.into_iter().filter(has_children)),
            _ => {}
        }
    }
}

/// Whether dropping `value` could recurse.
fn has_children(value: &Value) -> bool {
    match value {
        Value::Table(table) => !table.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => false,
    }
}
