//! `strategy = "append"`: earlier items, then later items.

use crate::__private::trace as strategies;
use crate::trace::Tracer;
use std::collections::{LinkedList, VecDeque};

/// Lists that `strategy = "append"` can merge: the earlier items, then the later ones.
///
/// For `Option<list>`, a later `None` keeps the earlier list and an earlier `None` takes the
/// later list.
///
/// ```
/// use nodeconfig_core::strategy::Append;
///
/// let mut flags = Some(vec!["--v=2"]);
/// flags.append_items(Some(vec!["--node-labels=a=b"]));
/// flags.append_items(None);
/// assert_eq!(flags, Some(vec!["--v=2", "--node-labels=a=b"]));
/// ```
#[diagnostic::on_unimplemented(
    message = "`strategy = \"append\"` cannot merge `{Self}`",
    label = "`append` needs a list here",
    note = "`append` takes `Vec<T>`, `VecDeque<T>`, `LinkedList<T>`, and `Option` or `Box` of each",
    note = "use `strategy = \"replace\"` or `\"keep\"` for other types"
)]
pub trait Append {
    /// Appends `incoming`'s items after `self`'s.
    fn append_items(&mut self, incoming: Self);

    /// How many items the list holds (`None` holds none), for tracing which layer added which.
    fn item_count(&self) -> usize;

    /// Records each later item as a leaf of its own (`flags[3]`), so that the provenance of
    /// [`merge_all_traced`](crate::trace::merge_all_traced) says which layer added which item.
    /// Generated code calls it; the default fits every list.
    #[doc(hidden)]
    fn trace_append(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        strategies::append(
            existing.map(Self::item_count),
            incoming.item_count(),
            tracer,
        );
    }
}

impl<T> Append for Vec<T> {
    #[inline]
    fn append_items(&mut self, mut incoming: Self) {
        if self.is_empty() {
            *self = incoming;
        } else {
            self.append(&mut incoming);
        }
    }

    fn item_count(&self) -> usize {
        self.len()
    }
}

impl<T> Append for VecDeque<T> {
    #[inline]
    fn append_items(&mut self, mut incoming: Self) {
        if self.is_empty() {
            *self = incoming;
        } else {
            self.append(&mut incoming);
        }
    }

    fn item_count(&self) -> usize {
        self.len()
    }
}

impl<T> Append for LinkedList<T> {
    #[inline]
    fn append_items(&mut self, mut incoming: Self) {
        self.append(&mut incoming);
    }

    fn item_count(&self) -> usize {
        self.len()
    }
}

/// A boxed list appends like the list: `Option<Box<Vec<T>>>` takes `append` as
/// `Option<Vec<T>>` does.
impl<L: Append> Append for Box<L> {
    #[inline]
    fn append_items(&mut self, incoming: Self) {
        (**self).append_items(*incoming);
    }

    fn item_count(&self) -> usize {
        (**self).item_count()
    }
}

impl<L: Append> Append for Option<L> {
    #[inline]
    fn append_items(&mut self, incoming: Self) {
        let Some(incoming) = incoming else { return };
        match self {
            Some(existing) => existing.append_items(incoming),
            None => *self = Some(incoming),
        }
    }

    fn item_count(&self) -> usize {
        self.as_ref().map_or(0, Append::item_count)
    }
}
