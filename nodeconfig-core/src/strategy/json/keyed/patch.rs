//! The moving phase of `merge_patch` with `list_key`: two keyed patches merged into one that
//! keeps its deletions and directives, so that applying it (with the same keys) equals applying
//! the two one by one. The check (`check.rs`) has already rejected every error.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::mem;

use super::apply;
use super::check::is_marker;
use super::cursor::Lists;
use super::rules::{DIRECTIVE, Directive, JsonKey, directive};

/// Merges the later patch `later` into the earlier patch `earlier` where `lists` is.
pub(super) fn value(earlier: &mut Value, later: Value, lists: &mut Lists) {
    match later {
        Value::Object(later) => object(earlier, later, lists),
        Value::Array(items) => match lists.list_key() {
            Some(members) => list(earlier, items, members, lists),
            None => *earlier = Value::Array(items),
        },
        // `null` (a deletion, kept) and scalars replace whatever the earlier patch said.
        scalar => *earlier = scalar,
    }
}

/// An object patch: a directive replaces the earlier patch; a plain object merges member by
/// member into a plain earlier object. Onto anything else, applying the earlier patch leaves a
/// value the later object lands on as on nothing, so the merged patch is that result, resolved,
/// with `"$patch": "replace"`.
fn object(earlier: &mut Value, later: Map<String, Value>, lists: &mut Lists) {
    match directive(&later).unwrap_or(Directive::None) {
        Directive::None => {}
        Directive::Delete => {
            *earlier = Value::Object(later);
            return;
        }
        // Kept in its resolved form (no `null` member, no inner directive), the form a
        // replaced item takes wherever it is merged, so the result does not depend on how the
        // layers are grouped.
        Directive::Replace => {
            let resolved = resolve(Value::Null, Value::Object(later), lists);
            *earlier = replace_marked(resolved);
            return;
        }
    }
    match earlier {
        Value::Object(target)
            if directive(target).unwrap_or(Directive::None) == Directive::None =>
        {
            members(target, later, lists);
        }
        _ => {
            let resolved = resolve(mem::take(earlier), Value::Object(later), lists);
            *earlier = replace_marked(resolved);
        }
    }
}

fn members(target: &mut Map<String, Value>, later: Map<String, Value>, lists: &mut Lists) {
    for (key, later) in later {
        let mark = lists.enter(&key);
        match target.get_mut(&key) {
            Some(slot) => value(slot, later, lists),
            None => {
                target.insert(key, later);
            }
        }
        lists.leave(mark);
    }
}

/// A keyed list patch. A later list with the replace marker replaces the earlier patch; onto a
/// plain earlier list patch, items merge by key (a later item into the earlier item with its
/// key, as patches; new keys appended in the later order); onto anything else (a replaced
/// list, `null`, a scalar, an object) the merged patch is the resolved list with the marker.
fn list(earlier: &mut Value, items: Vec<Value>, members: &[&'static str], lists: &mut Lists) {
    let is_marked = |items: &[Value]| {
        items
            .iter()
            .any(|item| item.as_object().is_some_and(is_marker))
    };
    if is_marked(&items) {
        let resolved = resolve(Value::Null, Value::Array(items), lists);
        *earlier = replace_marked(resolved);
        return;
    }
    if let Value::Array(list) = earlier
        && !is_marked(list)
    {
        merge_items(list, items, members, lists);
        return;
    }
    let resolved = resolve(mem::take(earlier), Value::Array(items), lists);
    *earlier = replace_marked(resolved);
}

/// Two plain keyed list patches. An item deleted by the earlier patch and set by the later one
/// becomes a replace item at the end (applied one by one, the item is deleted, then appended).
fn merge_items(
    earlier: &mut Vec<Value>,
    items: Vec<Value>,
    members: &[&'static str],
    lists: &mut Lists,
) {
    let positions: Vec<Option<usize>> = {
        let mut index = HashMap::with_capacity(earlier.len());
        for (position, item) in earlier.iter().enumerate() {
            if let Some(key) = item.as_object().and_then(|item| JsonKey::of(item, members)) {
                index.entry(key).or_insert(position);
            }
        }
        items
            .iter()
            .map(|item| {
                let key = item.as_object().and_then(|item| JsonKey::of(item, members));
                key.and_then(|key| index.get(&key).copied())
            })
            .collect()
    };
    let mut removed = vec![false; earlier.len()];
    let mut appended = Vec::new();
    for (item, position) in items.into_iter().zip(positions) {
        let Value::Object(object) = item else {
            continue;
        };
        // Items are transparent to `list_key` paths, and merging patches cannot fail: no path.
        let deletes = directive(&object) == Ok(Directive::Delete);
        match position {
            Some(at) if is_delete(&earlier[at]) && !deletes => {
                removed[at] = true;
                let resolved = resolve(Value::Null, Value::Object(object), lists);
                appended.push(replace_marked(resolved));
            }
            Some(at) => value(&mut earlier[at], Value::Object(object), lists),
            None => appended.push(Value::Object(object)),
        }
    }
    if removed.contains(&true) {
        let mut flags = removed.into_iter();
        earlier.retain(|_| !flags.next().unwrap_or(false));
    }
    earlier.append(&mut appended);
}

fn is_delete(item: &Value) -> bool {
    item.as_object()
        .is_some_and(|item| directive(item) == Ok(Directive::Delete))
}

/// What applying `earlier` and then `later` leaves where nothing was: a final value, with no
/// directive and no `null` member.
fn resolve(earlier: Value, later: Value, lists: &mut Lists) -> Value {
    let mut landed = Value::Null;
    if !is_delete(&earlier) {
        apply::value(&mut landed, earlier, lists);
    }
    apply::value(&mut landed, later, lists);
    landed
}

/// A resolved value as a patch that replaces what it lands on: an object gains
/// `"$patch": "replace"`, a keyed list the `{"$patch": "replace"}` marker in front.
fn replace_marked(resolved: Value) -> Value {
    let marker = || Value::String("replace".to_owned());
    match resolved {
        Value::Object(mut object) => {
            object.insert(DIRECTIVE.to_owned(), marker());
            Value::Object(object)
        }
        Value::Array(mut items) => {
            let mut first = Map::new();
            first.insert(DIRECTIVE.to_owned(), marker());
            items.insert(0, Value::Object(first));
            Value::Array(items)
        }
        other => other,
    }
}
