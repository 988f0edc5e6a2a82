//! `Arc<T>` and `Rc<T>`: the shared values merge like the values themselves.
//!
//! A merge needs the earlier value mutable, so it goes through `make_mut`: no clone when the
//! pointer is not shared, a clone of the value (hence `T: Clone`) when it is, leaving the other
//! owners' value as it was (copy on write).

use crate::trace::Tracer;
use crate::{DeepMerge, MergeError};
use std::rc::Rc;
use std::sync::Arc;

macro_rules! pointer_impls {
    ($($pointer:ident),*) => {$(
        impl<T: DeepMerge + Clone> DeepMerge for $pointer<T> {
            const NEEDS_PREPARE: bool = T::NEEDS_PREPARE;

            fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
                (**self).prepare_merge($pointer::make_mut(incoming))
            }

            fn check_new(incoming: &mut Self) -> Result<(), MergeError> {
                T::check_new($pointer::make_mut(incoming))
            }

            fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
                $pointer::make_mut(self).apply_merge($pointer::unwrap_or_clone(incoming))
            }

            fn trace_merge(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
                T::trace_merge(existing.map(|shared| &**shared), incoming, tracer);
            }
        }
    )*};
}

pointer_impls!(Arc, Rc);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_shared_value_is_copied_before_the_merge_and_the_other_owner_keeps_its_own() {
        let mut existing = Arc::new(BTreeMap::from([("a", 1_u8)]));
        let other_owner = Arc::clone(&existing);
        existing
            .deep_merge(Arc::new(BTreeMap::from([("b", 2)])))
            .unwrap();
        assert_eq!(*existing, BTreeMap::from([("a", 1), ("b", 2)]));
        assert_eq!(*other_owner, BTreeMap::from([("a", 1)]));
    }

    #[test]
    fn an_unshared_value_is_merged_in_place() {
        let mut existing = Rc::new(BTreeMap::from([("a", 1_u8)]));
        let before = Rc::as_ptr(&existing);
        existing
            .deep_merge(Rc::new(BTreeMap::from([("a", 3)])))
            .unwrap();
        assert_eq!(Rc::as_ptr(&existing), before);
        assert_eq!(existing["a"], 3);
    }
}
