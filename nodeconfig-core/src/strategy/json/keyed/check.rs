//! The prepare phase of a keyed JSON merge: every error (unknown or misplaced directives, items
//! without their key, duplicate keys, too deep a document) is found here, reading only.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::cursor::Cursor;
use super::rules::{
    DIRECTIVE, Directive, JsonKey, MAX_DEPTH, directive, has_directive, missing_key,
};
use crate::MergeError;
use crate::path::Segment;

/// Checks that `patch` can be merged onto `existing` (`None`: nothing there).
pub(super) fn value<'v>(
    existing: Option<&'v Value>,
    patch: &'v Value,
    cursor: &mut Cursor<'v>,
) -> Result<(), MergeError> {
    if cursor.depth() > MAX_DEPTH {
        return Err(cursor.error(format_args!(
            "the document nests deeper than {MAX_DEPTH} levels under a `list_key` field; flatten it, or merge the field without `list_key`"
        )));
    }
    match patch {
        Value::Object(object) => self::object(existing.and_then(Value::as_object), object, cursor),
        Value::Array(items) => list(existing, items, cursor),
        _ => Ok(()),
    }
}

/// Checks an object patch onto `existing` (`None`: nothing, or not an object).
pub(super) fn object<'v>(
    existing: Option<&'v Map<String, Value>>,
    patch: &'v Map<String, Value>,
    cursor: &mut Cursor<'v>,
) -> Result<(), MergeError> {
    let found = directive(patch).map_err(|message| cursor.error(message))?;
    if found == Directive::Delete && cursor.at_root() {
        return Err(cursor.error(
            "`\"$patch\": \"delete\"` cannot delete the whole document: set the field to `null` or leave it out",
        ));
    }
    let existing = if found == Directive::Replace {
        None
    } else {
        existing
    };
    members(existing, patch, cursor)
}

fn members<'v>(
    existing: Option<&'v Map<String, Value>>,
    patch: &'v Map<String, Value>,
    cursor: &mut Cursor<'v>,
) -> Result<(), MergeError> {
    for (key, patch) in patch {
        if key == DIRECTIVE {
            continue;
        }
        let mark = cursor.enter_member(key);
        if cursor.on_a_path() {
            // The earlier value matters only to a keyed list at or below the member.
            let existing = existing.and_then(|object| object.get(key));
            value(existing, patch, cursor)?;
        } else if cursor.walking_a_scanned_value() {
            value(None, patch, cursor)?;
        } else if !plainly_valid(patch, cursor.depth(), cursor.scratch()) {
            // Walked once, without scanning its members again (that would be quadratic).
            cursor.set_walking_a_scanned_value(true);
            value(None, patch, cursor)?;
            cursor.set_walking_a_scanned_value(false);
        }
        cursor.leave(mark);
    }
    Ok(())
}

/// Whether `patch`, at `depth` members under a member no `list_key` path goes through, is
/// certainly valid: no name in it starts with `$` (every directive's does, and a directive is
/// the only error such a value can hold besides its depth) and no object in it is deeper than
/// [`MAX_DEPTH`]. Most of a document is; it then needs no walk that keeps a path. Otherwise
/// [`value`] walks it and finds the error, if there is one, scanning nothing below it again.
/// An explicit stack (`pending`, kept by the cursor between calls): arrays of arrays do not
/// count toward the depth bound.
fn plainly_valid<'v>(
    patch: &'v Value,
    depth: usize,
    pending: &mut Vec<(&'v Value, usize)>,
) -> bool {
    pending.clear();
    pending.push((patch, depth));
    while let Some((value, depth)) = pending.pop() {
        if depth > MAX_DEPTH {
            return false;
        }
        match value {
            Value::Object(object) => {
                for (name, member) in object {
                    if name.starts_with('$') {
                        return false;
                    }
                    pending.push((member, depth + 1));
                }
            }
            Value::Array(items) => pending.extend(items.iter().map(|item| (item, depth))),
            _ => {}
        }
    }
    true
}

/// A list: keyed if a `list_key` names it; any other list replaces, and must hold no directive.
fn list<'v>(
    existing: Option<&'v Value>,
    items: &'v [Value],
    cursor: &mut Cursor<'v>,
) -> Result<(), MergeError> {
    let Some(members) = cursor.list_key() else {
        for (index, item) in items.iter().enumerate() {
            if has_directive(item) {
                let mark = cursor.enter_item(Segment::Index(index));
                let error = cursor.error(
                    "misplaced directive: `$patch` only applies in objects and in lists named by `list_key`, and this list has no `list_key`; add one for it, or remove the directive",
                );
                cursor.leave(mark);
                return Err(error);
            }
        }
        return Ok(());
    };
    let existing = existing.and_then(Value::as_array);
    let earlier = index_earlier(existing.map_or(&[][..], Vec::as_slice), members, cursor)?;
    let replaced = list_is_replaced(items, cursor)?;
    let mut later: HashMap<JsonKey, usize> = HashMap::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let object = keyed_item(index, item, cursor)?;
        if is_marker(object) {
            continue;
        }
        let found = directive(object).map_err(|message| item_error(cursor, index, message))?;
        let key = JsonKey::of(object, members)
            .ok_or_else(|| item_error(cursor, index, missing_key(index, members)))?;
        let segment = key.segment(members);
        let matched = if replaced {
            None
        } else {
            earlier
                .get(&key)
                .and_then(|&at| existing.map(|list| &list[at]))
        };
        match later.entry(key) {
            Entry::Occupied(first) => {
                let text = segment.to_string();
                let mark = cursor.enter_item(segment);
                let error = cursor.error(format_args!(
                    "the later document's list has the key `{}` twice, at index {} and at index {index}: each key may occur once in a document's keyed list; merge the two items into one or remove one",
                    &text[1..text.len() - 1],
                    first.get()
                ));
                cursor.leave(mark);
                return Err(error);
            }
            Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
        if found != Directive::Delete {
            let mark = cursor.enter_item(segment);
            value(matched, item, cursor)?;
            cursor.leave(mark);
        }
    }
    Ok(())
}

/// The earlier list's keys; items that are not objects, or lack their key, are kept by the
/// merge but never matched.
fn index_earlier<'v>(
    items: &'v [Value],
    members: &[&'static str],
    cursor: &mut Cursor,
) -> Result<HashMap<JsonKey<'v>, usize>, MergeError> {
    let mut earlier = HashMap::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Some(key) = item
            .as_object()
            .and_then(|object| JsonKey::of(object, members))
        else {
            continue;
        };
        if let Some(first) = earlier.get(&key) {
            let segment = key.segment(members);
            let text = segment.to_string();
            let mark = cursor.enter_item(segment);
            let error = cursor.error(format_args!(
                "the earlier document's list has the key `{}` twice, at index {first} and at index {index}: each key may occur once in a document's keyed list; merge the two items into one or remove one",
                &text[1..text.len() - 1],
            ));
            cursor.leave(mark);
            return Err(error);
        }
        earlier.insert(key, index);
    }
    Ok(earlier)
}

/// `{"$patch": "replace"}` alone: the rest of the later list replaces the earlier list.
pub(super) fn is_marker(object: &Map<String, Value>) -> bool {
    object.len() == 1
        && object
            .get(DIRECTIVE)
            .is_some_and(|value| value.as_str() == Some("replace"))
}

/// Whether the later list holds the replace marker (at most once).
fn list_is_replaced(items: &[Value], cursor: &mut Cursor) -> Result<bool, MergeError> {
    let mut markers = items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.as_object().is_some_and(is_marker))
        .map(|(index, _)| index);
    let first = markers.next();
    if let (Some(first), Some(second)) = (first, markers.next()) {
        return Err(cursor.error(format_args!(
            "the list holds `{{\"$patch\": \"replace\"}}` twice, at index {first} and at index {second}: one replaces the whole list; remove the other"
        )));
    }
    Ok(first.is_some())
}

fn keyed_item<'v>(
    index: usize,
    item: &'v Value,
    cursor: &mut Cursor,
) -> Result<&'v Map<String, Value>, MergeError> {
    item.as_object().ok_or_else(|| {
        item_error(
            cursor,
            index,
            format_args!(
                "item {index} of this keyed list is not an object: a list named by `list_key` holds objects with its key members"
            ),
        )
    })
}

fn item_error(cursor: &mut Cursor, index: usize, message: impl std::fmt::Display) -> MergeError {
    let mark = cursor.enter_item(Segment::Index(index));
    let error = cursor.error(message);
    cursor.leave(mark);
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plain(value: &Value, depth: usize) -> bool {
        plainly_valid(value, depth, &mut Vec::new())
    }

    #[test]
    fn a_dollar_name_anywhere_sends_the_value_to_the_walk() {
        assert!(plain(&json!({"a": {"b": [1, {"c": "$patch"}]}}), 1));
        assert!(!plain(&json!({"a": {"b": [1, {"$patch": "delete"}]}}), 1));
        assert!(!plain(&json!([[{"$retainKeys": []}]]), 1));
        assert!(!plain(&json!({"a": {"$x": 1}}), 1));
    }

    #[test]
    fn only_objects_count_toward_the_depth_bound() {
        let mut nested = json!(1);
        for _ in 0..MAX_DEPTH {
            nested = json!({ "a": nested });
        }
        assert!(!plain(&nested, 1));
        assert!(plain(&nested, 0));
        let mut arrays = json!(1);
        for _ in 0..(MAX_DEPTH * 4) {
            arrays = json!([arrays]);
        }
        assert!(plain(&arrays, MAX_DEPTH));
    }
}
