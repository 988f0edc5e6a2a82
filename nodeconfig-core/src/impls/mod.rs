//! `DeepMerge` for the std types whose merge is unambiguous.
//!
//! Lists, sets and documents are left out on purpose: whether a later list appends to or
//! replaces an earlier one is a choice the field's author makes with a strategy (sets take
//! `union`, `replace` or `keep`).
//!
//! `scalars.rs` holds the atoms that later layers replace, `maps.rs` the std maps,
//! `pointers.rs` `Arc` and `Rc`, and `indexmap.rs` (feature `indexmap`) `IndexMap`.

#[cfg(feature = "indexmap")]
mod indexmap;
mod maps;
mod pointers;
mod scalars;

use crate::trace::Tracer;
use crate::{DeepMerge, MergeError};

/// `None` later keeps the earlier value; `Some` into `None` takes it; `Some` into `Some` merges.
impl<T: DeepMerge> DeepMerge for Option<T> {
    const NEEDS_PREPARE: bool = T::NEEDS_PREPARE;

    fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
        match (self, incoming) {
            (Some(existing), Some(incoming)) => existing.prepare_merge(incoming),
            (None, Some(incoming)) => T::check_new(incoming),
            (_, None) => Ok(()),
        }
    }

    fn check_new(incoming: &mut Self) -> Result<(), MergeError> {
        incoming.as_mut().map_or(Ok(()), T::check_new)
    }

    #[inline]
    fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
        // The whole `Option` moves into an empty slot, and the value inside moves straight
        // into the call: unwrapping into a local and wrapping again copies a large `T`.
        match self {
            None => {
                *self = incoming;
                Ok(())
            }
            Some(existing) => match incoming {
                Some(incoming) => existing.apply_merge(incoming),
                None => Ok(()),
            },
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

    fn check_new(incoming: &mut Self) -> Result<(), MergeError> {
        T::check_new(&mut **incoming)
    }

    #[inline]
    fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
        (**self).apply_merge(*incoming)
    }

    fn trace_merge(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        T::trace_merge(existing.map(|boxed| &**boxed), incoming, tracer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashMap};

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
