//! Keyed merges obey their laws on random layers:
//!
//! - with distinct keys in each layer, the keyed merge of lists equals the merge of maps keyed
//!   the same way (`BTreeMap`'s default merge: union of keys, same key merges the values), for
//!   single and compound keys, over 0 to 4 layers;
//! - the merged list holds the first layer's keys in their order, then each later layer's new
//!   keys in that layer's order;
//! - a layer with a repeated key fails, naming that key, and leaves the destination unchanged;
//! - inside JSON, a `list_key` list with distinct keys merges as the object keyed the same way
//!   merges under plain `json_deep`, earlier order kept and new keys appended.

use nodeconfig_core::{DeepMerge, merge_all};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// What an item holds besides its key: merged the same way in a list item and in a map value.
#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct Payload {
    size: Option<u8>,
    labels: BTreeMap<String, u8>,
    #[merge(strategy = "append")]
    flags: Vec<u8>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct Item {
    id: u8,
    kind: bool,
    value: Payload,
}

/// An item without its key: the value of the map a list stands for.
#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct Rest {
    kind: bool,
    value: Payload,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct ById {
    #[merge(strategy = "keyed", key = "id")]
    items: Vec<Item>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct ByIdAndKind {
    #[merge(strategy = "keyed", key(id, kind))]
    items: Vec<Item>,
}

fn payload() -> impl Strategy<Value = Payload> {
    (
        proptest::option::of(any::<u8>()),
        proptest::collection::btree_map("[a-c]", any::<u8>(), 0..3),
        proptest::collection::vec(any::<u8>(), 0..3),
    )
        .prop_map(|(size, labels, flags)| Payload {
            size,
            labels,
            flags,
        })
}

/// One layer's items, keys distinct under `key`, in random order; ids from a small range so
/// that layers share keys.
fn layer<K: std::hash::Hash + Eq>(key: fn(&Item) -> K) -> impl Strategy<Value = Vec<Item>> {
    proptest::collection::vec((0..8_u8, any::<bool>(), payload()), 0..10).prop_map(move |items| {
        let mut seen = HashSet::new();
        items
            .into_iter()
            .map(|(id, kind, value)| Item { id, kind, value })
            .filter(|item| seen.insert(key(item)))
            .collect()
    })
}

fn by_id(item: &Item) -> u8 {
    item.id
}

fn by_id_and_kind(item: &Item) -> (u8, bool) {
    (item.id, item.kind)
}

/// The map a list stands for: each item's key to the rest of it.
fn as_map<K: Ord>(items: &[Item], key: fn(&Item) -> K) -> BTreeMap<K, Rest> {
    items
        .iter()
        .map(|item| {
            let rest = Rest {
                kind: item.kind,
                value: item.value.clone(),
            };
            (key(item), rest)
        })
        .collect()
}

/// The keys in the order the merge must give: first seen first.
fn expected_order<K: Eq + std::hash::Hash + Clone>(
    layers: &[Vec<Item>],
    key: fn(&Item) -> K,
) -> Vec<K> {
    let mut seen = HashSet::new();
    layers
        .iter()
        .flatten()
        .map(key)
        .filter(|key| seen.insert(key.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn keyed_by_one_field_equals_the_map_merge(layers in proptest::collection::vec(layer(by_id), 0..5)) {
        let merged = merge_all(layers.iter().cloned().map(|items| ById { items })).unwrap();
        let maps = merge_all(layers.iter().map(|items| as_map(items, by_id))).unwrap();
        prop_assert_eq!(as_map(&merged.items, by_id), maps);
        let order: Vec<u8> = merged.items.iter().map(by_id).collect();
        prop_assert_eq!(order, expected_order(&layers, by_id));
    }

    #[test]
    fn keyed_by_two_fields_equals_the_map_merge(
        layers in proptest::collection::vec(layer(by_id_and_kind), 0..5),
    ) {
        let merged =
            merge_all(layers.iter().cloned().map(|items| ByIdAndKind { items })).unwrap();
        let maps = merge_all(layers.iter().map(|items| as_map(items, by_id_and_kind))).unwrap();
        prop_assert_eq!(as_map(&merged.items, by_id_and_kind), maps);
        let order: Vec<(u8, bool)> = merged.items.iter().map(by_id_and_kind).collect();
        prop_assert_eq!(order, expected_order(&layers, by_id_and_kind));
    }

    #[test]
    fn a_repeated_key_fails_and_changes_nothing(
        earlier in layer(by_id),
        later in layer(by_id),
        repeat in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!later.is_empty());
        let mut later = later;
        let repeated = later[repeat.index(later.len())].clone();
        later.push(repeated.clone());
        let mut destination = ById { items: earlier };
        let before = destination.clone();
        let error = destination.deep_merge(ById { items: later }).unwrap_err();
        prop_assert_eq!(error.path(), format!("items[id={}]", repeated.id));
        prop_assert_eq!(destination, before);
    }
}

/// JSON: a `list_key` list with distinct keys merges as the object keyed the same way merges
/// under plain `json_deep`.
mod json {
    use nodeconfig_core::strategy::JsonDeep;
    use nodeconfig_core::strategy::json::{JsonKeyed, ListKeys};
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};
    use std::collections::HashSet;

    static KEYS: ListKeys = ListKeys::new(&[("items", &["id"])]);

    fn member() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<u8>().prop_map(Value::from),
            proptest::collection::btree_map("[xyz]", proptest::option::of(any::<u8>()), 0..3)
                .prop_map(|members| json!(members)),
        ]
    }

    /// Items with distinct ids from a small range, in random order.
    fn items() -> impl Strategy<Value = Vec<Value>> {
        proptest::collection::vec(
            (
                "[a-f]",
                proptest::collection::btree_map("[pqr]", member(), 0..3),
            ),
            0..8,
        )
        .prop_map(|items| {
            let mut seen = HashSet::new();
            items
                .into_iter()
                .filter(|(id, _)| seen.insert(id.clone()))
                .map(|(id, mut members)| {
                    members.insert("id".to_owned(), json!(id));
                    json!(members)
                })
                .collect()
        })
    }

    /// The object a keyed list stands for: each id to its item.
    fn as_object(items: &[Value]) -> Value {
        let object: Map<String, Value> = items
            .iter()
            .map(|item| (item["id"].as_str().unwrap().to_owned(), item.clone()))
            .collect();
        Value::Object(object)
    }

    fn ids(items: &[Value]) -> Vec<&str> {
        items
            .iter()
            .map(|item| item["id"].as_str().unwrap())
            .collect()
    }

    proptest! {
        #[test]
        fn a_keyed_json_list_merges_as_the_object_keyed_the_same_way(
            earlier in items(),
            later in items(),
        ) {
            let mut keyed = json!({"items": earlier.clone()});
            keyed.merge_json_keyed(json!({"items": later.clone()}), &KEYS).unwrap();
            let mut object = as_object(&earlier);
            object.apply_json_deep(as_object(&later));
            let merged = keyed["items"].as_array().unwrap();
            prop_assert_eq!(as_object(merged), object);
            let mut expected: Vec<&str> = ids(&earlier);
            expected.extend(ids(&later).into_iter().filter(|id| !ids(&earlier).contains(id)));
            prop_assert_eq!(ids(merged), expected);
        }
    }
}
