//! `strategy = "union"`: the earlier items, then the later items not already present.
//!
//! The set counterpart of `append`: a later layer adds items and never removes one, so a tag or
//! feature gate named by any layer is in the result once.

use crate::MergeError;
use crate::path::{Segment, segment_for_key};
use crate::trace::{Strategy, Tracer};
use std::collections::{BTreeSet, HashSet};
use std::fmt::Debug;
use std::hash::{BuildHasher, Hash};

/// Sets that `strategy = "union"` can merge: earlier items, then later items not already
/// present.
///
/// For `Option<set>`, a later `None` keeps the earlier set and an earlier `None` takes the later
/// set. Items must be `Debug`: provenance names each added item (`tags.gpu`), and a set item is
/// a leaf set by the first layer that added it.
///
/// ```
/// use nodeconfig_core::strategy::Union;
/// use std::collections::BTreeSet;
///
/// let mut tags = Some(BTreeSet::from(["a", "b"]));
/// tags.apply_union(Some(BTreeSet::from(["b", "c"])));
/// tags.apply_union(None);
/// assert_eq!(tags, Some(BTreeSet::from(["a", "b", "c"])));
/// ```
#[diagnostic::on_unimplemented(
    message = "`strategy = \"union\"` cannot merge `{Self}`",
    label = "`union` needs a set here",
    note = "`union` takes `BTreeSet<T>`, `HashSet<T>`, `IndexSet<T>` (feature `indexmap`), and `Option` or `Box` of each, with `T: Debug`",
    note = "use `strategy = \"append\"` for lists, `\"replace\"` or `\"keep\"` for other types"
)]
pub trait Union: Sized {
    /// Whether the prepare phase has work to do: never, a union cannot fail. The same item as
    /// [`DeepMerge::NEEDS_PREPARE`](crate::DeepMerge).
    #[doc(hidden)]
    const NEEDS_PREPARE: bool = false;

    /// The fallible phase, as [`DeepMerge::prepare_merge`](crate::DeepMerge::prepare_merge):
    /// a union cannot fail, so it does nothing.
    ///
    /// ```
    /// use nodeconfig_core::strategy::Union;
    /// use std::collections::BTreeSet;
    /// assert!(BTreeSet::from([1]).prepare_union(&mut BTreeSet::from([2])).is_ok());
    /// ```
    fn prepare_union(&self, incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// The fallible phase for a set that lands where nothing was, as
    /// [`DeepMerge::check_new`](crate::DeepMerge::check_new): nothing to check.
    ///
    /// ```
    /// use nodeconfig_core::strategy::Union;
    /// use std::collections::BTreeSet;
    /// assert!(BTreeSet::check_new_union(&mut BTreeSet::from([1])).is_ok());
    /// ```
    fn check_new_union(incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// The moving phase: adds `incoming`'s items that `self` does not hold yet.
    fn apply_union(&mut self, incoming: Self);

    /// Both phases, as [`DeepMerge::deep_merge`](crate::DeepMerge::deep_merge); never `Err`.
    ///
    /// ```
    /// use nodeconfig_core::strategy::Union;
    /// use std::collections::BTreeSet;
    ///
    /// let mut tags = BTreeSet::from(["a"]);
    /// tags.merge_union(BTreeSet::from(["a", "b"]))?;
    /// assert_eq!(tags, BTreeSet::from(["a", "b"]));
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    fn merge_union(&mut self, incoming: Self) -> Result<(), MergeError> {
        let mut incoming = incoming;
        self.prepare_union(&mut incoming)?;
        self.apply_union(incoming);
        Ok(())
    }

    /// Records, for provenance, each item of `incoming` that `existing` does not hold yet.
    ///
    /// ```
    /// use nodeconfig_core::{DeepMerge, trace::merge_all_traced};
    /// use std::collections::BTreeSet;
    ///
    /// #[derive(DeepMerge, Default)]
    /// struct Node {
    ///     #[merge(strategy = "union")]
    ///     tags: BTreeSet<String>,
    /// }
    /// let layer = |tags: &[&str]| Node { tags: tags.iter().map(|tag| tag.to_string()).collect() };
    /// let (_, provenance) = merge_all_traced([("a", layer(&["gpu"])), ("b", layer(&["gpu", "spot"]))])?;
    /// assert_eq!(provenance.source(provenance.get("tags.gpu").unwrap().layer), &"a");
    /// assert_eq!(provenance.source(provenance.get("tags.spot").unwrap().layer), &"b");
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    fn trace_union(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer);
}

/// Records each new item as a leaf of its own, keyed by the item.
fn trace_new_items<'a, T: Debug + 'a>(
    items: impl Iterator<Item = &'a T>,
    present: impl Fn(&T) -> bool,
    tracer: &mut Tracer,
) {
    for item in items.filter(|item| !present(item)) {
        let mark = tracer.enter(Segment::key(item));
        tracer.set(Strategy::UNION);
        tracer.leave(mark);
    }
}

impl<T: Ord + Debug> Union for BTreeSet<T> {
    #[inline]
    fn apply_union(&mut self, mut incoming: Self) {
        self.append(&mut incoming);
    }

    fn trace_union(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        trace_new_items(
            incoming.iter(),
            |item| existing.is_some_and(|set| set.contains(item)),
            tracer,
        );
    }
}

impl<T: Eq + Hash + Debug, S: BuildHasher> Union for HashSet<T, S> {
    #[inline]
    fn apply_union(&mut self, incoming: Self) {
        if self.is_empty() {
            *self = incoming;
        } else {
            self.extend(incoming);
        }
    }

    fn trace_union(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        // Item order, so that a traced merge records its events the same way every run.
        let mut items: Vec<&T> = incoming.iter().collect();
        items.sort_by_cached_key(|item| segment_for_key(item));
        trace_new_items(
            items.into_iter(),
            |item| existing.is_some_and(|set| set.contains(item)),
            tracer,
        );
    }
}

/// Earlier items keep their places; new items follow in the later layer's order.
#[cfg(feature = "indexmap")]
#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
impl<T: Eq + Hash + Debug, S: BuildHasher> Union for indexmap::IndexSet<T, S> {
    #[inline]
    fn apply_union(&mut self, incoming: Self) {
        if self.is_empty() {
            *self = incoming;
        } else {
            self.extend(incoming);
        }
    }

    fn trace_union(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        trace_new_items(
            incoming.iter(),
            |item| existing.is_some_and(|set| set.contains(item)),
            tracer,
        );
    }
}

impl<L: Union> Union for Option<L> {
    #[inline]
    fn apply_union(&mut self, incoming: Self) {
        let Some(incoming) = incoming else { return };
        match self {
            Some(existing) => existing.apply_union(incoming),
            None => *self = Some(incoming),
        }
    }

    fn trace_union(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        if let Some(incoming) = incoming {
            L::trace_union(existing.and_then(Option::as_ref), incoming, tracer);
        }
    }
}

impl<L: Union> Union for Box<L> {
    #[inline]
    fn apply_union(&mut self, incoming: Self) {
        (**self).apply_union(*incoming);
    }

    fn trace_union(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        L::trace_union(existing.map(|boxed| &**boxed), incoming, tracer);
    }
}
