//! The derive's output is lint-clean: this file is compiled by `cargo clippy --all-targets` in
//! CI with every warning, clippy's default lints and the pedantic group denied.
#![deny(warnings, clippy::all, clippy::pedantic)]

use nodeconfig_core::{DeepMerge, MergeError};
use std::collections::{BTreeMap, HashMap};

/// Every kind of field the derive handles.
#[derive(DeepMerge, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Everything<T> {
    pub plain: u32,
    pub optional: Option<String>,
    pub map: BTreeMap<String, Option<bool>>,
    pub hashed: HashMap<String, u8>,
    pub generic: Option<T>,
    #[merge(strategy = "append")]
    pub flags: Vec<String>,
    #[merge(strategy = "replace")]
    pub nameservers: Option<Vec<String>>,
    #[merge(strategy = "keep")]
    pub first: Vec<u8>,
    #[merge(with = "max")]
    pub highest: u64,
    #[merge(skip)]
    pub cache: u8,
    pub nested: Nested,
}

/// Enums of every shape.
#[derive(DeepMerge, Debug, Default, PartialEq)]
pub enum Nested {
    Named {
        a: Option<u8>,
        b: Option<u8>,
    },
    Tuple(Option<u8>),
    #[default]
    Unit,
}

/// An item of keyed lists.
#[derive(DeepMerge, Debug, Default, PartialEq)]
pub struct Entry<T> {
    pub name: String,
    pub kind: u8,
    pub value: Option<T>,
}

/// Keyed lists, single and compound keys, generic items.
#[derive(DeepMerge, Debug, Default, PartialEq)]
pub struct Keyed<T> {
    #[merge(strategy = "keyed", key(name, kind))]
    pub items: Vec<Entry<T>>,
    #[merge(strategy = "keyed", key = "name")]
    pub optional: Option<std::collections::VecDeque<Entry<T>>>,
}

/// A tuple struct.
#[derive(DeepMerge, Debug, Default, PartialEq)]
pub struct Pair(pub Option<u8>, #[merge(skip)] pub u8);

/// A unit struct.
#[derive(DeepMerge, Debug, Default, PartialEq)]
pub struct Marker;

/// An empty enum.
#[derive(DeepMerge, Debug, PartialEq)]
pub enum Never {}

fn max(existing: &mut u64, incoming: u64) -> Result<(), MergeError> {
    if incoming == u64::MAX {
        return Err(MergeError::custom("u64::MAX is reserved"));
    }
    *existing = (*existing).max(incoming);
    Ok(())
}

#[test]
fn the_lint_clean_types_merge() {
    let mut merged: Everything<u8> = Everything {
        highest: 5,
        ..Everything::default()
    };
    merged
        .deep_merge(Everything {
            highest: 3,
            flags: vec!["a".into()],
            ..Everything::default()
        })
        .unwrap();
    assert_eq!(merged.highest, 5);
    assert_eq!(merged.flags, ["a"]);
}

#[test]
fn the_lint_clean_keyed_lists_merge() {
    let entry = |name: &str, kind, value| Entry {
        name: name.into(),
        kind,
        value,
    };
    let mut merged = Keyed {
        items: vec![entry("a", 1, Some(1_u8)), entry("a", 2, Some(2))],
        optional: None,
    };
    merged
        .deep_merge(Keyed {
            items: vec![entry("a", 2, Some(3)), entry("b", 1, None)],
            optional: Some(vec![entry("c", 0, None)].into()),
        })
        .unwrap();
    assert_eq!(
        merged.items,
        [
            entry("a", 1, Some(1)),
            entry("a", 2, Some(3)),
            entry("b", 1, None)
        ]
    );
    assert_eq!(merged.optional.map(|list| list.len()), Some(1));
}
