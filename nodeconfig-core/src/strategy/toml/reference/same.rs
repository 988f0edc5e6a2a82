//! Whether two toml_edit values are the same data, whatever their spelling.
//!
//! A key whose later value is the same data as the earlier one keeps the earlier text: `'x'`
//! and `"x"`, `0x10` and `16`, `[a]` and `a = {}` are no change.

use toml_edit::{Array, ArrayOfTables, Item, TableLike, Value};

/// A value seen through its data, not its syntax.
#[derive(Clone, Copy)]
enum Node<'a> {
    Table(&'a dyn TableLike),
    Array(&'a Array),
    Tables(&'a ArrayOfTables),
    Scalar(&'a Value),
}

impl<'a> Node<'a> {
    fn of_item(item: &'a Item) -> Option<Self> {
        match item {
            Item::None => None,
            Item::Value(value) => Some(Node::of_value(value)),
            Item::Table(table) => Some(Node::Table(table)),
            Item::ArrayOfTables(tables) => Some(Node::Tables(tables)),
        }
    }

    fn of_value(value: &'a Value) -> Self {
        match value {
            Value::InlineTable(table) => Node::Table(table),
            Value::Array(array) => Node::Array(array),
            scalar => Node::Scalar(scalar),
        }
    }

    fn elements(self) -> Option<Vec<Node<'a>>> {
        match self {
            Node::Array(array) => Some(array.iter().map(Node::of_value).collect()),
            Node::Tables(tables) => Some(tables.iter().map(|table| Node::Table(table)).collect()),
            Node::Table(_) | Node::Scalar(_) => None,
        }
    }
}

/// Whether `existing` and `incoming` hold the same data.
pub(super) fn same_item(existing: &Item, incoming: &Item) -> bool {
    match (Node::of_item(existing), Node::of_item(incoming)) {
        (Some(existing), Some(incoming)) => same_node(existing, incoming),
        _ => false,
    }
}

/// [`same_item`] for a value of an inline table.
pub(super) fn same_value(existing: &Value, incoming: &Item) -> bool {
    Node::of_item(incoming).is_some_and(|incoming| same_node(Node::of_value(existing), incoming))
}

// Recursion is bounded: toml_edit refuses documents nested deeper than its parser's limit.
fn same_node(existing: Node<'_>, incoming: Node<'_>) -> bool {
    match (existing, incoming) {
        (Node::Table(existing), Node::Table(incoming)) => {
            existing.len() == incoming.len()
                && existing.iter().all(|(key, existing)| {
                    incoming
                        .get(key)
                        .is_some_and(|incoming| same_item(existing, incoming))
                })
        }
        (Node::Scalar(existing), Node::Scalar(incoming)) => same_scalar(existing, incoming),
        (existing, incoming) => match (existing.elements(), incoming.elements()) {
            (Some(existing), Some(incoming)) => {
                existing.len() == incoming.len()
                    && existing
                        .into_iter()
                        .zip(incoming)
                        .all(|(existing, incoming)| same_node(existing, incoming))
            }
            _ => false,
        },
    }
}

fn same_scalar(existing: &Value, incoming: &Value) -> bool {
    match (existing, incoming) {
        (Value::String(existing), Value::String(incoming)) => existing.value() == incoming.value(),
        (Value::Integer(existing), Value::Integer(incoming)) => {
            existing.value() == incoming.value()
        }
        (Value::Boolean(existing), Value::Boolean(incoming)) => {
            existing.value() == incoming.value()
        }
        (Value::Datetime(existing), Value::Datetime(incoming)) => {
            existing.value() == incoming.value()
        }
        // Bit for bit, so that `0.0` and `-0.0` differ; but all NaNs are alike (`nan`, `+nan`
        // and `-nan` are one value to toml-test, and the `toml` crate drops the sign).
        (Value::Float(existing), Value::Float(incoming)) => {
            let (existing, incoming) = (*existing.value(), *incoming.value());
            existing.to_bits() == incoming.to_bits() || (existing.is_nan() && incoming.is_nan())
        }
        _ => false,
    }
}
