//! Provenance of a keyed JSON merge: like `json_deep`'s, with list items named by key
//! (`baseRuntimeSpec.process.rlimits[type=RLIMIT_NOFILE].soft`) and directives recorded (a
//! deleted item or member is a deletion; a replaced object or list is set whole first).

use serde_json::{Map, Value};
use std::collections::HashMap;

use super::check::is_marker;
use super::cursor::Cursor;
use super::rules::{DIRECTIVE, Directive, JsonKey, MAX_DEPTH, directive};
use crate::path::{Key, Segment};
use crate::trace::{Strategy, Tracer};

/// How a strategy's trace reads its documents.
#[derive(Clone, Copy)]
pub(super) struct Mode {
    /// The strategy name recorded.
    pub(super) strategy: Strategy,
    /// Whether a `null` member is a deletion even where no earlier layer had the key: a patch
    /// that keeps its deletions (`merge_patch`) deletes from the base it is applied onto.
    pub(super) deletions_kept: bool,
}

/// `json_deep` with `list_key`: a final document.
pub(super) const DOCUMENT: Mode = Mode {
    strategy: Strategy::JSON_DEEP,
    deletions_kept: false,
};

/// `merge_patch` with `list_key`: a patch that keeps its deletions.
pub(super) const PATCH: Mode = Mode {
    strategy: Strategy::MERGE_PATCH,
    deletions_kept: true,
};

/// Records what merging `patch` onto `existing` sets and deletes.
pub(super) fn value<'v>(
    existing: Option<&'v Value>,
    patch: &'v Value,
    cursor: &mut Cursor<'v>,
    tracer: &mut Tracer,
    mode: Mode,
) {
    // The merge rejects deeper documents; the trace runs first and must not recurse on them.
    if cursor.depth() > MAX_DEPTH {
        tracer.set(mode.strategy);
        return;
    }
    match patch {
        Value::Object(object) => match directive(object) {
            Ok(Directive::Replace) => {
                tracer.set(mode.strategy);
                members(None, object, cursor, tracer, mode);
            }
            Ok(Directive::Delete) => tracer.delete(mode.strategy),
            _ => {
                let existing = existing.and_then(Value::as_object);
                if object.is_empty() || existing.is_none() {
                    tracer.set(mode.strategy);
                }
                members(existing, object, cursor, tracer, mode);
            }
        },
        Value::Array(items) => match cursor.list_key() {
            Some(names) => list(
                existing.and_then(Value::as_array),
                items,
                names,
                cursor,
                tracer,
                mode,
            ),
            None => tracer.set(mode.strategy),
        },
        _ => tracer.set(mode.strategy),
    }
}

fn members<'v>(
    existing: Option<&'v Map<String, Value>>,
    patch: &'v Map<String, Value>,
    cursor: &mut Cursor<'v>,
    tracer: &mut Tracer,
    mode: Mode,
) {
    for (key, patch) in patch {
        if key == DIRECTIVE {
            continue;
        }
        let before = existing.and_then(|object| object.get(key));
        let mark = cursor.enter_member(key);
        let traced = tracer.enter(Segment::Key(Key::from(key.as_str())));
        if patch.is_null() {
            if before.is_some() || mode.deletions_kept {
                tracer.delete(mode.strategy);
            }
        } else {
            value(before, patch, cursor, tracer, mode);
        }
        tracer.leave(traced);
        cursor.leave(mark);
    }
}

fn list<'v>(
    existing: Option<&'v Vec<Value>>,
    items: &'v [Value],
    names: &[&'static str],
    cursor: &mut Cursor<'v>,
    tracer: &mut Tracer,
    mode: Mode,
) {
    let replaced = items
        .iter()
        .any(|item| item.as_object().is_some_and(is_marker));
    if replaced || existing.is_none() {
        tracer.set(mode.strategy);
    }
    let mut earlier = HashMap::new();
    for (position, item) in existing
        .filter(|_| !replaced)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(key) = item
            .as_object()
            .and_then(|object| JsonKey::of(object, names))
        {
            earlier.entry(key).or_insert(position);
        }
    }
    for item in items {
        let Some(object) = item.as_object().filter(|object| !is_marker(object)) else {
            continue;
        };
        let Some(key) = JsonKey::of(object, names) else {
            continue;
        };
        let matched = earlier
            .get(&key)
            .and_then(|&at| existing.map(|list| &list[at]));
        let segment = key.segment(names);
        let mark = cursor.enter_item(segment.clone());
        let traced = tracer.enter(segment);
        value(matched, item, cursor, tracer, mode);
        tracer.leave(traced);
        cursor.leave(mark);
    }
}
