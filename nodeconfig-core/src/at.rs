//! Building blocks for `with` functions: merge, check and move one value at a path segment, with
//! every check and path segment a built-in merge adds.
//!
//! A `with` function that merges values of a container itself (items of a list matched by name,
//! entries of a map type the crate does not know) should merge each value through these, so that
//! its documents are checked (a TOML text must parse, also when it lands where nothing was) and
//! an error names the item (`listeners[1].options`). For an atomic `with` function, check every
//! value first ([`prepare_at`], [`check_new`]), then move them in ([`apply_at`]): see the pattern
//! in the docs of [`DeepMerge`](macro@crate::DeepMerge).

use crate::{DeepMerge, MergeError};
use std::fmt::{self, Debug, Display, Write as _};

/// One step of an error path: a field name, a map key or a list index.
///
/// ```
/// use nodeconfig_core::Segment;
///
/// assert_eq!(Segment::Field("options").to_string(), "options");
/// assert_eq!(Segment::Key(&"a.b").to_string(), "[\"a.b\"]");
/// assert_eq!(Segment::Index(2).to_string(), "[2]");
/// assert_eq!(Segment::from("name").to_string(), "name");
/// assert_eq!(Segment::from(3).to_string(), "[3]");
/// ```
#[derive(Clone, Copy)]
pub enum Segment<'a> {
    /// A field, written as is (use the name serde reads, after renames).
    Field(&'a str),
    /// A map key, written as is when it reads as a plain name, else in brackets and quotes.
    Key(&'a dyn Debug),
    /// A list index, written `[index]`.
    Index(usize),
}

impl Debug for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Field(name) => f.debug_tuple("Field").field(name).finish(),
            Segment::Key(key) => f.debug_tuple("Key").field(key).finish(),
            Segment::Index(index) => f.debug_tuple("Index").field(index).finish(),
        }
    }
}

impl Display for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Field(name) => f.write_str(name),
            Segment::Key(key) => f.write_str(&segment_for_key(key)),
            Segment::Index(index) => write!(f, "[{index}]"),
        }
    }
}

impl<'a> From<&'a str> for Segment<'a> {
    fn from(name: &'a str) -> Self {
        Segment::Field(name)
    }
}

impl From<usize> for Segment<'_> {
    fn from(index: usize) -> Self {
        Segment::Index(index)
    }
}

/// Prepends the segment to a failing merge's path; the segment is only written out on error.
fn located<'a>(segment: impl Into<Segment<'a>>) -> impl FnOnce(MergeError) -> MergeError + 'a {
    let segment = segment.into();
    move |error| error.at(&segment.to_string())
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
pub fn merge_at<'a, T: DeepMerge>(
    existing: &mut T,
    incoming: T,
    segment: impl Into<Segment<'a>>,
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
pub fn prepare_at<'a, T: DeepMerge>(
    existing: &T,
    incoming: &mut T,
    segment: impl Into<Segment<'a>>,
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
/// let error = check_new(&mut new_item, Segment::Key(&"metrics")).unwrap_err();
/// assert_eq!(error.path(), "metrics.config");
/// assert!(check_new(&mut Options { config: "a = 1".into() }, Segment::Index(4)).is_ok());
/// ```
pub fn check_new<'a, T: DeepMerge>(
    incoming: &mut T,
    segment: impl Into<Segment<'a>>,
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
pub fn apply_at<'a, T: DeepMerge>(
    existing: &mut T,
    incoming: T,
    segment: impl Into<Segment<'a>>,
) -> Result<(), MergeError> {
    existing.apply_merge(incoming).map_err(located(segment))
}

/// The path segment for a map key: a key that reads as a plain name is written as is, anything
/// else (dots, spaces, empty) in brackets and quotes so that the path stays unambiguous.
///
/// ```
/// use nodeconfig_core::Segment;
/// assert_eq!(Segment::Key(&"kubelet").to_string(), "kubelet");
/// assert_eq!(Segment::Key(&"a.b").to_string(), "[\"a.b\"]");
/// assert_eq!(Segment::Key(&7).to_string(), "7");
/// ```
pub fn segment_for_key(key: &dyn Debug) -> String {
    let mut debug = String::new();
    let _ = write!(debug, "{key:?}");
    let unquoted = debug
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(&debug);
    let plain = !unquoted.is_empty()
        && unquoted
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | ':'));
    if plain {
        unquoted.to_owned()
    } else if debug.starts_with('"') {
        format!("[{debug}]")
    } else {
        format!("[\"{}\"]", debug.escape_debug())
    }
}
