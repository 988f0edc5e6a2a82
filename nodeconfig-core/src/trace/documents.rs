//! Tracing inside documents: the leaves of a `json_deep` patch and of a `toml_deep` document
//! are paths of their own (`baseRuntimeSpec.process.rlimits`), not one opaque field.

use super::{Strategy, Tracer};
use crate::path::{Key, Segment};

/// The segment of a document's key (a JSON member, a TOML key).
fn key_segment(key: &str) -> Segment {
    Segment::Key(Key::from(key))
}

/// How a JSON document's leaves are recorded: the strategy named, and whether a `null` member
/// is a deletion wherever it is (`merge_patch` keeps it in the merged patch) or only where it
/// removes an existing key (`json_deep`).
#[cfg(feature = "json")]
#[derive(Clone, Copy)]
pub(crate) struct LeafMode {
    pub(crate) strategy: Strategy,
    pub(crate) deletions_kept: bool,
}

/// The JSON documents `json_deep` merges, walked as a merge patch: every member of the patch
/// that is not an object is a leaf set by the layer; a `null` member that deletes an existing
/// key is a deletion. `JsonDeep::trace_json_deep` delegates here, and `merge_patch` through
/// [`record_as`](Self::record_as).
#[cfg(feature = "json")]
pub(crate) trait JsonLeaves {
    fn record_as(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer, mode: LeafMode);

    fn record(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        let mode = LeafMode {
            strategy: Strategy::JSON_DEEP,
            deletions_kept: false,
        };
        Self::record_as(existing, incoming, tracer, mode);
    }
}

#[cfg(feature = "json")]
mod json {
    use super::{JsonLeaves, LeafMode, Tracer, key_segment};
    use crate::trace::PathMark;
    use serde_json::{Map, Value};
    use std::collections::{BTreeMap, HashMap};
    use std::hash::BuildHasher;

    /// The merge patch walk, on any string-keyed container of JSON values.
    pub(super) fn members<'a>(
        existing: &dyn Fn(&str) -> Option<&'a Value>,
        patch: impl Iterator<Item = (&'a String, &'a Value)>,
        tracer: &mut Tracer,
        mode: LeafMode,
    ) {
        for (key, value) in patch {
            let mark = tracer.enter(key_segment(key));
            let before = existing(key);
            match value {
                Value::Null => {
                    if before.is_some() || mode.deletions_kept {
                        tracer.delete(mode.strategy);
                    }
                }
                Value::Object(object) => object_patch(before, object, tracer, mode),
                _ => tracer.set(mode.strategy),
            }
            tracer.leave(mark);
        }
    }

    /// One object of the patch being walked: the existing object it lands on (if any), the
    /// members not walked yet, and the path mark to go back to when it is done.
    type Frame<'a> = (
        Option<&'a Map<String, Value>>,
        serde_json::map::Iter<'a>,
        Option<PathMark>,
    );

    /// The walk below one object of the patch, with a stack of frames instead of recursion: a
    /// patch a million levels deep costs heap, not stack (the merge is iterative too).
    fn object_patch<'a>(
        existing: Option<&'a Value>,
        patch: &'a Map<String, Value>,
        tracer: &mut Tracer,
        mode: LeafMode,
    ) {
        let mut frames: Vec<Frame<'a>> =
            vec![(existing.and_then(Value::as_object), patch.iter(), None)];
        while let Some((target, members, _)) = frames.last_mut() {
            let target = *target;
            let Some((key, value)) = members.next() else {
                if let Some((_, _, Some(mark))) = frames.pop() {
                    tracer.leave(mark);
                }
                continue;
            };
            let before = target.and_then(|object| object.get(key));
            let mark = tracer.enter(key_segment(key));
            match value {
                Value::Object(inner) => {
                    frames.push((before.and_then(Value::as_object), inner.iter(), Some(mark)));
                    continue;
                }
                Value::Null => {
                    if before.is_some() || mode.deletions_kept {
                        tracer.delete(mode.strategy);
                    }
                }
                _ => tracer.set(mode.strategy),
            }
            tracer.leave(mark);
        }
    }

    impl JsonLeaves for Value {
        fn record_as(
            existing: Option<&Self>,
            incoming: &Self,
            tracer: &mut Tracer,
            mode: LeafMode,
        ) {
            match incoming {
                Value::Object(patch) => object_patch(existing, patch, tracer, mode),
                _ => tracer.set(mode.strategy),
            }
        }
    }

    impl JsonLeaves for Map<String, Value> {
        fn record_as(
            existing: Option<&Self>,
            incoming: &Self,
            tracer: &mut Tracer,
            mode: LeafMode,
        ) {
            members(
                &|key: &str| existing.and_then(|map| map.get(key)),
                incoming.iter(),
                tracer,
                mode,
            );
        }
    }

    impl JsonLeaves for BTreeMap<String, Value> {
        fn record_as(
            existing: Option<&Self>,
            incoming: &Self,
            tracer: &mut Tracer,
            mode: LeafMode,
        ) {
            members(
                &|key: &str| existing.and_then(|map| map.get(key)),
                incoming.iter(),
                tracer,
                mode,
            );
        }
    }

    impl<S: BuildHasher> JsonLeaves for HashMap<String, Value, S> {
        fn record_as(
            existing: Option<&Self>,
            incoming: &Self,
            tracer: &mut Tracer,
            mode: LeafMode,
        ) {
            // Sorted, so that a traced merge records its events in the same order every run.
            let mut patch: Vec<(&String, &Value)> = incoming.iter().collect();
            patch.sort_unstable_by(|left, right| left.0.cmp(right.0));
            members(
                &|key: &str| existing.and_then(|map| map.get(key)),
                patch.into_iter(),
                tracer,
                mode,
            );
        }
    }
}

/// The TOML documents `toml_deep` merges, walked table by table: every value that is not a
/// table is a leaf set by the layer. `TomlDeep::trace_toml_deep` delegates here.
#[cfg(feature = "toml")]
pub(crate) trait TomlLeaves {
    fn record(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer);
}

#[cfg(feature = "toml")]
mod toml_walk {
    use super::{Strategy, TomlLeaves, Tracer, key_segment};
    use crate::trace::PathMark;
    use toml::{Table, Value};

    const STRATEGY: Strategy = Strategy::TOML_DEEP;

    /// Every leaf of `incoming`, with a stack of frames instead of recursion (as for JSON).
    fn table(incoming: &Table, tracer: &mut Tracer) {
        let mut frames: Vec<(toml::map::Iter<'_, String, Value>, Option<PathMark>)> =
            vec![(incoming.iter(), None)];
        while let Some((entries, _)) = frames.last_mut() {
            let Some((key, value)) = entries.next() else {
                if let Some((_, Some(mark))) = frames.pop() {
                    tracer.leave(mark);
                }
                continue;
            };
            let mark = tracer.enter(key_segment(key));
            match value {
                Value::Table(inner) => frames.push((inner.iter(), Some(mark))),
                _ => {
                    tracer.set(STRATEGY);
                    tracer.leave(mark);
                }
            }
        }
    }

    impl TomlLeaves for Table {
        fn record(_: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
            table(incoming, tracer);
        }
    }

    impl TomlLeaves for Value {
        fn record(_: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
            match incoming {
                Value::Table(inner) => table(inner, tracer),
                _ => tracer.set(STRATEGY),
            }
        }
    }

    impl TomlLeaves for String {
        fn record(_: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
            if let Ok(parsed) = incoming.parse::<Table>() {
                table(&parsed, tracer);
            }
        }
    }
}
