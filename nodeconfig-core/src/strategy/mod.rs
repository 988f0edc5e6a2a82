//! Merge strategies: what `#[merge(strategy = "...")]` calls.
//!
//! | strategy | types | merge |
//! | --- | --- | --- |
//! | `replace` | any `T` | later replaces (for `Option`, only a later `Some` replaces) |
//! | `keep` | any `T` | earlier wins (for `Option`, a later value only fills `None`) |
//! | `append` | `Vec<T>`, `VecDeque<T>`, `LinkedList<T>` | earlier items, then later items |
//! | `union` | `BTreeSet<T>`, `HashSet<T>`, `IndexSet<T>` (feature `indexmap`) | earlier items, then later items not already present |
//! | `keyed` | `Vec<T>`, `VecDeque<T>` with `T: DeepMerge` | items with the same key merge, new keys append ([`keyed`]) |
//! | `json_deep` | `serde_json::Value`, `Map<String, Value>`, `BTreeMap<String, Value>`, `HashMap<String, Value>` | RFC 7396 merge patch, the later value being the patch; a final document, no `null` survives |
//! | `merge_patch` | the types `json_deep` takes | the layers are RFC 7396 patches merged into one patch: `null` deletions are kept, so applying the result equals applying the layers one by one |
//! | `toml_deep` | `String` holding TOML, [`TomlText`], `toml::Table`, `toml::Value` | tables merge key by key; arrays and scalars replace |
//!
//! Every strategy also takes `Option` of the types it takes: a later `None` keeps the earlier
//! value and an earlier `None` is treated as absent.
//!
//! `replace` and `keep` are plain functions because they fit every type. The strategies that fit
//! only some types are traits ([`Append`], [`Union`], [`JsonDeep`], [`MergePatch`], [`TomlDeep`]), so that a field of another
//! type fails to compile with a message naming the types that fit. They can be called directly
//! too:
//!
//! ```
//! use nodeconfig_core::strategy::{self, Append};
//!
//! let mut flags = vec!["--v=2".to_string()];
//! flags.apply_append(vec!["--max-pods=58".to_string()]);
//! assert_eq!(flags, ["--v=2", "--max-pods=58"]);
//!
//! let mut nameservers = Some(vec!["10.0.0.2"]);
//! strategy::replace_option(&mut nameservers, Some(vec!["1.1.1.1"]));
//! assert_eq!(nameservers, Some(vec!["1.1.1.1"]));
//! ```

mod append;
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub mod json;
mod keep;
pub mod keyed;
mod replace;
#[cfg(feature = "toml")]
#[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
pub mod toml;
mod union;

pub use append::Append;
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub use json::{JsonDeep, MergePatch};
pub use keep::{keep, keep_option};
pub use keyed::{ItemKey, KeyPart, Keyed, ListKey, key_part};
pub use replace::{replace, replace_option};
#[cfg(feature = "toml")]
#[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
pub use toml::{TomlDeep, TomlText};
pub use union::Union;
