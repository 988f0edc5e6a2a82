//! `DeepMerge` for the std types whose merge is unambiguous.
//!
//! Lists, sets and documents are left out on purpose: whether a later list appends to or
//! replaces an earlier one is a choice the field's author makes with a strategy.

use crate::error::segment_for_key;
use crate::trace::Tracer;
use crate::{DeepMerge, MergeError};
use std::collections::{BTreeMap, HashMap, btree_map, hash_map};
use std::hash::{BuildHasher, Hash};

/// Scalars and other atoms: the later value replaces the earlier one.
macro_rules! replace_impls {
    ($($ty:ty),* $(,)?) => {$(
        impl DeepMerge for $ty {
            const NEEDS_PREPARE: bool = false;

            #[inline]
            fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
                *self = incoming;
                Ok(())
            }

            fn trace_merge(_: Option<&Self>, _: &Self, tracer: &mut Tracer) {
                tracer.set("replace");
            }
        }
    )*};
}

replace_impls! {
    (), bool, char,
    u8, u16, u32, u64, u128, usize,
    i8, i16, i32, i64, i128, isize,
    f32, f64,
    String, std::path::PathBuf, std::ffi::OsString,
    std::time::Duration, std::time::SystemTime,
    std::net::IpAddr, std::net::Ipv4Addr, std::net::Ipv6Addr,
    std::net::SocketAddr, std::net::SocketAddrV4, std::net::SocketAddrV6,
    std::num::NonZeroU8, std::num::NonZeroU16, std::num::NonZeroU32, std::num::NonZeroU64,
    std::num::NonZeroUsize, std::num::NonZeroI32, std::num::NonZeroI64,
}

/// `None` later keeps the earlier value; `Some` into `None` takes it; `Some` into `Some` merges.
impl<T: DeepMerge> DeepMerge for Option<T> {
    const NEEDS_PREPARE: bool = T::NEEDS_PREPARE;

    fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
        match (self, incoming) {
            (Some(existing), Some(incoming)) => existing.prepare_merge(incoming),
            (None, Some(incoming)) => T::prepare_new(incoming),
            (_, None) => Ok(()),
        }
    }

    fn prepare_new(incoming: &mut Self) -> Result<(), MergeError> {
        incoming.as_mut().map_or(Ok(()), T::prepare_new)
    }

    #[inline]
    fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
        let Some(incoming) = incoming else {
            return Ok(());
        };
        match self {
            Some(existing) => existing.apply_merge(incoming),
            None => {
                *self = Some(incoming);
                Ok(())
            }
        }
    }

    fn trace_merge(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        if let Some(incoming) = incoming {
            T::trace_merge(existing.and_then(Option::as_ref), incoming, tracer);
        }
    }
}

/// Merges the boxed values.
impl<T: DeepMerge> DeepMerge for Box<T> {
    const NEEDS_PREPARE: bool = T::NEEDS_PREPARE;

    fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
        (**self).prepare_merge(&mut **incoming)
    }

    fn prepare_new(incoming: &mut Self) -> Result<(), MergeError> {
        T::prepare_new(&mut **incoming)
    }

    #[inline]
    fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
        (**self).apply_merge(*incoming)
    }

    fn trace_merge(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        T::trace_merge(existing.map(|boxed| &**boxed), incoming, tracer);
    }
}

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

    fn prepare_new(incoming: &mut Self) -> Result<(), MergeError> {
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
                        return Err(error.at(&segment_for_key(slot.key())));
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

    fn prepare_new(incoming: &mut Self) -> Result<(), MergeError> {
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
                        return Err(error.at(&segment_for_key(slot.key())));
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
fn prepare_entries<'a, K, V>(
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
            None => V::prepare_new(incoming_value),
        };
        prepared.map_err(|error| error.at(&segment_for_key(key)))?;
    }
    Ok(())
}

/// The trace of a map, for both map types: each incoming entry under its key's path segment.
fn trace_entries<'a, K, V>(
    incoming: impl Iterator<Item = (&'a K, &'a V)>,
    existing: impl Fn(&K) -> Option<&'a V>,
    tracer: &mut Tracer,
) where
    K: std::fmt::Debug + 'a,
    V: DeepMerge + 'a,
{
    for (key, incoming_value) in incoming {
        let mark = tracer.enter(&segment_for_key(key));
        V::trace_merge(existing(key), incoming_value, tracer);
        tracer.leave(mark);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value whose prepare fails when the incoming side is odd: stands in for a broken document.
    #[derive(Debug, PartialEq)]
    struct EvenOnly(u32);

    impl DeepMerge for EvenOnly {
        fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
            if incoming.0 % 2 == 1 {
                return Err(MergeError::custom("odd"));
            }
            Ok(())
        }
        fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
            self.0 = incoming.0;
            Ok(())
        }
    }

    #[test]
    fn a_failing_map_value_leaves_every_key_unchanged_and_names_the_key() {
        let mut existing = BTreeMap::from([("a", EvenOnly(0)), ("b", EvenOnly(0))]);
        let incoming = BTreeMap::from([("a", EvenOnly(2)), ("b", EvenOnly(3)), ("c", EvenOnly(4))]);
        let error = existing.deep_merge(incoming).unwrap_err();
        assert_eq!(error.path(), "b");
        assert_eq!(
            existing,
            BTreeMap::from([("a", EvenOnly(0)), ("b", EvenOnly(0))])
        );
    }

    #[test]
    fn hash_maps_merge_per_key() {
        let mut existing = HashMap::from([("a", Some(1)), ("b", None)]);
        existing
            .deep_merge(HashMap::from([("a", None), ("b", Some(2)), ("c", Some(3))]))
            .unwrap();
        assert_eq!(
            existing,
            HashMap::from([("a", Some(1)), ("b", Some(2)), ("c", Some(3))])
        );
    }

    #[test]
    fn boxed_options_merge_inside() {
        let mut existing = Box::new(Some(1_u8));
        existing.deep_merge(Box::new(None)).unwrap();
        assert_eq!(*existing, Some(1));
    }
}
