//! Layer types: [`Layered`], the trait `#[merge(layer = "...")]` implements, and [`Setting`],
//! the three states of an optional setting in a layer.
//!
//! A layer read from a file says only what that file sets. Merging layers (rather than whole
//! configurations that serde filled with defaults) means a later file that does not mention a
//! setting never changes it; the configuration is built once, from the merged layer, and a
//! required setting that no layer set is an error rather than a silent default.

use crate::trace::Tracer;
use crate::{DeepMerge, MergeError};

/// A configuration type built from a merged layer of optional settings.
///
/// `#[derive(DeepMerge)]` with `#[merge(layer = "Name")]` implements it, generates `Name`, and
/// implements `TryFrom<Name>` the same way. [`from_layer`](Self::from_layer) fills `default`
/// fields the layers left out and reports every required field they left out, all at once, by
/// its serde name ([`MergeError::missing`]).
///
/// How the layer merges each field of the struct:
///
/// - a non-`Option` field `T` is an `Option<T>` in the layer, merged by the field's strategy's
///   `Option` impl: a later `None` (absent) keeps, an earlier `None` is absent, so a document
///   landing where no layer set one merges into nothing (`json_deep` drops its nulls);
///   `null` in a document is an error naming the field;
/// - an `Option<T>` field is a [`Setting<T>`]: absent keeps, `null` unsets, a value merges into
///   the earlier value by the field's strategy, or into nothing where none was;
/// - `#[merge(nested)]` holds `Option` of the nested type's layer; with `#[serde(flatten)]`, the
///   nested layer itself, flattened; another flattened field keeps its own type (a map of extra
///   keys, say) and needs `Default`;
/// - `with` on a non-`Option` field runs when an earlier and a later layer both set it (a value
///   where none was is taken); on an `Option` field it runs whenever a later layer sets a value,
///   with the earlier value as an `Option`; `skip` keeps the first value a layer gives.
///
/// As in [`merge_all`](crate::merge_all), the first layer is the base the others merge into.
///
/// ```
/// use nodeconfig_core::{DeepMerge, Layered, merge_all};
///
/// #[derive(DeepMerge, Debug)]
/// #[merge(layer = "AppLayer")]
/// struct App {
///     name: String,
///     #[merge(default)]
///     debug: bool,
/// }
///
/// let defaults: AppLayer = serde_json::from_str(r#"{"name": "demo", "debug": true}"#).unwrap();
/// let file: AppLayer = serde_json::from_str(r#"{"name": "shop"}"#).unwrap();
/// let app = App::from_layer(merge_all([defaults, file])?)?;
/// assert_eq!((app.name.as_str(), app.debug), ("shop", true)); // `debug` was kept
///
/// let error = App::from_layer(AppLayer::default()).unwrap_err();
/// assert_eq!(error.path(), "name");
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no layer type",
    label = "`#[merge(nested)]` needs a type with `#[merge(layer = \"...\")]`",
    note = "add `#[merge(layer = \"{Self}Layer\")]` to `{Self}`'s `#[derive(DeepMerge)]`, or remove `nested` to merge the field as a whole"
)]
pub trait Layered: Sized {
    /// The layer: every field optional, merged with [`DeepMerge`].
    type Layer;

    /// Builds the value from a merged layer; an error names every required field left unset.
    ///
    /// ```
    /// use nodeconfig_core::{DeepMerge, Layered};
    ///
    /// #[derive(DeepMerge)]
    /// #[merge(layer = "PortLayer")]
    /// struct Port {
    ///     #[merge(default = "http")]
    ///     number: u16,
    /// }
    /// fn http() -> u16 { 80 }
    ///
    /// assert_eq!(Port::from_layer(PortLayer::default())?.number, 80);
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    fn from_layer(layer: Self::Layer) -> Result<Self, MergeError>;
}

/// An optional setting in a layer: absent, explicitly unset (`null`), or set.
///
/// A layer type holds an `Option<T>` field of its struct as a `Setting<T>`: a later layer that
/// leaves the key out keeps the earlier value, `null` deletes it (RFC 7396's meaning of `null`),
/// a value merges into it. With serde (feature `serde`), an absent key is `Absent` (through
/// `#[serde(default)]`), `null` is `Unset`, and `Absent` is left out when serialized.
///
/// ```
/// use nodeconfig_core::{DeepMerge, Setting};
///
/// let mut tls = Setting::Set("cert.pem".to_string());
/// tls.deep_merge(Setting::Absent)?; // a later layer that says nothing keeps it
/// assert_eq!(tls, Setting::Set("cert.pem".to_string()));
/// tls.deep_merge(Setting::Unset)?; // `null` deletes it
/// assert_eq!(tls.into_option(), None);
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Setting<T> {
    /// The layer does not mention the setting: the earlier value stays.
    #[default]
    Absent,
    /// The layer sets it to `null`: the earlier value is deleted.
    Unset,
    /// The layer sets a value: it merges into the earlier one.
    Set(T),
}

impl<T> Setting<T> {
    /// Whether the layer leaves the setting out; serde skips absent settings when serializing.
    ///
    /// ```
    /// use nodeconfig_core::Setting;
    /// assert!(Setting::<u8>::Absent.is_absent());
    /// assert!(!Setting::<u8>::Unset.is_absent());
    /// ```
    pub fn is_absent(&self) -> bool {
        matches!(self, Setting::Absent)
    }

    /// The value, if one is set: `Absent` and `Unset` both give `None`.
    ///
    /// ```
    /// use nodeconfig_core::Setting;
    /// assert_eq!(Setting::Set(3).into_option(), Some(3));
    /// assert_eq!(Setting::<u8>::Unset.into_option(), None);
    /// ```
    pub fn into_option(self) -> Option<T> {
        match self {
            Setting::Set(value) => Some(value),
            Setting::Absent | Setting::Unset => None,
        }
    }

    /// A reference to the value, if one is set.
    ///
    /// ```
    /// use nodeconfig_core::Setting;
    /// assert_eq!(Setting::Set(3).as_option(), Some(&3));
    /// ```
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Setting::Set(value) => Some(value),
            Setting::Absent | Setting::Unset => None,
        }
    }
}

/// `None` is an explicit unset, as a `null` in a document is.
///
/// ```
/// use nodeconfig_core::Setting;
/// assert_eq!(Setting::from(Some(1)), Setting::Set(1));
/// assert_eq!(Setting::<u8>::from(None), Setting::Unset);
/// ```
impl<T> From<Option<T>> for Setting<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Setting::Unset, Setting::Set)
    }
}

/// `Absent` keeps, `Unset` deletes, `Set` into `Set` merges the values, `Set` into anything else
/// takes the value. Layer types merge their `Setting` fields the same way, with the field's
/// strategy in place of `T`'s own merge.
impl<T: DeepMerge> DeepMerge for Setting<T> {
    const NEEDS_PREPARE: bool = T::NEEDS_PREPARE;

    fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
        match (self, incoming) {
            (Setting::Set(existing), Setting::Set(incoming)) => existing.prepare_merge(incoming),
            (_, Setting::Set(incoming)) => T::check_new(incoming),
            _ => Ok(()),
        }
    }

    fn check_new(incoming: &mut Self) -> Result<(), MergeError> {
        match incoming {
            Setting::Set(incoming) => T::check_new(incoming),
            _ => Ok(()),
        }
    }

    fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
        match (self, incoming) {
            (_, Setting::Absent) => Ok(()),
            (Setting::Set(existing), Setting::Set(incoming)) => existing.apply_merge(incoming),
            (existing, incoming) => {
                *existing = incoming;
                Ok(())
            }
        }
    }

    fn trace_merge(existing: Option<&Self>, incoming: &Self, tracer: &mut Tracer) {
        match incoming {
            Setting::Absent => {}
            Setting::Unset => tracer.delete(crate::trace::Strategy::UNSET),
            Setting::Set(incoming) => {
                T::trace_merge(existing.and_then(Setting::as_option), incoming, tracer);
            }
        }
    }
}

#[cfg(feature = "serde")]
mod serde_impls {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Setting;

    /// `null` is `Unset`, a value is `Set`; an absent key comes from `#[serde(default)]`.
    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Setting<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Option::<T>::deserialize(deserializer).map(Setting::from)
        }
    }

    /// `Set` is the value, `Unset` is `null`; skip `Absent` with
    /// `#[serde(skip_serializing_if = "Setting::is_absent")]` (layer types do).
    impl<T: Serialize> Serialize for Setting<T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.as_option().serialize(serializer)
        }
    }
}

/// What generated layer types call; not public API.
#[doc(hidden)]
pub mod private {
    use super::Setting;
    use crate::MergeError;
    use crate::path::{Path, Segment};

    /// Collects the required fields a layer left unset, so that all are reported at once.
    #[derive(Default)]
    pub struct Missing {
        paths: Vec<Path>,
        other: Option<MergeError>,
    }

    impl Missing {
        /// A required field's value, or `None` after noting the field as missing.
        pub fn required<T>(&mut self, value: Option<T>, segment: &'static str) -> Option<T> {
            if value.is_none() {
                self.paths.push(Path::from_iter([Segment::field(segment)]));
            }
            value
        }

        /// A nested field's build result: its missing fields are noted under `segment`.
        pub fn nested<T>(
            &mut self,
            built: Result<T, MergeError>,
            segment: &[&'static str],
        ) -> Option<T> {
            match built {
                Ok(value) => Some(value),
                Err(error) => {
                    let error = segment.iter().rev().fold(error, |error, s| error.at(*s));
                    if error.missing().is_empty() {
                        self.other.get_or_insert(error);
                    } else {
                        self.paths.extend(error.missing_paths().iter().cloned());
                    }
                    None
                }
            }
        }

        /// The error for everything noted.
        pub fn into_error(self) -> MergeError {
            match self.other {
                Some(error) => error,
                None => MergeError::from_missing(self.paths),
            }
        }
    }

    /// A `with` function of an `Option` field, applied to the field's `Setting` in a layer: it
    /// sees the earlier value as an `Option` and the later one as `Some`.
    pub fn with_setting<T>(
        existing: &mut Setting<T>,
        incoming: T,
        with: crate::with::WithFn<Option<T>>,
    ) -> Result<(), MergeError> {
        let was_unset = matches!(existing, Setting::Unset);
        let mut value = std::mem::take(existing).into_option();
        let result = with(&mut value, Some(incoming));
        *existing = match value {
            Some(value) => Setting::Set(value),
            None if was_unset => Setting::Unset,
            None => Setting::Absent,
        };
        result
    }

    /// Deserializes a non-`Option` field of a layer: `null` is an error naming the field.
    #[cfg(feature = "serde")]
    pub fn present<'de, D, T>(deserializer: D, field: &str) -> Result<Option<T>, D::Error>
    where
        D: serde::Deserializer<'de>,
        T: serde::Deserialize<'de>,
    {
        match <Option<T> as serde::Deserialize>::deserialize(deserializer)? {
            Some(value) => Ok(Some(value)),
            None => Err(serde::de::Error::custom(format_args!(
                "`{field}` cannot be null: it is not an `Option` field; leave `{field}` out to \
                 keep the earlier value"
            ))),
        }
    }
}
