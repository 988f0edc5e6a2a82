//! What generated code calls to trace `replace`, `keep` and `with` fields (and `Append`'s
//! default trace): not part of the public API.

use crate::trace::{Strategy, Tracer};

pub fn replace(tracer: &mut Tracer) {
    tracer.set(Strategy::REPLACE);
}

pub fn replace_option<T>(incoming: &Option<T>, tracer: &mut Tracer) {
    if incoming.is_some() {
        tracer.set(Strategy::REPLACE);
    }
}

pub fn keep<T>(existing: Option<&T>, tracer: &mut Tracer) {
    if existing.is_none() {
        tracer.set(Strategy::KEEP);
    }
}

pub fn keep_option<T>(existing: Option<&Option<T>>, incoming: &Option<T>, tracer: &mut Tracer) {
    if existing.is_none_or(Option::is_none) && incoming.is_some() {
        tracer.set(Strategy::KEEP);
    }
}

/// A `with` field is credited to a layer unless that layer's value is empty (`None`, an
/// empty collection or string): what a `with` function does is unknown, but a layer that
/// gives it nothing sets nothing. `unset` comes from [`WithProbe`]'s `is_unset`.
pub fn with(unset: bool, tracer: &mut Tracer) {
    if !unset {
        tracer.set(Strategy::WITH);
    }
}

/// `(&WithProbe(&value)).is_unset()`: true for an empty value of a type that
/// [`Emptiness`] knows, false for any other type (method resolution picks the
/// [`KnownEmptiness`] impl when it applies, else falls back to [`UnknownEmptiness`]).
pub struct WithProbe<'a, T>(pub &'a T);

/// The impl picked for types whose emptiness is known.
pub trait KnownEmptiness {
    fn is_unset(&self) -> bool;
}

impl<T: Emptiness> KnownEmptiness for WithProbe<'_, T> {
    fn is_unset(&self) -> bool {
        self.0.is_empty_value()
    }
}

/// The fallback: a value of a type with no notion of empty always counts as set.
pub trait UnknownEmptiness {
    fn is_unset(&self) -> bool;
}

impl<T> UnknownEmptiness for &WithProbe<'_, T> {
    fn is_unset(&self) -> bool {
        false
    }
}

/// Values that can be empty: a layer that gives one sets nothing.
pub trait Emptiness {
    fn is_empty_value(&self) -> bool;
}

impl<T> Emptiness for Option<T> {
    fn is_empty_value(&self) -> bool {
        self.is_none()
    }
}

macro_rules! emptiness_by_is_empty {
    ($([$($generics:tt)*] $ty:ty),* $(,)?) => {$(
        impl<$($generics)*> Emptiness for $ty {
            fn is_empty_value(&self) -> bool {
                self.is_empty()
            }
        }
    )*};
}

emptiness_by_is_empty! {
    [] String,
    [T] Vec<T>,
    [T] std::collections::VecDeque<T>,
    [T] std::collections::LinkedList<T>,
    [T] std::collections::BTreeSet<T>,
    [T, S] std::collections::HashSet<T, S>,
    [K, V] std::collections::BTreeMap<K, V>,
    [K, V, S] std::collections::HashMap<K, V, S>,
}

#[cfg(feature = "indexmap")]
emptiness_by_is_empty! {
    [T, S] indexmap::IndexSet<T, S>,
    [K, V, S] indexmap::IndexMap<K, V, S>,
}

/// Each appended item is a leaf of its own, `flags[3]`, so that the provenance says which
/// layer contributed which item.
pub fn append(existing_items: Option<usize>, incoming_items: usize, tracer: &mut Tracer) {
    let start = existing_items.unwrap_or(0);
    for index in start..start + incoming_items {
        let mark = tracer.enter(index);
        tracer.set(Strategy::APPEND);
        tracer.leave(mark);
    }
}
