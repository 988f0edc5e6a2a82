//! "Empty means unset": how the model reads `""`, `[]` and `{}`.
//!
//! nodeadm merges with mergo, which treats a zero value as absent, so an empty string or list in a
//! later document never overrides an earlier value. We keep that rule but apply it when reading,
//! not when merging: a field holding an empty string, list, map, or an object whose fields are
//! all unset is read as `None`. The merged output then never shows it, and the merge itself stays
//! the plain rule "a later `Some` wins".
//!
//! It does not apply to booleans and numbers (a `false` is a value: a later `enableOutpost:
//! false` overrides an earlier `true`, where nodeadm keeps the `true`), nor inside the JSON
//! documents `baseRuntimeSpec` and `kubelet.config`, where `[]` is a value and `null` deletes.

use serde::{Deserialize, Deserializer, de::IntoDeserializer};

/// Reads an optional field, turning a value equal to its type's default (`""`, `[]`, `{}`, an
/// object with every field unset) into `None`.
///
/// ```
/// use nodeconfig_eks::model::empty::unset_if_empty;
///
/// #[derive(serde::Deserialize)]
/// struct Cluster {
///     #[serde(default, deserialize_with = "unset_if_empty")]
///     name: Option<String>,
/// }
/// let cluster: Cluster = serde_json::from_str(r#"{"name": ""}"#)?;
/// assert_eq!(cluster.name, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn unset_if_empty<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default + PartialEq,
{
    let value = Option::<T>::deserialize(deserializer)?;
    Ok(value.filter(|value| *value != T::default()))
}

/// Reads an optional enum written as a name: `""` is `None`, any other string must name a
/// variant.
///
/// ```
/// use nodeconfig_eks::model::{LocalStorageStrategy, empty::unset_if_empty_name};
///
/// #[derive(serde::Deserialize)]
/// struct LocalStorage {
///     #[serde(default, deserialize_with = "unset_if_empty_name")]
///     strategy: Option<LocalStorageStrategy>,
/// }
/// let unset: LocalStorage = serde_json::from_str(r#"{"strategy": ""}"#)?;
/// assert_eq!(unset.strategy, None);
/// let raid: LocalStorage = serde_json::from_str(r#"{"strategy": "RAID0"}"#)?;
/// assert_eq!(raid.strategy, Some(LocalStorageStrategy::Raid0));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn unset_if_empty_name<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<String>::deserialize(deserializer)? {
        Some(name) if !name.is_empty() => T::deserialize(name.into_deserializer()).map(Some),
        _ => Ok(None),
    }
}
