//! Bounds are inferred for default-merged fields whose type mentions a type parameter, and for
//! strategy fields through the strategy's trait; `replace`/`keep`/`skip` fields add none.

use nodeconfig_core::DeepMerge;
use std::collections::BTreeMap;

#[derive(DeepMerge, Debug, PartialEq)]
struct Layer<T, L, K> {
    value: T,
    by_name: BTreeMap<String, T>,
    #[merge(strategy = "append")]
    items: L,
    // `K` needs no `DeepMerge`: replace fits any type.
    #[merge(strategy = "replace")]
    key: K,
    #[merge(skip)]
    origin: K,
}

/// Not `DeepMerge`: allowed because only `replace` and `skip` fields mention it.
#[derive(Debug, PartialEq)]
struct Opaque(u8);

fn main() {
    let mut earlier = Layer {
        value: Some(1_u32),
        by_name: BTreeMap::from([("a".to_owned(), Some(1))]),
        items: vec!["x"],
        key: Opaque(1),
        origin: Opaque(1),
    };
    let later = Layer {
        value: None,
        by_name: BTreeMap::from([("b".to_owned(), Some(2))]),
        items: vec!["y"],
        key: Opaque(2),
        origin: Opaque(2),
    };
    earlier.deep_merge(later).unwrap();
    assert_eq!(earlier.value, Some(1));
    assert_eq!(earlier.by_name.len(), 2);
    assert_eq!(earlier.items, ["x", "y"]);
    assert_eq!(earlier.key, Opaque(2));
    assert_eq!(earlier.origin, Opaque(1));
}
