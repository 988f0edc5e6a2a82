//! What generated code needs and users do not: not part of the public API.

pub use crate::with::{WithFn, WithFunction, with_function};

pub mod trace;

pub use crate::layer::private::*;

/// Layer types derive serde through this path, so a user crate needs no serde of its own.
#[cfg(feature = "serde")]
pub use serde;

/// The [`ItemKey`](crate::strategy::ItemKey) of a `keyed` field, defined once per field by the
/// derive (`FIELD` numbers the field within its type, `N` is the key's length), so that a key
/// field that does not exist or cannot be a key is one error, and every phase reads the same
/// constant.
pub trait FieldKey<const FIELD: usize, const N: usize> {
    /// The list's item type.
    type Item: ?Sized;
    /// How to find an item's key.
    const KEY: crate::strategy::ItemKey<Self::Item, N>;
}
