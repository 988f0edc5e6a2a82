//! `strategy = "keyed"`: lists of records merged item by item, matched by a key.
//!
//! `#[merge(strategy = "keyed", key = "name")]` (or `key(port, protocol)` for a compound key)
//! on a `Vec<T>` or `VecDeque<T>` whose items implement [`DeepMerge`]:
//!
//! - a later item whose key equals an earlier item's merges into it with `T`'s `DeepMerge`;
//! - later items with new keys are appended, in the later list's order; the earlier order is
//!   kept;
//! - a key that occurs twice in one list is a [`MergeError`] whose path names the list and the
//!   key, and whose message gives both indexes; nothing is merged;
//! - error paths and provenance name items by key: `listeners[name=api].port`, and for a
//!   compound key `ports[port=80,protocol=TCP]` (the key fields in the attribute's order,
//!   comma-separated, each under its serde name as every field of a path is: `[id=api]` for
//!   `#[serde(rename = "id")] listener_name`, camelCase under `rename_all = "camelCase"`).
//!
//! This is the "merge key" of Kubernetes' strategic merge patch
//! (`patchMergeKey`, sig-api-machinery's `strategic-merge-patch.md`), with compound keys
//! matched on every key field (which that patch cannot do, kubernetes issue 39188).
//!
//! Matching uses a hash index of the earlier list, so a merge costs time linear in the two
//! lengths (see BENCHMARKS.md, `keyed`).
//!
//! ```
//! use nodeconfig_core::{DeepMerge, merge_all};
//!
//! #[derive(DeepMerge, Debug, PartialEq)]
//! struct Listener {
//!     name: String,
//!     port: Option<u16>,
//! }
//!
//! #[derive(DeepMerge, Default, Debug)]
//! struct Gateway {
//!     #[merge(strategy = "keyed", key = "name")]
//!     listeners: Vec<Listener>,
//! }
//!
//! let listener = |name: &str, port| Listener { name: name.into(), port };
//! let defaults = Gateway { listeners: vec![listener("api", Some(80)), listener("metrics", Some(9090))] };
//! let user = Gateway { listeners: vec![listener("admin", Some(8081)), listener("api", Some(8080))] };
//! let merged = merge_all([defaults, user])?;
//! assert_eq!(
//!     merged.listeners,
//!     [listener("api", Some(8080)), listener("metrics", Some(9090)), listener("admin", Some(8081))]
//! );
//! # Ok::<(), nodeconfig_core::MergeError>(())
//! ```

mod key;
mod list;

pub use key::{ItemKey, KeyPart, ListKey, key_part};

use crate::trace::Tracer;
use crate::{DeepMerge, MergeError};
use std::collections::VecDeque;

/// Lists that `strategy = "keyed"` can merge: `Vec<T>` and `VecDeque<T>` with `T: DeepMerge`,
/// and `Option` of each (a later `None` keeps the earlier list; an earlier `None` takes the
/// later list, checked for duplicate keys).
///
/// The derive calls the two phases separately, as it does for [`DeepMerge`];
/// [`merge_keyed`](Self::merge_keyed) runs both.
///
/// ```
/// use nodeconfig_core::DeepMerge;
/// use nodeconfig_core::strategy::{ItemKey, Keyed, key_part};
///
/// #[derive(DeepMerge)]
/// struct Rlimit { name: String, soft: u32 }
/// let rlimit = |name: &str, soft| Rlimit { name: name.into(), soft };
///
/// let key = ItemKey::new(["name"], |item: &Rlimit| [key_part(&item.name)]);
/// let mut limits = vec![rlimit("nofile", 1024), rlimit("nproc", 512)];
/// limits.merge_keyed(vec![rlimit("core", 0), rlimit("nofile", 65536)], &key)?;
/// assert_eq!(limits[0].soft, 65536);
/// assert_eq!(limits.len(), 3);
///
/// let error = limits.merge_keyed(vec![rlimit("a", 1), rlimit("a", 2)], &key).unwrap_err();
/// assert_eq!(error.path(), "[name=a]");
/// assert_eq!(limits.len(), 3); // unchanged
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`strategy = \"keyed\"` cannot merge `{Self}`",
    label = "`keyed` needs a list of records here",
    note = "`keyed` takes `Vec<T>` and `VecDeque<T>` whose items implement `DeepMerge`, and `Option` of each",
    note = "use `strategy = \"append\"` or `\"replace\"` for other lists"
)]
pub trait Keyed: Sized {
    /// The item type, whose key fields identify it.
    type Item;

    /// Whether the prepare phase has work to do: always, since it checks for duplicate keys.
    const NEEDS_PREPARE: bool = true;

    /// The fallible phase: checks both lists for duplicate keys and prepares each later item,
    /// against the earlier item with its key or as a new value; never changes `self`.
    fn prepare_keyed<const N: usize>(
        &self,
        incoming: &mut Self,
        key: &ItemKey<Self::Item, N>,
    ) -> Result<(), MergeError>;

    /// The fallible phase for a list with nothing before it: duplicate keys, and each item
    /// prepared as a new value.
    fn check_new_keyed<const N: usize>(
        incoming: &mut Self,
        key: &ItemKey<Self::Item, N>,
    ) -> Result<(), MergeError>;

    /// The moving phase, after [`prepare_keyed`](Self::prepare_keyed): merges items with an
    /// earlier key, appends the others. Fails only through a `with` function inside an item
    /// (or on duplicate keys if the prepare phase was skipped).
    fn apply_keyed<const N: usize>(
        &mut self,
        incoming: Self,
        key: &ItemKey<Self::Item, N>,
    ) -> Result<(), MergeError>;

    /// Records, for [`merge_all_traced`](crate::trace::merge_all_traced), what each later
    /// item sets, under the item's key segment (`listeners[name=api].port`).
    fn trace_keyed<const N: usize>(
        existing: Option<&Self>,
        incoming: &Self,
        key: &ItemKey<Self::Item, N>,
        tracer: &mut Tracer,
    );

    /// Both phases: on `Err`, `self` is unchanged.
    fn merge_keyed<const N: usize>(
        &mut self,
        incoming: Self,
        key: &ItemKey<Self::Item, N>,
    ) -> Result<(), MergeError> {
        let mut incoming = incoming;
        self.prepare_keyed(&mut incoming, key)?;
        self.apply_keyed(incoming, key)
    }
}

macro_rules! keyed_lists {
    ($($list:ident),*) => {$(
        impl<T: DeepMerge> Keyed for $list<T> {
            type Item = T;

            fn prepare_keyed<const N: usize>(
                &self,
                incoming: &mut Self,
                key: &ItemKey<T, N>,
            ) -> Result<(), MergeError> {
                list::prepare(self, incoming, key)
            }

            fn check_new_keyed<const N: usize>(
                incoming: &mut Self,
                key: &ItemKey<T, N>,
            ) -> Result<(), MergeError> {
                list::prepare(&Self::new(), incoming, key)
            }

            fn apply_keyed<const N: usize>(
                &mut self,
                incoming: Self,
                key: &ItemKey<T, N>,
            ) -> Result<(), MergeError> {
                list::apply(self, incoming, key)
            }

            fn trace_keyed<const N: usize>(
                existing: Option<&Self>,
                incoming: &Self,
                key: &ItemKey<T, N>,
                tracer: &mut Tracer,
            ) {
                list::trace(existing, incoming, key, tracer);
            }
        }
    )*};
}

keyed_lists!(Vec, VecDeque);

impl<L: Keyed> Keyed for Option<L> {
    type Item = L::Item;

    fn prepare_keyed<const N: usize>(
        &self,
        incoming: &mut Self,
        key: &ItemKey<Self::Item, N>,
    ) -> Result<(), MergeError> {
        match (self, incoming) {
            (Some(existing), Some(incoming)) => existing.prepare_keyed(incoming, key),
            (None, Some(incoming)) => L::check_new_keyed(incoming, key),
            (_, None) => Ok(()),
        }
    }

    fn check_new_keyed<const N: usize>(
        incoming: &mut Self,
        key: &ItemKey<Self::Item, N>,
    ) -> Result<(), MergeError> {
        incoming
            .as_mut()
            .map_or(Ok(()), |incoming| L::check_new_keyed(incoming, key))
    }

    fn apply_keyed<const N: usize>(
        &mut self,
        incoming: Self,
        key: &ItemKey<Self::Item, N>,
    ) -> Result<(), MergeError> {
        let Some(incoming) = incoming else {
            return Ok(());
        };
        match self {
            Some(existing) => existing.apply_keyed(incoming, key),
            None => {
                *self = Some(incoming);
                Ok(())
            }
        }
    }

    fn trace_keyed<const N: usize>(
        existing: Option<&Self>,
        incoming: &Self,
        key: &ItemKey<Self::Item, N>,
        tracer: &mut Tracer,
    ) {
        if let Some(incoming) = incoming {
            L::trace_keyed(existing.and_then(Option::as_ref), incoming, key, tracer);
        }
    }
}
