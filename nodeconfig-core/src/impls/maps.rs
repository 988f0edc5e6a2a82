//! The std maps: union of keys; a key present on both sides merges its values.

use crate::path::{Segment, segment_for_key};
use crate::trace::Tracer;
use crate::{DeepMerge, MergeError};
use std::collections::{BTreeMap, HashMap, btree_map, hash_map};
use std::hash::{BuildHasher, Hash};

/// Union of keys; a key present on both sides merges its values.
impl<K, V> DeepMerge for BTreeMap<K, V>
where
    K: Ord + std::fmt::Debug,
    V: DeepMerge,
{
    const NEEDS_PREPARE: bool = V::NEEDS_PREPARE;

    fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
        prepare_entries(incoming.iter_mut(), |key| self.get(key))
    }

    fn check_new(incoming: &mut Self) -> Result<(), MergeError> {
        prepare_entries(incoming.iter_mut(), |_| None)
    }

    fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
        if self.is_empty() {
            *self = incoming;
            return Ok(());
        }
        for (key, incoming_value) in incoming {
            match self.entry(key) {
                btree_map::Entry::Vacant(slot) => {
                    slot.insert(incoming_value);
                }
                btree_map::Entry::Occupied(mut slot) => {
                    if let Err(error) = slot.get_mut().apply_merge(incoming_value) {
                        return Err(error.at(Segment::key(slot.key())));
                    }
                }
            }
        }
        Ok(())
    }

    fn trace_merge(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        trace_entries(incoming.iter(), |key| existing?.get(key), tracer);
    }
}

/// Union of keys; a key present on both sides merges its values.
impl<K, V, S> DeepMerge for HashMap<K, V, S>
where
    K: Eq + Hash + std::fmt::Debug,
    V: DeepMerge,
    S: BuildHasher,
{
    const NEEDS_PREPARE: bool = V::NEEDS_PREPARE;

    fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
        prepare_entries(incoming.iter_mut(), |key| self.get(key))
    }

    fn check_new(incoming: &mut Self) -> Result<(), MergeError> {
        prepare_entries(incoming.iter_mut(), |_| None)
    }

    fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
        // Nothing to merge into: take the incoming map whole instead of rehashing every key.
        if self.is_empty() {
            *self = incoming;
            return Ok(());
        }
        self.reserve(incoming.len());
        for (key, incoming_value) in incoming {
            match self.entry(key) {
                hash_map::Entry::Vacant(slot) => {
                    slot.insert(incoming_value);
                }
                hash_map::Entry::Occupied(mut slot) => {
                    if let Err(error) = slot.get_mut().apply_merge(incoming_value) {
                        return Err(error.at(Segment::key(slot.key())));
                    }
                }
            }
        }
        Ok(())
    }

    fn trace_merge(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        // Key order, so that a traced merge records its events the same way every run.
        let mut entries: Vec<(&K, &V)> = incoming.iter().collect();
        entries.sort_by_cached_key(|(key, _)| segment_for_key(key));
        trace_entries(entries.into_iter(), |key| existing?.get(key), tracer);
    }
}

/// The prepare phase of a map, for both map types: each incoming entry is prepared against the
/// existing value under its key, or as a new value when `existing` has none.
pub(super) fn prepare_entries<'a, K, V>(
    incoming: impl Iterator<Item = (&'a K, &'a mut V)>,
    existing: impl Fn(&K) -> Option<&'a V>,
) -> Result<(), MergeError>
where
    K: std::fmt::Debug + 'a,
    V: DeepMerge + 'a,
{
    if !V::NEEDS_PREPARE {
        return Ok(());
    }
    for (key, incoming_value) in incoming {
        let prepared = match existing(key) {
            Some(existing_value) => existing_value.prepare_merge(incoming_value),
            None => V::check_new(incoming_value),
        };
        prepared.map_err(|error| error.at(Segment::key(key)))?;
    }
    Ok(())
}

/// The trace of a map, for both map types: each incoming entry under its key's path segment.
pub(super) fn trace_entries<'a, K, V>(
    incoming: impl Iterator<Item = (&'a K, &'a V)>,
    existing: impl Fn(&K) -> Option<&'a V>,
    tracer: &mut Tracer,
) where
    K: std::fmt::Debug + 'a,
    V: DeepMerge + 'a,
{
    for (key, incoming_value) in incoming {
        let mark = tracer.enter(Segment::key(key));
        V::trace_merge(existing(key), incoming_value, tracer);
        tracer.leave(mark);
    }
}
