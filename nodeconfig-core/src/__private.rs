//! What generated code needs and users do not: not part of the public API.

pub use crate::with::{WithFn, WithFunction, with_function};

pub mod trace;

pub use crate::layer::private::*;

/// Layer types derive serde through this path, so a user crate needs no serde of its own.
#[cfg(feature = "serde")]
pub use serde;
