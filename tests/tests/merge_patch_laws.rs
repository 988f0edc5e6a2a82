//! `merge_patch` obeys its laws on random layers: the merged patch, applied onto any base,
//! equals the layers applied one by one (RFC 7396 section 2, `MergePatch(Target, Patch)`),
//! wherever RFC 7396 can compose; and the merged patch does not depend on whether a parent was
//! absent or present but empty, on empty layers inserted anywhere, or on an idempotent layer
//! being repeated.
//!
//! Where RFC 7396 cannot compose (a non-object patch, `null` included, followed by an object
//! patch at the same place), applying one by one makes the object start from nothing, and no
//! merge patch can say "replace with this object": the merged patch holds the later object,
//! deletions kept, and applying it merges that object into whatever the base holds there. So
//! the law still holds for every base without an object at such a place (a base that is not an
//! object at all, say), which is checked; `the_case_rfc_7396_cannot_compose` shows the rest.

use nodeconfig_core::strategy::json::merge_json_ref;
use nodeconfig_core::{DeepMerge, merge_all};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

#[derive(DeepMerge, Default, Debug, Clone, PartialEq)]
struct Containerd {
    #[merge(strategy = "merge_patch")]
    base_runtime_spec: Option<Value>,
}

#[derive(DeepMerge, Default, Debug, Clone, PartialEq)]
struct Spec {
    containerd: Option<Containerd>,
}

/// A layer that sets `containerd.baseRuntimeSpec` to `patch`.
fn layer(patch: Value) -> Spec {
    Spec {
        containerd: Some(Containerd {
            base_runtime_spec: Some(patch),
        }),
    }
}

/// The merged `baseRuntimeSpec` of `layers`.
fn merged_patch(layers: Vec<Spec>) -> Option<Value> {
    merge_all(layers)
        .expect("merge_patch cannot fail")
        .containerd
        .and_then(|containerd| containerd.base_runtime_spec)
}

/// RFC 7396 application (`json_deep`'s borrowing form, which json_deep_laws.rs checks against
/// the RFC's pseudocode).
fn apply(mut target: Value, patch: &Value) -> Value {
    merge_json_ref(&mut target, patch);
    target
}

/// Whether applying `earlier` then `later` can be said by one merge patch: nowhere is `later`
/// an object where `earlier` is not an object (and not absent).
fn composable(earlier: &Value, later: &Value) -> bool {
    let Value::Object(later) = later else {
        return true;
    };
    let Value::Object(earlier) = earlier else {
        return false;
    };
    later.iter().all(|(key, member)| match earlier.get(key) {
        None => true,
        Some(earlier) => !member.is_object() || composable(earlier, member),
    })
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(&["a", "b", "c", "rlimits"][..]).prop_map(str::to_owned)
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => any::<u64>().prop_map(Value::from),
        1 => Just(json!([1, null])),
        1 => Just(json!("s")),
    ]
}

/// JSON values up to 4 levels deep, objects most of the time, `null` at every level.
fn document() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            4 => prop::collection::btree_map(key(), inner, 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// A layer: no `containerd`, an empty one, or one with a patch (mostly an object).
fn spec_layer() -> impl Strategy<Value = Spec> {
    prop_oneof![
        1 => Just(Spec::default()),
        1 => Just(Spec { containerd: Some(Containerd::default()) }),
        6 => document().prop_map(layer),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// `apply(base, merge_all(layers)) == apply(...apply(base, p1)..., pn)`, for every base
    /// where the layers compose, and for every non-object base whatever the layers.
    #[test]
    fn the_merged_patch_equals_the_layers_one_by_one(
        base in document(),
        patches in prop::collection::vec(document(), 0..5),
    ) {
        let merged = merged_patch(patches.iter().cloned().map(layer).collect());
        let through_merged = |base: Value| match &merged {
            Some(patch) => apply(base, patch),
            None => base,
        };
        let one_by_one = |base: Value| patches.iter().fold(base, apply);

        let mut so_far: Option<Value> = None;
        let mut every_step_composes = true;
        for patch in &patches {
            if let Some(earlier) = &so_far {
                every_step_composes &= composable(earlier, patch);
            }
            so_far = merged_patch(vec![layer(so_far.take().unwrap_or(json!({}))), layer(patch.clone())]);
        }
        if every_step_composes {
            prop_assert_eq!(through_merged(base.clone()), one_by_one(base));
        }
        for non_object in [Value::Null, json!(7), json!([1])] {
            prop_assert_eq!(through_merged(non_object.clone()), one_by_one(non_object));
        }
    }

    /// An absent `containerd` and a present but empty one give the same merged patch.
    #[test]
    fn absent_and_empty_parents_merge_alike(later in prop::collection::vec(spec_layer(), 0..4)) {
        let after = |first: Spec| {
            merged_patch(std::iter::once(first).chain(later.iter().cloned()).collect())
        };
        prop_assert_eq!(
            after(Spec::default()),
            after(Spec { containerd: Some(Containerd::default()) })
        );
    }

    /// An empty layer, inserted anywhere, changes nothing.
    #[test]
    fn empty_layers_change_nothing(
        layers in prop::collection::vec(spec_layer(), 0..4),
        at in 0_usize..5,
        empty in prop_oneof![Just(Spec::default()), Just(Spec { containerd: Some(Containerd::default()) })],
    ) {
        let mut with_empty = layers.clone();
        with_empty.insert(at.min(layers.len()), empty);
        prop_assert_eq!(merged_patch(with_empty), merged_patch(layers));
    }

    /// A layer repeated gives what it gives once: merging a patch into itself is idempotent.
    #[test]
    fn a_repeated_layer_changes_nothing(
        layers in prop::collection::vec(spec_layer(), 0..4),
        repeated in spec_layer(),
    ) {
        let mut once = layers.clone();
        once.push(repeated.clone());
        let mut twice = once.clone();
        twice.push(repeated);
        prop_assert_eq!(merged_patch(twice), merged_patch(once));
    }
}

/// A `null` (or a scalar) then an object at the same key: one by one, the object starts from
/// nothing; the merged patch holds the object (deletions kept) and merges it into the base's.
#[test]
fn the_case_rfc_7396_cannot_compose() {
    let patches = [json!({"a": null}), json!({"a": {"y": 2, "z": null}})];
    let merged = merged_patch(patches.iter().cloned().map(layer).collect()).unwrap();
    assert_eq!(merged, json!({"a": {"y": 2, "z": null}}));

    let base = json!({"a": {"x": 1, "z": 3}});
    let one_by_one = patches.iter().fold(base.clone(), apply);
    assert_eq!(one_by_one, json!({"a": {"y": 2}}));
    // `x` survives through the merged patch: the one difference, documented.
    assert_eq!(apply(base, &merged), json!({"a": {"x": 1, "y": 2}}));
    // Without an object there in the base, the two agree.
    let base = json!({"a": 5, "b": 1});
    assert_eq!(
        apply(base.clone(), &merged),
        patches.iter().fold(base, apply)
    );
}

/// The library form: a patch inside an optional parent keeps its `null` whether the
/// parent was absent or present, and `merge_all([a])` equals `merge_all([a, a])`.
#[test]
fn a_deletion_survives_whatever_came_before() {
    let later = layer(json!({"rlimits": null, "cwd": "/"}));
    let expected = Some(json!({"rlimits": null, "cwd": "/"}));
    assert_eq!(merged_patch(vec![later.clone()]), expected);
    assert_eq!(merged_patch(vec![Spec::default(), later.clone()]), expected);
    let present = layer(json!({"hostname": "n"}));
    assert_eq!(
        merged_patch(vec![present, later.clone()]),
        Some(json!({"hostname": "n", "rlimits": null, "cwd": "/"}))
    );
    assert_eq!(merged_patch(vec![later.clone(), later]), expected);
}

/// Tracing shows a `null` as a deletion even where no earlier layer had the key: the deletion
/// is part of the merged patch.
#[test]
fn tracing_shows_each_deletion() {
    let (_, provenance) = nodeconfig_core::trace::merge_all_traced([
        ("cluster", Spec::default()),
        ("user", layer(json!({"process": {"rlimits": null}}))),
    ])
    .unwrap();
    let origin = provenance
        .get("containerd.base_runtime_spec.process.rlimits")
        .expect("the deletion is traced");
    assert!(origin.deleted);
    assert_eq!(origin.strategy, "merge_patch");
    assert_eq!(provenance.source(origin.layer), &"user");
}

/// A merge that fails at another field leaves a `merge_patch` field as it was.
#[test]
fn a_failed_merge_leaves_the_patch_unchanged() {
    #[derive(DeepMerge, Default, Debug, Clone, PartialEq)]
    struct Containerd {
        #[merge(strategy = "merge_patch")]
        base_runtime_spec: Option<Value>,
        #[merge(strategy = "toml_deep")]
        config: Option<String>,
    }

    let mut existing = Containerd {
        base_runtime_spec: Some(json!({"process": {"cwd": "/"}})),
        config: Some("[grpc]\n".into()),
    };
    let before = existing.clone();
    let broken = Containerd {
        base_runtime_spec: Some(json!({"process": {"rlimits": null}})),
        config: Some("[grpc".into()),
    };
    let error = existing.deep_merge(broken).unwrap_err();
    assert_eq!(error.path(), "config");
    assert_eq!(existing, before);
}

/// `merge_patch` derives on every type it takes, and `Option` of each.
#[test]
fn every_accepted_type_merges_through_the_derive() {
    use std::collections::{BTreeMap, HashMap};

    #[derive(DeepMerge, Default, Debug, PartialEq)]
    struct Patches {
        #[merge(strategy = "merge_patch")]
        value: Value,
        #[merge(strategy = "merge_patch")]
        map: Map<String, Value>,
        #[merge(strategy = "merge_patch")]
        btree: Option<BTreeMap<String, Value>>,
        #[merge(strategy = "merge_patch")]
        hash: HashMap<String, Value>,
    }

    let layer = |patch: Value| {
        let Value::Object(members) = patch.clone() else {
            unreachable!("an object literal")
        };
        Patches {
            value: patch,
            map: members.clone(),
            btree: Some(members.clone().into_iter().collect()),
            hash: members.into_iter().collect(),
        }
    };
    let merged = merge_all([
        layer(json!({"a": 1, "b": {"c": 2}})),
        layer(json!({"a": null, "b": {"d": null}})),
    ])
    .unwrap();
    let expected = layer(json!({"a": null, "b": {"c": 2, "d": null}}));
    assert_eq!(merged, expected);
}

/// The law for every base runs only where the layers compose; this keeps the generators from
/// drifting to where they almost never do.
#[test]
fn generated_layers_compose_often() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let pair = (document(), document());
    let composing = (0..200)
        .filter(|_| {
            let (earlier, later) = pair.new_tree(&mut runner).expect("generates").current();
            composable(&earlier, &later)
        })
        .count();
    assert!(composing > 60, "only {composing} of 200 pairs compose");
}

#[test]
fn composable_examples() {
    assert!(composable(
        &json!({"a": {"x": 1}}),
        &json!({"a": {"y": null}})
    ));
    assert!(composable(
        &json!({"a": 1}),
        &json!({"a": 2, "b": {"c": 1}})
    ));
    assert!(!composable(&json!({"a": null}), &json!({"a": {"y": 1}})));
    assert!(!composable(&json!([1]), &json!({"y": 1})));
    assert!(composable(&json!({"a": 1}), &Value::Object(Map::new())));
}
