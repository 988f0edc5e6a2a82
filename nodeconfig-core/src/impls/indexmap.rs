//! `IndexMap` (feature `indexmap`): the std maps' merge, in order.
//!
//! Keys present on both sides merge their values in place; new keys are appended in the later
//! layer's order, so the earlier layers' order is kept (what serde_json's `preserve_order` and
//! most order-keeping config loaders promise).

use super::maps::{prepare_entries, trace_entries};
use crate::path::Segment;
use crate::trace::Tracer;
use crate::{DeepMerge, MergeError};
use indexmap::{IndexMap, map::Entry};
use std::hash::{BuildHasher, Hash};

/// Union of keys in order: earlier keys first, then the later layer's new keys.
#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
impl<K, V, S> DeepMerge for IndexMap<K, V, S>
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
        if self.is_empty() {
            *self = incoming;
            return Ok(());
        }
        self.reserve(incoming.len());
        for (key, incoming_value) in incoming {
            match self.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(incoming_value);
                }
                Entry::Occupied(mut slot) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_order_is_kept_and_new_keys_follow_in_the_later_order() {
        let mut existing = IndexMap::from([("z", Some(1_u8)), ("a", None)]);
        existing
            .deep_merge(IndexMap::from([
                ("m", Some(3)),
                ("a", Some(2)),
                ("b", Some(4)),
            ]))
            .unwrap();
        let keys: Vec<&str> = existing.keys().copied().collect();
        assert_eq!(keys, ["z", "a", "m", "b"]);
        assert_eq!(existing["a"], Some(2));
    }
}
