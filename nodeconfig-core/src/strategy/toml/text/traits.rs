//! The standard traits of [`TomlText`]: conversions, comparison by text, formatting, serde.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};

use super::TomlText;
use crate::MergeError;

/// A copy of the text and its index (a merge not yet applied is not copied).
impl Clone for TomlText {
    fn clone(&self) -> Self {
        Self {
            text: self.text.clone(),
            body: Mutex::new(
                self.body
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone(),
            ),
            prepared: None,
        }
    }
}

/// The text, as a string literal.
impl fmt::Debug for TomlText {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, formatter)
    }
}

/// The text as it is.
///
/// ```
/// use nodeconfig_core::strategy::TomlText;
/// let text: TomlText = "a = 1\n".parse()?;
/// assert_eq!(text.to_string(), "a = 1\n");
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
impl fmt::Display for TomlText {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

/// Equal when the texts are the same bytes (two spellings of one value differ).
impl PartialEq for TomlText {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for TomlText {}

impl PartialEq<str> for TomlText {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for TomlText {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for TomlText {
    fn eq(&self, other: &String) -> bool {
        self.text == *other
    }
}

/// Reads the text and keeps its index; see [`TomlText::new`].
///
/// ```
/// use nodeconfig_core::strategy::TomlText;
/// assert!("a = ".parse::<TomlText>().is_err());
/// ```
impl FromStr for TomlText {
    type Err = MergeError;

    fn from_str(text: &str) -> Result<Self, MergeError> {
        Self::new(text.to_owned())
    }
}

/// Reads the text and keeps its index; see [`TomlText::new`].
///
/// ```
/// use nodeconfig_core::strategy::TomlText;
/// let text = TomlText::try_from(String::from("a = 1"))?;
/// assert_eq!(text, "a = 1");
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
impl TryFrom<String> for TomlText {
    type Error = MergeError;

    fn try_from(text: String) -> Result<Self, MergeError> {
        Self::new(text)
    }
}

/// The text.
///
/// ```
/// use nodeconfig_core::strategy::TomlText;
/// let text: String = "a = 1".parse::<TomlText>()?.into();
/// assert_eq!(text, "a = 1");
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
impl From<TomlText> for String {
    fn from(text: TomlText) -> Self {
        text.text
    }
}

impl AsRef<str> for TomlText {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// Read-only access to the text (`lines()`, `len()`, ...); it changes only through merges.
///
/// ```
/// use nodeconfig_core::strategy::TomlText;
/// let text: TomlText = "a = 1\nb = 2\n".parse()?;
/// assert_eq!(text.lines().count(), 2);
/// # Ok::<(), nodeconfig_core::MergeError>(())
/// ```
impl Deref for TomlText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

/// Serialized as its text, a string.
#[cfg(feature = "serde")]
impl serde::Serialize for TomlText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// Deserialized from a string, read as TOML: a document that does not parse is an error of
/// the deserializer, with the line and column in the TOML text.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for TomlText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::new(text).map_err(serde::de::Error::custom)
    }
}
