//! What identifies an item of a keyed list: [`ItemKey`], built from the item's key fields, each
//! a [`ListKey`].

use std::any::Any;
use std::fmt::{self, Debug};

use crate::path::{Key, Segment};
use std::hash::{Hash, Hasher};

/// A type that can be (part of) the key of a `strategy = "keyed"` list: `Eq + Hash + Debug`,
/// and `'static` so that two keys can be compared through [`KeyPart`].
///
/// Implemented for every such type; the derive checks each key field against it, so that a
/// key field of another type (a float, a list) is a compile error at the key's name.
///
/// ```
/// use nodeconfig_core::strategy::ListKey;
///
/// fn key<K: ListKey>(_: &K) {}
/// key(&"api".to_string());
/// key(&(80_u16, "TCP"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a key of `strategy = \"keyed\"`",
    label = "a list key must implement `Eq + Hash + Debug` (and own its data: `'static`)",
    note = "keys are matched by hashing, and written into error paths with `Debug`: use a field of a type such as `String`, an integer or a fieldless enum deriving `PartialEq, Eq, Hash, Debug`",
    note = "floats are not `Eq`: key by another field, or merge the list with `strategy = \"append\"` or `\"replace\"`"
)]
pub trait ListKey: Eq + Hash + Debug + 'static {}

#[diagnostic::do_not_recommend]
impl<K: Eq + Hash + Debug + 'static> ListKey for K {}

/// One key field's value, seen through a vtable so that keys of different field types fit in
/// one array; every [`ListKey`] is one.
///
/// ```
/// use nodeconfig_core::strategy::{KeyPart, key_part};
///
/// let (a, b) = ("api".to_string(), "api".to_string());
/// assert!(key_part(&a).eq_part(key_part(&b)));
/// assert!(!key_part(&a).eq_part(key_part(&80_u16)));
/// ```
pub trait KeyPart {
    /// Feeds the value to `state`, as [`Hash`] does.
    fn hash_part(&self, state: &mut dyn Hasher);
    /// Whether `other` holds an equal value of the same type.
    fn eq_part(&self, other: &dyn KeyPart) -> bool;
    /// Writes the value as [`Debug`] does.
    fn fmt_part(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    /// The value as [`Any`], for [`eq_part`](Self::eq_part).
    fn as_any(&self) -> &dyn Any;
}

impl<K: ListKey> KeyPart for K {
    fn hash_part(&self, mut state: &mut dyn Hasher) {
        self.hash(&mut state);
    }

    fn eq_part(&self, other: &dyn KeyPart) -> bool {
        other.as_any().downcast_ref::<K>() == Some(self)
    }

    fn fmt_part(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Debug::fmt(self, f)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A key field's value as a [`KeyPart`]; generated code calls it on each key field, so that a
/// field of a type that cannot be a key fails to compile at the key's name.
///
/// ```
/// use nodeconfig_core::strategy::key_part;
/// assert_eq!(format!("{:?}", key_part(&80_u16)), "80");
/// ```
pub fn key_part<K: ListKey>(value: &K) -> &dyn KeyPart {
    value
}

impl Debug for dyn KeyPart + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_part(f)
    }
}

/// How to find the key of an item of type `T`: the names of its `N` key fields, and a function
/// that borrows their values. `#[merge(strategy = "keyed", key(port, protocol))]` builds one.
///
/// ```
/// use nodeconfig_core::strategy::{ItemKey, key_part};
///
/// struct Port { port: u16, protocol: String }
///
/// let key = ItemKey::new(["port", "protocol"], |item: &Port| {
///     [key_part(&item.port), key_part(&item.protocol)]
/// });
/// let port = Port { port: 80, protocol: "TCP".into() };
/// assert_eq!(key.segment(&port).to_string(), "[port=80,protocol=TCP]");
/// ```
pub struct ItemKey<T: ?Sized, const N: usize> {
    names: [&'static str; N],
    parts: for<'a> fn(&'a T) -> [&'a dyn KeyPart; N],
}

impl<T: ?Sized, const N: usize> ItemKey<T, N> {
    /// The key named `names`, whose values `parts` borrows from an item, in the same order.
    ///
    /// ```
    /// use nodeconfig_core::strategy::{ItemKey, key_part};
    ///
    /// struct Listener { name: String }
    /// let key = ItemKey::new(["name"], |item: &Listener| [key_part(&item.name)]);
    /// assert_eq!(key.names(), &["name"]);
    /// ```
    pub const fn new(
        names: [&'static str; N],
        parts: for<'a> fn(&'a T) -> [&'a dyn KeyPart; N],
    ) -> Self {
        ItemKey { names, parts }
    }

    /// The key fields' names.
    ///
    /// ```
    /// use nodeconfig_core::strategy::{ItemKey, key_part};
    /// let key = ItemKey::new(["k"], |item: &(u8,)| [key_part(&item.0)]);
    /// assert_eq!(key.names(), &["k"]);
    /// ```
    pub fn names(&self) -> &[&'static str; N] {
        &self.names
    }

    /// The path segment naming `item` by its key, a [`Segment::Item`]: written `[name=api]`,
    /// `[port=80,protocol=TCP]`.
    ///
    /// A string value is written bare when it holds only letters, digits and `_-/:.@`, and
    /// quoted as in Rust otherwise (`[name="a b"]`), so that a path stays unambiguous.
    ///
    /// ```
    /// use nodeconfig_core::strategy::{ItemKey, key_part};
    /// use nodeconfig_core::{Key, Segment};
    ///
    /// let key = ItemKey::new(["name"], |item: &String| [key_part(item)]);
    /// assert_eq!(key.segment(&"api".to_string()).to_string(), "[name=api]");
    /// assert_eq!(key.segment(&"a b".to_string()).to_string(), "[name=\"a b\"]");
    /// assert_eq!(
    ///     key.segment(&"api".to_string()),
    ///     Segment::Item(vec![("name".into(), Key::from("api"))])
    /// );
    /// ```
    pub fn segment(&self, item: &T) -> Segment {
        self.segment_named(item, &[])
    }

    /// [`segment`](Self::segment) with each key field under its serde name: `names` holds the
    /// `(rust, serde)` pairs of the fields whose names differ (the item's derived
    /// `DeepMerge::SERDE_NAMES`), so that a key reads as the rest of a path does.
    pub(super) fn segment_named(
        &self,
        item: &T,
        names: &'static [(&'static str, &'static str)],
    ) -> Segment {
        let parts = (self.parts)(item);
        let members = self.names.iter().zip(parts).map(|(name, part)| {
            let name = names
                .iter()
                .find_map(|(rust, serde)| (rust == name).then_some(*serde))
                .unwrap_or(name);
            let value: &dyn Debug = &part;
            (name.into(), Key::from_debug(value))
        });
        Segment::Item(members.collect())
    }

    pub(super) fn parts<'a>(&self, item: &'a T) -> Parts<'a, N> {
        Parts((self.parts)(item))
    }
}

/// An item's key values, hashed and compared part by part: what the merge indexes.
pub(super) struct Parts<'a, const N: usize>([&'a dyn KeyPart; N]);

impl<const N: usize> Hash for Parts<'_, N> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for part in self.0 {
            part.hash_part(state);
        }
    }
}

impl<const N: usize> PartialEq for Parts<'_, N> {
    fn eq(&self, other: &Self) -> bool {
        self.0
            .iter()
            .zip(other.0)
            .all(|(part, other)| part.eq_part(other))
    }
}

impl<const N: usize> Eq for Parts<'_, N> {}
