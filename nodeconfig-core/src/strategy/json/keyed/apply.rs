//! The moving phase of a keyed JSON merge, after the check: RFC 7396 with keyed lists and
//! directives. It meets no error the check has not already rejected, so it returns nothing.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::mem;

use super::check::is_marker;
use super::cursor::Lists;
use super::rules::{DIRECTIVE, Directive, JsonKey, directive};
use crate::strategy::json::discard::drop_flat;
use crate::strategy::json::merge::remove_in_order;

/// Merges `patch` into `existing`, which is `Value::Null` for a value that was not there.
pub(super) fn value(existing: &mut Value, patch: Value, lists: &mut Lists) {
    match patch {
        Value::Object(mut patch) => match directive(&patch).unwrap_or(Directive::None) {
            Directive::Replace => {
                patch.remove(DIRECTIVE);
                let replaced = mem::replace(existing, onto_nothing(patch, lists));
                drop_flat(Some(replaced));
            }
            // Checked: a delete never reaches here at the root; below it, `members` handles it.
            Directive::Delete => {}
            Directive::None => match existing {
                Value::Object(target) if !target.is_empty() => {
                    members(target, patch, lists);
                }
                _ => {
                    let replaced = mem::replace(existing, onto_nothing(patch, lists));
                    drop_flat(Some(replaced));
                }
            },
        },
        Value::Array(items) => {
            let merged = match lists.list_key() {
                Some(members) => {
                    let earlier = match mem::take(existing) {
                        Value::Array(earlier) => earlier,
                        other => {
                            drop_flat(Some(other));
                            Vec::new()
                        }
                    };
                    Value::Array(list(earlier, items, members, lists))
                }
                None => Value::Array(items),
            };
            drop_flat(Some(mem::replace(existing, merged)));
        }
        scalar => drop_flat(Some(mem::replace(existing, scalar))),
    }
}

/// An object patch onto nothing: its `null` members vanish, directives resolve (a deleted
/// member is left out, a replaced one lands as given), keyed lists are merged onto nothing.
fn onto_nothing(patch: Map<String, Value>, lists: &mut Lists) -> Value {
    let mut target = Map::new();
    members(&mut target, patch, lists);
    Value::Object(target)
}

fn members(target: &mut Map<String, Value>, patch: Map<String, Value>, lists: &mut Lists) {
    for (key, patch) in patch {
        if key == DIRECTIVE {
            continue;
        }
        let deletes = match &patch {
            Value::Null => true,
            Value::Object(object) => directive(object) == Ok(Directive::Delete),
            _ => false,
        };
        if deletes {
            drop_flat(remove_in_order(target, &key));
            continue;
        }
        let mark = lists.enter(&key);
        let slot = target.entry(key).or_insert(Value::Null);
        value(slot, patch, lists);
        lists.leave(mark);
    }
}

/// A keyed list: the later items merge into the earlier ones with their key, delete them, or
/// are appended in order; a `{"$patch": "replace"}` item makes the later list replace it.
fn list(
    mut earlier: Vec<Value>,
    items: Vec<Value>,
    members: &[&'static str],
    lists: &mut Lists,
) -> Vec<Value> {
    if items
        .iter()
        .any(|item| item.as_object().is_some_and(is_marker))
    {
        drop_flat(Some(Value::Array(mem::take(&mut earlier))));
    }
    // Each later item's match among the earlier ones, found before anything moves.
    let matches: Vec<Option<usize>> = {
        let mut index = HashMap::with_capacity(earlier.len());
        for (position, item) in earlier.iter().enumerate() {
            if let Some(key) = item
                .as_object()
                .and_then(|object| JsonKey::of(object, members))
            {
                index.entry(key).or_insert(position);
            }
        }
        items
            .iter()
            .map(|item| {
                let key = item
                    .as_object()
                    .and_then(|object| JsonKey::of(object, members));
                key.and_then(|key| index.get(&key).copied())
            })
            .collect()
    };
    let mut deleted = vec![false; earlier.len()];
    let mut appended = Vec::new();
    for (item, matched) in items.into_iter().zip(matches) {
        let Value::Object(object) = item else {
            continue;
        };
        if is_marker(&object) {
            continue;
        }
        // Items are transparent to `list_key` paths, and the apply phase cannot fail: no path.
        let delete = directive(&object) == Ok(Directive::Delete);
        match (matched, delete) {
            (Some(position), true) => deleted[position] = true,
            (None, true) => {}
            (Some(position), false) => value(&mut earlier[position], Value::Object(object), lists),
            (None, false) => {
                let mut landed = Value::Null;
                value(&mut landed, Value::Object(object), lists);
                appended.push(landed);
            }
        }
    }
    if deleted.contains(&true) {
        let mut flags = deleted.into_iter();
        earlier.retain(|_| !flags.next().unwrap_or(false));
    }
    earlier.append(&mut appended);
    earlier
}
