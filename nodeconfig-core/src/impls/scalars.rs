//! Scalars and other atoms: the later value replaces the earlier one.
//!
//! Borrowed and shared strings (`&str`, `Box<str>`, `Arc<str>`, `Rc<str>`, `Cow<str>`) are atoms
//! too: a later layer's text replaces the earlier text, as a later `String` does.

use crate::trace::{Strategy, Tracer};
use crate::{DeepMerge, MergeError};
use std::borrow::Cow;
use std::num::{Saturating, Wrapping};
use std::rc::Rc;
use std::sync::Arc;

/// `impl DeepMerge` that replaces, for each type (with its generics in brackets, if any).
macro_rules! replace_impls {
    ($([$($generics:tt)*] $ty:ty),* $(,)?) => {$(
        impl<$($generics)*> DeepMerge for $ty {
            const NEEDS_PREPARE: bool = false;

            #[inline]
            fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
                *self = incoming;
                Ok(())
            }

            fn trace_merge(_: Option<&Self>, _: &Self, tracer: &mut Tracer) {
                tracer.set(Strategy::REPLACE);
            }
        }
    )*};
}

replace_impls! {
    [] (), [] bool, [] char,
    [] u8, [] u16, [] u32, [] u64, [] u128, [] usize,
    [] i8, [] i16, [] i32, [] i64, [] i128, [] isize,
    [] f32, [] f64,
    [] String, [] std::path::PathBuf, [] std::ffi::OsString,
    [] std::time::Duration, [] std::time::SystemTime,
    [] std::net::IpAddr, [] std::net::Ipv4Addr, [] std::net::Ipv6Addr,
    [] std::net::SocketAddr, [] std::net::SocketAddrV4, [] std::net::SocketAddrV6,
    [] std::num::NonZeroU8, [] std::num::NonZeroU16, [] std::num::NonZeroU32,
    [] std::num::NonZeroU64, [] std::num::NonZeroU128, [] std::num::NonZeroUsize,
    [] std::num::NonZeroI8, [] std::num::NonZeroI16, [] std::num::NonZeroI32,
    [] std::num::NonZeroI64, [] std::num::NonZeroI128, [] std::num::NonZeroIsize,
    ['a] &'a str, [] Box<str>, [] Arc<str>, [] Rc<str>, ['a] Cow<'a, str>,
    [] Box<std::path::Path>, [] Arc<std::path::Path>, ['a] Cow<'a, std::path::Path>,
    // Integer wrappers carry a number, which a later layer replaces like the number itself.
    [T: DeepMerge] Wrapping<T>, [T: DeepMerge] Saturating<T>,
}

/// Tuples (`(String, u16)`, a host and port) are one value: a later tuple replaces the whole
/// earlier one. Each element must have a merge of its own, so that a tuple holding a list
/// still asks for a strategy.
macro_rules! tuple_impls {
    ($(($($name:ident),+)),* $(,)?) => {$(
        impl<$($name: DeepMerge),+> DeepMerge for ($($name,)+) {
            const NEEDS_PREPARE: bool = false;

            #[inline]
            fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
                *self = incoming;
                Ok(())
            }

            fn trace_merge(_: Option<&Self>, _: &Self, tracer: &mut Tracer) {
                tracer.set(Strategy::REPLACE);
            }
        }
    )*};
}

tuple_impls! {
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_and_borrowed_strings_are_replaced() {
        let mut name: Arc<str> = Arc::from("a");
        name.deep_merge(Arc::from("b")).unwrap();
        assert_eq!(&*name, "b");
        let mut text = Cow::Borrowed("a");
        text.deep_merge(Cow::Owned("b".to_owned())).unwrap();
        assert_eq!(text, "b");
        let mut endpoint = ("a".to_owned(), 1_u16);
        endpoint.deep_merge(("b".to_owned(), 2)).unwrap();
        assert_eq!(endpoint, ("b".to_owned(), 2));
    }
}
