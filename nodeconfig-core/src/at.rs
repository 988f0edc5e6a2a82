//! Building blocks for `with` functions: merge, check and move one value at a path segment, with
//! every check and path segment a built-in merge adds.
//!
//! A `with` function that merges values of a container itself (items of a list matched by name,
//! entries of a map type the crate does not know) should merge each value through these, so that
//! its documents are checked (a TOML text must parse, also when it lands where nothing was) and
//! an error names the item (`listeners[1].options`). For an atomic `with` function, check every
//! value first ([`prepare_at`], [`check_new`]), then move them in ([`apply_at`]): see the pattern
//! in the docs of [`DeepMerge`](macro@crate::DeepMerge).

use crate::path::Segment;
use crate::{DeepMerge, MergeError};

/// Prepends the segment to a failing merge's path; a `&'static str` or an index becomes a
/// segment only on error.
fn located(segment: impl Into<Segment>) -> impl FnOnce(MergeError) -> MergeError {
    move |error| error.at(segment)
}

/// Merges `incoming` into `existing` as a default-merged field would: every check of the
/// prepare phase, then the move, and an error path that starts with `segment`. On `Err`,
/// `existing` is unchanged.
///
/// ```
/// use nodeconfig_core::{DeepMerge, Segment, merge_at};
///
/// #[derive(DeepMerge)]
/// struct Options {
///     #[merge(strategy = "toml_deep")]
///     config: String,
/// }
/// let mut existing = Options { config: "a = 1".into() };
/// merge_at(&mut existing, Options { config: "b = 2".into() }, Segment::Index(0))?;
/// assert_eq!(existing.config, "a = 1\nb = 2");
///
/// let error = merge_at(&mut existing, Options { config: "[b".into() }, 1).unwrap_err();
/// assert_eq!(error.path(), "[1].config");
/// assert_eq!(existing.config, "a = 1\nb = 2");
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
pub fn merge_at<T: DeepMerge>(
    existing: &mut T,
    incoming: T,
    segment: impl Into<Segment>,
) -> Result<(), MergeError> {
    existing.deep_merge(incoming).map_err(located(segment))
}

/// The checks of [`merge_at`] without the move: `existing` is only read, and `incoming` may be
/// rewritten into the form [`apply_at`] moves in. Call `apply_at` with the same pair afterwards,
/// not `merge_at` (which would check again).
///
/// ```
/// use nodeconfig_core::{DeepMerge, prepare_at};
///
/// #[derive(DeepMerge)]
/// struct Options {
///     #[merge(strategy = "toml_deep")]
///     config: String,
/// }
/// let existing = Options { config: "a = 1".into() };
/// let mut broken = Options { config: "[b".into() };
/// let error = prepare_at(&existing, &mut broken, "api").unwrap_err();
/// assert_eq!(error.path(), "api.config");
/// ```
pub fn prepare_at<T: DeepMerge>(
    existing: &T,
    incoming: &mut T,
    segment: impl Into<Segment>,
) -> Result<(), MergeError> {
    if T::NEEDS_PREPARE {
        existing.prepare_merge(incoming).map_err(located(segment))?;
    }
    Ok(())
}

/// Checks a value that lands where nothing was (a new list item, a new map key): nothing is
/// merged into it, but what a merge requires still holds (its TOML documents must parse).
///
/// ```
/// use nodeconfig_core::{DeepMerge, Segment, check_new};
///
/// #[derive(DeepMerge)]
/// struct Options {
///     #[merge(strategy = "toml_deep")]
///     config: String,
/// }
/// let mut new_item = Options { config: "not toml".into() };
/// let error = check_new(&mut new_item, Segment::key(&"metrics")).unwrap_err();
/// assert_eq!(error.path(), "metrics.config");
/// assert!(check_new(&mut Options { config: "a = 1".into() }, Segment::Index(4)).is_ok());
/// ```
pub fn check_new<T: DeepMerge>(
    incoming: &mut T,
    segment: impl Into<Segment>,
) -> Result<(), MergeError> {
    if T::NEEDS_PREPARE {
        T::check_new(incoming).map_err(located(segment))?;
    }
    Ok(())
}

/// The move of [`merge_at`], for a pair already checked with [`prepare_at`]: it cannot fail
/// unless a `with` function inside `T` fails.
///
/// ```
/// use nodeconfig_core::{apply_at, prepare_at};
/// use std::collections::BTreeMap;
///
/// let mut existing = BTreeMap::from([("a", 1_u8)]);
/// let mut incoming = BTreeMap::from([("b", 2)]);
/// prepare_at(&existing, &mut incoming, "limits")?;
/// apply_at(&mut existing, incoming, "limits")?;
/// assert_eq!(existing.len(), 2);
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
pub fn apply_at<T: DeepMerge>(
    existing: &mut T,
    incoming: T,
    segment: impl Into<Segment>,
) -> Result<(), MergeError> {
    existing.apply_merge(incoming).map_err(located(segment))
}
