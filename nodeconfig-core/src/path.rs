//! [`Path`]: where a value sits in a merged value, as a list of [`Segment`]s: field names, map
//! keys, list indexes, keyed-list items and enum variants.
//!
//! [`MergeError::segments`](crate::MergeError::segments) and `trace::Origin::segments` give
//! the path structured, so a program walks it without reading the text back; `Display` writes
//! the dotted text that [`MergeError::path`](crate::MergeError::path) returns
//! (`spec.containerd.config`, `flags[1]`, `labels["node.kubernetes.io/role"]`,
//! `listeners[name=api]`).

use std::borrow::Cow;
use std::fmt::{self, Debug, Display, Write as _};

/// A path from the root of a merged value: its segments, root first.
///
/// ```
/// use nodeconfig_core::{Key, Path, Segment};
///
/// let path = Path::from_iter([
///     Segment::field("labels"),
///     Segment::Key(Key::from("node.kubernetes.io/role")),
/// ]);
/// assert_eq!(path.to_string(), r#"labels["node.kubernetes.io/role"]"#);
/// assert_eq!(path.segments().len(), 2);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Path {
    segments: Vec<Segment>,
}

/// One step of a [`Path`].
///
/// ```
/// use nodeconfig_core::{Key, Segment};
///
/// assert_eq!(Segment::field("options").to_string(), "options");
/// assert_eq!(Segment::key(&"a.b").to_string(), "[\"a.b\"]");
/// assert_eq!(Segment::Index(2).to_string(), "[2]");
/// assert_eq!(Segment::from("name").to_string(), "name");
/// assert_eq!(Segment::from(3).to_string(), "[3]");
/// let item = Segment::Item(vec![("name".into(), Key::from("api"))]);
/// assert_eq!(item.to_string(), "[name=api]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Segment {
    /// A struct field, in the name serde reads (after renames); written as is.
    Field(Cow<'static, str>),
    /// A map key (or a set item, or a key of a JSON or TOML document): written as is when it
    /// reads as a plain name (letters, digits, `_-/:`), else in brackets and quotes
    /// (`["a.b"]`, `[""]`), so that the text stays unambiguous.
    Key(Key),
    /// A list index, written `[index]`.
    Index(usize),
    /// An item of a keyed list, named by its key members and their values, written
    /// `[name=api]`, `[port=80,protocol=TCP]`, `[name="a b"]` (a string value is bare when it
    /// holds only letters, digits and `_-/:.@`).
    Item(Vec<(Cow<'static, str>, Key)>),
    /// An enum variant, in serde's name for it; written as is, like a field.
    Variant(Cow<'static, str>),
}

/// A map key or a keyed-list member's value, as a path holds it.
///
/// ```
/// use nodeconfig_core::Key;
///
/// assert_eq!(Key::from("a.b").as_str(), Some("a.b"));
/// assert_eq!(Key::from_debug(&String::from("x\"y")), Key::Str("x\"y".into()));
/// assert_eq!(Key::from_debug(&7_u16), Key::Other("7".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Key {
    /// A string key, as it is (not escaped).
    Str(String),
    /// A key of another type, as its `Debug` writes it (`7`, `Gpu`); in a keyed JSON list, a
    /// member value that is not a string, as its JSON text (`7`, `true`).
    Other(String),
}

impl Path {
    /// The empty path: the merge root.
    ///
    /// ```
    /// assert!(nodeconfig_core::Path::new().is_empty());
    /// ```
    pub const fn new() -> Self {
        Path {
            segments: Vec::new(),
        }
    }

    /// The segments, root first.
    ///
    /// ```
    /// use nodeconfig_core::{Path, Segment};
    /// let path = Path::from_iter([Segment::field("a"), Segment::Index(0)]);
    /// assert_eq!(path.segments()[1], Segment::Index(0));
    /// ```
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether the path has no segment (the merge root).
    ///
    /// ```
    /// use nodeconfig_core::{Path, Segment};
    /// assert!(!Path::from_iter([Segment::Index(0)]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Appends a segment at the far end.
    ///
    /// ```
    /// use nodeconfig_core::{Path, Segment};
    /// let mut path = Path::new();
    /// path.push(Segment::field("spec"));
    /// path.push(Segment::field("kubelet"));
    /// assert_eq!(path.to_string(), "spec.kubelet");
    /// ```
    pub fn push(&mut self, segment: Segment) {
        self.segments.push(segment);
    }

    /// Puts `outer` in front: the path as seen from one level up.
    pub(crate) fn prepend(&mut self, outer: impl IntoIterator<Item = Segment>) {
        self.segments.splice(0..0, outer);
    }

    /// Cuts the path back to its first `len` segments.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.segments.truncate(len);
    }

    pub(crate) fn len(&self) -> usize {
        self.segments.len()
    }
}

impl FromIterator<Segment> for Path {
    fn from_iter<I: IntoIterator<Item = Segment>>(segments: I) -> Self {
        Path {
            segments: segments.into_iter().collect(),
        }
    }
}

/// Dotted: a segment written with brackets (`[0]`, `["a.b"]`, `[name=api]`) attaches without a
/// dot, as does the first segment.
impl Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        for segment in &self.segments {
            let start = text.len();
            let _ = write!(text, "{segment}");
            if start > 0 && !text[start..].starts_with('[') {
                text.insert(start, '.');
            }
        }
        f.write_str(&text)
    }
}

/// The dotted text, quoted: `Path("spec.containerd.config")`.
impl Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Path").field(&self.to_string()).finish()
    }
}

impl Segment {
    /// A field named `name`, borrowed for the program's life (what generated code passes).
    ///
    /// ```
    /// use nodeconfig_core::Segment;
    /// assert_eq!(Segment::field("maxPods"), Segment::Field("maxPods".into()));
    /// ```
    pub const fn field(name: &'static str) -> Self {
        Segment::Field(Cow::Borrowed(name))
    }

    /// An enum variant named `name` (in serde's spelling).
    ///
    /// ```
    /// use nodeconfig_core::Segment;
    /// assert_eq!(Segment::variant("raid0").to_string(), "raid0");
    /// ```
    pub const fn variant(name: &'static str) -> Self {
        Segment::Variant(Cow::Borrowed(name))
    }

    /// A map key of any `Debug` type: a string key (whatever its type: `String`, `&str`,
    /// `Box<str>`, ...) becomes [`Key::Str`], any other [`Key::Other`].
    ///
    /// ```
    /// use nodeconfig_core::{Key, Segment};
    /// assert_eq!(Segment::key(&"kubelet").to_string(), "kubelet");
    /// assert_eq!(Segment::key(&7).to_string(), "7");
    /// assert_eq!(Segment::key(&"a b"), Segment::Key(Key::from("a b")));
    /// ```
    pub fn key(key: &dyn Debug) -> Self {
        Segment::Key(Key::from_debug(key))
    }
}

impl Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Field(name) | Segment::Variant(name) => f.write_str(name),
            Segment::Key(key) => write_key(f, &key.debug_text()),
            Segment::Index(index) => write!(f, "[{index}]"),
            Segment::Item(members) => {
                f.write_char('[')?;
                for (index, (name, value)) in members.iter().enumerate() {
                    if index > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{name}={}", bare_or_quoted(&value.debug_text()))?;
                }
                f.write_char(']')
            }
        }
    }
}

impl From<&'static str> for Segment {
    fn from(name: &'static str) -> Self {
        Segment::field(name)
    }
}

impl From<String> for Segment {
    fn from(name: String) -> Self {
        Segment::Field(Cow::Owned(name))
    }
}

impl From<usize> for Segment {
    fn from(index: usize) -> Self {
        Segment::Index(index)
    }
}

impl From<Key> for Segment {
    fn from(key: Key) -> Self {
        Segment::Key(key)
    }
}

impl Key {
    /// The key of a `Debug` value: [`Key::Str`] when it writes itself as a Rust string literal
    /// does (`"a.b"`), with the string recovered exactly; [`Key::Other`] with its `Debug` text
    /// otherwise.
    ///
    /// ```
    /// use nodeconfig_core::Key;
    /// use std::sync::Arc;
    /// assert_eq!(Key::from_debug(&Arc::<str>::from("a\n")), Key::Str("a\n".into()));
    /// #[derive(Debug)]
    /// enum Zone { East }
    /// assert_eq!(Key::from_debug(&Zone::East), Key::Other("East".into()));
    /// ```
    pub fn from_debug(key: &dyn Debug) -> Self {
        let debug = format!("{key:?}");
        match string_from_debug(&debug) {
            Some(string) => Key::Str(string),
            None => Key::Other(debug),
        }
    }

    /// The string of a string key; `None` for another key.
    ///
    /// ```
    /// use nodeconfig_core::Key;
    /// assert_eq!(Key::from("x").as_str(), Some("x"));
    /// assert_eq!(Key::from_debug(&1).as_str(), None);
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Key::Str(string) => Some(string),
            Key::Other(_) => None,
        }
    }

    /// The key as `Debug` writes it: a string quoted and escaped (`"a.b"`), another key as is.
    ///
    /// ```
    /// use nodeconfig_core::Key;
    /// assert_eq!(Key::from("a\"b").debug_text(), r#""a\"b""#);
    /// assert_eq!(Key::from_debug(&7).debug_text(), "7");
    /// ```
    pub fn debug_text(&self) -> Cow<'_, str> {
        match self {
            Key::Str(string) => Cow::Owned(format!("{string:?}")),
            Key::Other(debug) => Cow::Borrowed(debug),
        }
    }
}

impl From<&str> for Key {
    fn from(key: &str) -> Self {
        Key::Str(key.to_owned())
    }
}

impl From<String> for Key {
    fn from(key: String) -> Self {
        Key::Str(key)
    }
}

/// A key's segment from its `Debug` text: as is when it reads as a plain name, else in brackets
/// (a string in its own quotes, anything else quoted).
fn write_key(f: &mut fmt::Formatter<'_>, debug: &str) -> fmt::Result {
    let unquoted = debug
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(debug);
    let plain = !unquoted.is_empty()
        && unquoted
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | ':'));
    if plain {
        f.write_str(unquoted)
    } else if debug.starts_with('"') {
        write!(f, "[{debug}]")
    } else {
        write!(f, "[\"{}\"]", debug.escape_debug())
    }
}

/// A keyed item's member value: a quoted string that reads unambiguously without its quotes
/// loses them.
fn bare_or_quoted(debug: &str) -> &str {
    let unquoted = debug
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'));
    match unquoted {
        Some(text)
            if !text.is_empty()
                && text.chars().all(|c| {
                    c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | ':' | '.' | '@')
                }) =>
        {
            text
        }
        _ => debug,
    }
}

/// The string whose `Debug` text is `debug`, if `debug` is one (a string key seen only through
/// `Debug`, in a generic map); checked by writing the result back, so a type whose `Debug`
/// merely looks like a string literal stays [`Key::Other`].
fn string_from_debug(debug: &str) -> Option<String> {
    let inner = debug.strip_prefix('"')?.strip_suffix('"')?;
    let mut string = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            string.push(c);
            continue;
        }
        string.push(match chars.next()? {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '0' => '\0',
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            other => other, // `\\`, `\"`, `\'`
        });
    }
    let mut written = String::with_capacity(debug.len());
    let _ = write!(written, "{string:?}");
    (written == debug).then_some(string)
}

/// The text of a key's segment (`kubelet`, `["a.b"]`), without building the segment: what the
/// maps sort their entries by for a stable trace.
pub(crate) fn segment_for_key(key: &dyn Debug) -> String {
    struct Text<'a>(&'a str);
    impl Display for Text<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_key(f, self.0)
        }
    }
    Text(&format!("{key:?}")).to_string()
}
