//! `merge_patch` with `list_key` obeys its law on random layers: the merged patch, applied onto
//! any base with the same keys (`JsonKeyed::merge_json_keyed`, as `nodeconfig render` does),
//! equals the layers applied one by one. Layers hold keyed lists with every directive: delete
//! items, replace items, the `{"$patch": "replace"}` list marker, replaced and deleted objects,
//! `null` members.
//!
//! The one documented difference is order: an item one layer deletes and a later layer sets
//! again is, applied one by one, appended at the end; the merged patch replaces it in place when
//! the base has it. Where the layers do that, the lists are compared sorted by key (content
//! equal); everywhere else, exactly. `deleted_then_set_again_keeps_its_place` shows the case.

use nodeconfig_core::strategy::json::{JsonKeyed, ListKeys, MergePatchKeyed};
use nodeconfig_core::{DeepMerge, merge_all};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

static KEYS: ListKeys =
    ListKeys::new(&[("process.rlimits", &["type"]), ("mounts", &["destination"])]);

#[derive(DeepMerge, Default, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Containerd {
    #[merge(
        strategy = "merge_patch",
        list_key(path = "process.rlimits", key = "type"),
        list_key(path = "mounts", key = "destination")
    )]
    base_runtime_spec: Option<Value>,
}

/// The merged patch of `layers`, through the derive.
fn merged(layers: &[Value]) -> Option<Value> {
    let layers = layers.iter().map(|patch| Containerd {
        base_runtime_spec: Some(patch.clone()),
    });
    merge_all(layers)
        .expect("valid layers merge")
        .base_runtime_spec
}

fn apply(mut base: Value, patch: Value) -> Value {
    base.merge_json_keyed(patch, &KEYS)
        .expect("valid patches apply");
    base
}

const TYPES: &[&str] = &["NOFILE", "NPROC", "CORE", "STACK"];

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![4 => (0u64..4).prop_map(Value::from), 1 => Just(Value::Null)]
}

/// A plain item's members besides its key: `soft` and a nested object, either may be `null`.
fn item_body() -> impl Strategy<Value = Map<String, Value>> {
    (
        proptest::option::of(number()),
        proptest::option::of(proptest::option::of(number())),
    )
        .prop_map(|(soft, extra)| {
            let mut body = Map::new();
            if let Some(soft) = soft {
                body.insert("soft".into(), soft);
            }
            match extra {
                Some(Some(x)) => {
                    body.insert("extra".into(), json!({"x": x}));
                }
                Some(None) => {
                    body.insert("extra".into(), Value::Null);
                }
                None => {}
            }
            body
        })
}

/// One item of a keyed list patch: plain (0), delete (1) or replace (2).
fn item(key: &'static str, directives: bool) -> impl Strategy<Value = Value> {
    let kinds = if directives { 0u8..3 } else { 0u8..1 };
    (kinds, item_body()).prop_map(move |(kind, mut body)| {
        body.insert("type".into(), json!(key));
        match kind {
            1 => return json!({"type": key, "$patch": "delete"}),
            2 => {
                body.retain(|_, member| !member.is_null());
                body.insert("$patch".into(), json!("replace"));
            }
            _ => {}
        }
        Value::Object(body)
    })
}

/// A keyed list: distinct keys, in random order, perhaps with the replace marker.
fn rlimits(directives: bool) -> impl Strategy<Value = Value> {
    let keys = proptest::sample::subsequence(TYPES, 0..=TYPES.len()).prop_shuffle();
    (keys, any::<bool>()).prop_flat_map(move |(keys, marker)| {
        let items: Vec<_> = keys.into_iter().map(|key| item(key, directives)).collect();
        (items, Just(marker && directives)).prop_map(|(mut items, marker)| {
            if marker {
                items.insert(0, json!({"$patch": "replace"}));
            }
            Value::Array(items)
        })
    })
}

/// `process` in a layer: a plain object, a replaced one, `null`, a deleted one or a scalar.
fn process(directives: bool) -> impl Strategy<Value = Value> {
    let rlimits =
        prop_oneof![6 => rlimits(directives), 1 => Just(Value::Null), 1 => Just(json!(7))];
    (
        0u8..8,
        proptest::option::of(rlimits),
        proptest::option::of(number()),
    )
        .prop_map(move |(kind, rlimits, cwd)| {
            let mut object = Map::new();
            if let Some(rlimits) = rlimits {
                object.insert("rlimits".into(), rlimits);
            }
            if let Some(cwd) = cwd {
                object.insert("cwd".into(), cwd);
            }
            match kind {
                5 if directives => object.insert("$patch".into(), json!("replace")),
                6 if directives => return json!({"$patch": "delete"}),
                7 => return Value::Null,
                _ => None,
            };
            Value::Object(object)
        })
}

fn layer() -> impl Strategy<Value = Value> {
    proptest::option::of(process(true)).prop_map(|process| match process {
        Some(process) => json!({"process": process}),
        None => json!({}),
    })
}

/// A final document: no directive, no `null` member.
fn base() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => proptest::option::of(process(false)).prop_map(|process| {
            let mut base = json!({"mounts": [{"destination": "/proc"}]});
            if let Some(process) = process {
                base["process"] = process;
            }
            base
        }),
        1 => Just(json!({})),
    ]
    .prop_map(|base| apply(Value::Null, base))
}

/// Whether some layer deletes an item a later layer sets again (the order difference).
fn deletes_then_sets(layers: &[Value]) -> bool {
    let items = |layer: &Value| -> Vec<Value> {
        layer["process"]["rlimits"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    layers.iter().enumerate().any(|(at, earlier)| {
        items(earlier).iter().any(|deleted| {
            deleted["$patch"] == "delete"
                && layers[at + 1..].iter().any(|later| {
                    items(later)
                        .iter()
                        .any(|set| set["type"] == deleted["type"] && set["$patch"] != "delete")
                })
        })
    })
}

fn sorted_rlimits(mut document: Value) -> Value {
    if let Some(items) = document
        .pointer_mut("/process/rlimits")
        .and_then(Value::as_array_mut)
    {
        items.sort_by(|a, b| a["type"].to_string().cmp(&b["type"].to_string()));
    }
    document
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn applying_the_merged_patch_equals_applying_the_layers_one_by_one(
        base in base(),
        layers in proptest::collection::vec(layer(), 0..5),
    ) {
        let one_by_one = layers.iter().cloned().fold(base.clone(), apply);
        let at_once = match merged(&layers) {
            Some(patch) => apply(base, patch),
            None => base,
        };
        if deletes_then_sets(&layers) {
            prop_assert_eq!(sorted_rlimits(at_once), sorted_rlimits(one_by_one));
        } else {
            prop_assert_eq!(at_once, one_by_one);
        }
    }

    #[test]
    fn the_merged_patch_is_a_valid_patch_and_merging_is_associative(
        layers in proptest::collection::vec(layer(), 1..5),
    ) {
        let all = merged(&layers);
        let (first, rest) = layers.split_first().expect("one layer or more");
        let mut nested = first.clone();
        if let Some(rest) = merged(rest) {
            nested.merge_patch_keyed(rest, &KEYS).expect("merged patches merge");
        }
        // The same order-only difference as above: an item deleted and set again lands where
        // the grouping puts it.
        if deletes_then_sets(&layers) {
            prop_assert_eq!(all.map(sorted_rlimits), Some(sorted_rlimits(nested)));
        } else {
            prop_assert_eq!(all, Some(nested));
        }
    }
}

#[test]
fn deleted_then_set_again_keeps_its_place() {
    let base = json!({"process": {"rlimits": [{"type": "CORE", "soft": 0}, {"type": "NOFILE", "soft": 1}]}});
    let layers = [
        json!({"process": {"rlimits": [{"type": "CORE", "$patch": "delete"}]}}),
        json!({"process": {"rlimits": [{"type": "CORE", "soft": 5}]}}),
    ];
    let patch = merged(&layers).expect("a patch");
    assert_eq!(
        patch,
        json!({"process": {"rlimits": [{"type": "CORE", "soft": 5, "$patch": "replace"}]}})
    );
    let one_by_one = layers.iter().cloned().fold(base.clone(), apply);
    assert_eq!(
        one_by_one["process"]["rlimits"],
        json!([{"type": "NOFILE", "soft": 1}, {"type": "CORE", "soft": 5}])
    );
    assert_eq!(
        apply(base, patch)["process"]["rlimits"],
        json!([{"type": "CORE", "soft": 5}, {"type": "NOFILE", "soft": 1}])
    );
}

#[test]
fn a_later_list_onto_a_deleted_one_becomes_a_replaced_list() {
    let layers = [
        json!({"process": {"rlimits": null}}),
        json!({"process": {"rlimits": [{"type": "NPROC", "soft": 1, "extra": null}]}}),
    ];
    assert_eq!(
        merged(&layers),
        Some(
            json!({"process": {"rlimits": [{"$patch": "replace"}, {"type": "NPROC", "soft": 1}]}})
        )
    );
}

#[test]
fn a_bad_layer_is_an_error_naming_the_item_and_changes_nothing() {
    let mut spec = Containerd {
        base_runtime_spec: Some(
            json!({"process": {"rlimits": [{"type": "CORE", "$patch": "delete"}]}}),
        ),
    };
    let before = spec.clone();
    let error = spec
        .deep_merge(Containerd {
            base_runtime_spec: Some(
                json!({"process": {"rlimits": [{"type": "NOFILE", "$patch": "merge"}]}}),
            ),
        })
        .unwrap_err();
    assert_eq!(error.path(), "baseRuntimeSpec.process.rlimits[0]");
    assert!(error.to_string().contains("unknown directive"), "{error}");
    assert_eq!(spec, before);
}

#[test]
fn provenance_names_items_by_key_and_keeps_deletions() {
    use nodeconfig_core::trace::merge_all_traced;
    let layer = |patch| Containerd {
        base_runtime_spec: Some(patch),
    };
    let (_, provenance) = merge_all_traced([
        (
            "part 1",
            layer(json!({"process": {"rlimits": [{"type": "NOFILE", "soft": 1}]}})),
        ),
        (
            "part 2",
            layer(json!({"process": {"cwd": null, "rlimits": [
                {"type": "NOFILE", "soft": 2},
                {"type": "CORE", "$patch": "delete"},
            ]}})),
        ),
    ])
    .unwrap();
    let soft = provenance
        .get("baseRuntimeSpec.process.rlimits[type=NOFILE].soft")
        .expect("the item is named by its key");
    assert_eq!((soft.layer, soft.replaced.as_slice()), (1, &[0][..]));
    assert_eq!(soft.strategy, "merge_patch");
    // Kept deletions: no earlier layer had them, but the base they are applied onto may.
    for deleted in [
        "baseRuntimeSpec.process.cwd",
        "baseRuntimeSpec.process.rlimits[type=CORE]",
    ] {
        let origin = provenance.get(deleted).expect(deleted);
        assert!(origin.deleted, "{deleted}");
        assert_eq!(origin.layer, 1);
    }
}

/// A replaced item is kept in one form (resolved: no `null` member) however the layers are
/// grouped; CI found `(a ∘ b) ∘ c` keeping `{"x": null}` where `a ∘ (b ∘ c)` dropped it.
#[test]
fn a_replaced_item_has_one_form_whatever_the_grouping() {
    let layers = [
        json!({"process": {"rlimits": [{"type": "CORE", "$patch": "delete"}]}}),
        json!({"process": {"rlimits": [{"type": "CORE", "$patch": "replace"}]}}),
        json!({"process": {"rlimits": [{"type": "CORE", "extra": {"x": null}, "$patch": "replace"}]}}),
    ];
    let left = merged(&layers).expect("a patch");
    let mut right = layers[0].clone();
    right
        .merge_patch_keyed(merged(&layers[1..]).expect("a patch"), &KEYS)
        .expect("merged patches merge");
    let expected =
        json!({"process": {"rlimits": [{"type": "CORE", "extra": {}, "$patch": "replace"}]}});
    assert_eq!(left, expected);
    assert_eq!(right, expected);
}
