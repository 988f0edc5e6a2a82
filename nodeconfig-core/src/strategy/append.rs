//! `strategy = "append"`: earlier items, then later items.

use crate::__private::trace as strategies;
use crate::MergeError;
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
/// flags.apply_append(Some(vec!["--node-labels=a=b"]));
/// flags.apply_append(None);
/// assert_eq!(flags, Some(vec!["--v=2", "--node-labels=a=b"]));
/// ```
#[diagnostic::on_unimplemented(
    message = "`strategy = \"append\"` cannot merge `{Self}`",
    label = "`append` needs a list here",
    note = "`append` takes `Vec<T>`, `VecDeque<T>`, `LinkedList<T>`, and `Option` or `Box` of each",
    note = "use `strategy = \"replace\"` or `\"keep\"` for other types"
)]
pub trait Append: Sized {
    /// Whether the prepare phase has work to do: never, appending cannot fail. The same item
    /// as [`DeepMerge::NEEDS_PREPARE`](crate::DeepMerge).
    #[doc(hidden)]
    const NEEDS_PREPARE: bool = false;

    /// The fallible phase, as [`DeepMerge::prepare_merge`](crate::DeepMerge::prepare_merge):
    /// appending cannot fail, so it does nothing.
    ///
    /// ```
    /// use nodeconfig_core::strategy::Append;
    /// assert!(vec![1].prepare_append(&mut vec![2]).is_ok());
    /// ```
    fn prepare_append(&self, incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// The fallible phase for a list that lands where nothing was, as
    /// [`DeepMerge::check_new`](crate::DeepMerge::check_new): nothing to check.
    ///
    /// ```
    /// use nodeconfig_core::strategy::Append;
    /// assert!(Vec::check_new_append(&mut vec![1]).is_ok());
    /// ```
    fn check_new_append(incoming: &mut Self) -> Result<(), MergeError> {
        let _ = incoming;
        Ok(())
    }

    /// The moving phase: appends `incoming`'s items after `self`'s.
    fn apply_append(&mut self, incoming: Self);

    /// Both phases, as [`DeepMerge::deep_merge`](crate::DeepMerge::deep_merge); never `Err`.
    ///
    /// ```
    /// use nodeconfig_core::strategy::Append;
    ///
    /// let mut flags = vec!["--v=2"];
    /// flags.merge_append(vec!["--max-pods=58"])?;
    /// assert_eq!(flags, ["--v=2", "--max-pods=58"]);
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    fn merge_append(&mut self, incoming: Self) -> Result<(), MergeError> {
        let mut incoming = incoming;
        self.prepare_append(&mut incoming)?;
        self.apply_append(incoming);
        Ok(())
    }

    /// How many items the list holds (`None` holds none), for tracing which layer added which.
    #[doc(hidden)]
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
    fn apply_append(&mut self, mut incoming: Self) {
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
    fn apply_append(&mut self, mut incoming: Self) {
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
    fn apply_append(&mut self, mut incoming: Self) {
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
    fn apply_append(&mut self, incoming: Self) {
        (**self).apply_append(*incoming);
    }

    fn item_count(&self) -> usize {
        (**self).item_count()
    }
}

impl<L: Append> Append for Option<L> {
    #[inline]
    fn apply_append(&mut self, incoming: Self) {
        let Some(incoming) = incoming else { return };
        match self {
            Some(existing) => existing.apply_append(incoming),
            None => *self = Some(incoming),
        }
    }

    fn item_count(&self) -> usize {
        self.as_ref().map_or(0, Append::item_count)
    }
}
