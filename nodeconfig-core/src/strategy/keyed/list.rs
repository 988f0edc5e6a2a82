//! The keyed merge itself, over any [`List`]: a hash index of the earlier list, one pass over
//! the later one.

use std::collections::VecDeque;
use std::collections::hash_map::{Entry, HashMap};

use super::ItemKey;
use super::key::Parts;
use crate::trace::Tracer;
use crate::{DeepMerge, MergeError};

/// What the merge needs of `Vec` and `VecDeque`.
pub(super) trait List<T>: IntoIterator<Item = T> {
    fn len(&self) -> usize;
    fn item(&self, index: usize) -> &T;
    fn item_mut(&mut self, index: usize) -> &mut T;
    fn push(&mut self, item: T);
}

impl<T> List<T> for Vec<T> {
    fn len(&self) -> usize {
        self.len()
    }
    fn item(&self, index: usize) -> &T {
        &self[index]
    }
    fn item_mut(&mut self, index: usize) -> &mut T {
        &mut self[index]
    }
    fn push(&mut self, item: T) {
        self.push(item);
    }
}

impl<T> List<T> for VecDeque<T> {
    fn len(&self) -> usize {
        self.len()
    }
    fn item(&self, index: usize) -> &T {
        &self[index]
    }
    fn item_mut(&mut self, index: usize) -> &mut T {
        &mut self[index]
    }
    fn push(&mut self, item: T) {
        self.push_back(item);
    }
}

/// Indexes a list by key: each key's position, or the duplicate-key error (`side` names the
/// list in it: "earlier" or "later").
fn index<'a, T: DeepMerge + 'a, L: List<T>, const N: usize>(
    list: &'a L,
    key: &ItemKey<T, N>,
    side: &str,
) -> Result<HashMap<Parts<'a, N>, usize>, MergeError> {
    let mut positions = HashMap::with_capacity(list.len());
    for position in 0..list.len() {
        let item = list.item(position);
        match positions.entry(key.parts(item)) {
            Entry::Vacant(slot) => {
                slot.insert(position);
            }
            Entry::Occupied(slot) => {
                let segment = key.segment_named(item, T::SERDE_NAMES);
                let text = segment.to_string();
                let first = *slot.get();
                return Err(MergeError::custom(format_args!(
                    "the {side} list has the key `{}` twice, at index {first} and at index \
                     {position}: each key may occur once in a layer's list; merge the two items \
                     into one or remove one",
                    &text[1..text.len() - 1],
                ))
                .at(segment));
            }
        }
    }
    Ok(positions)
}

/// For each later item, the position of the earlier item with its key, if any; checks both
/// lists for duplicate keys.
fn match_items<T: DeepMerge, L: List<T>, const N: usize>(
    existing: &L,
    incoming: &L,
    key: &ItemKey<T, N>,
) -> Result<Vec<Option<usize>>, MergeError> {
    let earlier = index(existing, key, "earlier")?;
    // The later index only detects duplicates; the earlier one answers the matches.
    index(incoming, key, "later")?;
    Ok((0..incoming.len())
        .map(|position| earlier.get(&key.parts(incoming.item(position))).copied())
        .collect())
}

/// The fallible phase: duplicate keys, then each later item prepared against its match, or as
/// a new value.
pub(super) fn prepare<T: DeepMerge, L: List<T>, const N: usize>(
    existing: &L,
    incoming: &mut L,
    key: &ItemKey<T, N>,
) -> Result<(), MergeError> {
    let matches = match_items(existing, incoming, key)?;
    if !T::NEEDS_PREPARE {
        return Ok(());
    }
    for (position, matched) in matches.into_iter().enumerate() {
        let item = incoming.item_mut(position);
        let result = match matched {
            Some(earlier) => existing.item(earlier).prepare_merge(item),
            None => T::check_new(item),
        };
        if let Err(error) = result {
            return Err(error.at(key.segment_named(incoming.item(position), T::SERDE_NAMES)));
        }
    }
    Ok(())
}

/// The moving phase: merges each later item into its match, appends the rest in order.
pub(super) fn apply<T: DeepMerge, L: List<T>, const N: usize>(
    existing: &mut L,
    incoming: L,
    key: &ItemKey<T, N>,
) -> Result<(), MergeError> {
    if existing.len() == 0 {
        // Nothing to match: the prepare phase has checked the later list's keys.
        *existing = incoming;
        return Ok(());
    }
    let matches = match_items(existing, &incoming, key)?;
    for (item, matched) in incoming.into_iter().zip(matches) {
        match matched {
            Some(earlier) => {
                let target = existing.item_mut(earlier);
                if let Err(error) = target.apply_merge(item) {
                    return Err(error.at(key.segment_named(existing.item(earlier), T::SERDE_NAMES)));
                }
            }
            None => existing.push(item),
        }
    }
    Ok(())
}

/// Provenance: each later item traced under its key, against its match or against nothing.
pub(super) fn trace<T: DeepMerge, L: List<T>, const N: usize>(
    existing: Option<&L>,
    incoming: &L,
    key: &ItemKey<T, N>,
    tracer: &mut Tracer,
) {
    // The first item of a key wins here; a duplicate fails the merge itself.
    let mut earlier = HashMap::new();
    if let Some(existing) = existing {
        earlier.reserve(existing.len());
        for position in 0..existing.len() {
            earlier
                .entry(key.parts(existing.item(position)))
                .or_insert(position);
        }
    }
    for position in 0..incoming.len() {
        let item = incoming.item(position);
        let matched = earlier.get(&key.parts(item)).copied();
        let mark = tracer.enter(key.segment_named(item, T::SERDE_NAMES));
        let existing_item = existing.zip(matched).map(|(list, at)| list.item(at));
        T::trace_merge(existing_item, item, tracer);
        tracer.leave(mark);
    }
}
