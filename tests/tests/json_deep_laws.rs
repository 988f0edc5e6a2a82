//! `json_deep` obeys the laws of RFC 7396 on random documents: it agrees with a plain recursive
//! reference written from the RFC's pseudocode, on every type that takes the strategy; `{}`
//! changes nothing; two patches in a row equal their composition wherever a single merge patch
//! can express it; and applying a patch twice equals applying it once. `merge_json_ref`, which
//! borrows the patch, is held to the same laws and leaves its patch unchanged.
//!
//! Composition: write `apply(x, p)` for the merge. Merge patches are not closed under
//! composition (an object patch cannot say "replace the target with this object"), so the law
//! `apply(apply(x, p), q) == apply(x, compose(p, q))` is checked for every `x` wherever
//! `compose` below is defined:
//!
//! - `q` is not an object: `compose(p, q) = q` (a non-object patch replaces whatever it meets);
//! - `p` and `q` are both objects, and for every key `k` where `q[k]` is an object, `p[k]` is
//!   absent or an object with `compose(p[k], q[k])` defined: `compose(p, q)` has every key of
//!   `p` and `q`, with `q[k]` where only `q` has `k` or `q[k]` is not an object (a `null` in
//!   `q` stays a deletion), `p[k]` where only `p` has `k`, and `compose(p[k], q[k])` where both
//!   are objects.
//!
//! Undefined: `q` an object over a non-object `p`, or `q[k]` an object where `p[k]` is `null`,
//! a scalar or an array. Then `apply(x, p)` leaves a non-object (or nothing) at `k` and `q[k]`
//! lands on it as a fresh object whatever `x[k]` was, which no patch can say.
//!
//! Layers: through `merge_all` and a derived struct, `json_deep` gives a final document, so no
//! `null` member survives wherever a layer lands (first layer, absent parent, new key), and the
//! result does not depend on whether a parent was absent or present but empty, on empty layers
//! inserted anywhere, or on a layer being repeated.

use nodeconfig_core::strategy::JsonDeep;
use nodeconfig_core::strategy::json::merge_json_ref;
use nodeconfig_core::{DeepMerge, merge_all};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use std::collections::{BTreeMap, HashMap};

/// RFC 7396 section 2, `MergePatch(Target, Patch)`, recursively and by value. Key order follows
/// the crate's documented rule (kept keys stay in place, new keys go last), so the result can
/// also be compared as text.
fn reference_merge(target: Value, patch: Value) -> Value {
    let Value::Object(patch) = patch else {
        return patch;
    };
    let mut target = match target {
        Value::Object(target) => target,
        _ => Map::new(),
    };
    for (key, value) in patch {
        if value.is_null() {
            // Rebuilt rather than `remove`d: without `preserve_order` it is sorted anyway, and
            // with it `remove` would move the last key into the gap.
            target = target
                .into_iter()
                .filter(|(kept, _)| *kept != key)
                .collect();
        } else if let Some(slot) = target.get_mut(&key) {
            *slot = reference_merge(slot.take(), value);
        } else {
            target.insert(key, reference_merge(Value::Null, value));
        }
    }
    Value::Object(target)
}

/// `compose(p, q)` as defined in the module docs, or `None` where no merge patch expresses it.
fn compose(first: &Value, second: &Value) -> Option<Value> {
    let Value::Object(second) = second else {
        return Some(second.clone());
    };
    let Value::Object(first) = first else {
        return None;
    };
    let mut composed = first.clone();
    for (key, later) in second {
        let member = match (first.get(key), later) {
            (Some(earlier @ Value::Object(_)), Value::Object(_)) => compose(earlier, later)?,
            (Some(_), Value::Object(_)) => return None,
            _ => later.clone(),
        };
        composed.insert(key.clone(), member);
    }
    Some(Value::Object(composed))
}

fn merged(mut target: Value, patch: Value) -> Value {
    target.apply_json_deep(patch);
    target
}

/// `merged` through `merge_json_ref`; checks that the patch comes out unchanged.
fn merged_ref(mut target: Value, patch: &Value) -> Value {
    let before = patch.to_string();
    merge_json_ref(&mut target, patch);
    assert_eq!(
        patch.to_string(),
        before,
        "merge_json_ref changed its patch"
    );
    target
}

/// Keys from a small set, so that documents and patches share keys often.
fn key() -> impl Strategy<Value = String> {
    prop::sample::select(&["a", "b", "c", "d", "", "é \"k\""][..]).prop_map(str::to_owned)
}

/// Exact numbers of every kind serde_json holds: `u64` (`u64::MAX` included), negative `i64`,
/// and finite `f64`.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u64>().prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        (i64::MIN..0).prop_map(Value::from),
        Just(Value::from(i64::MIN)),
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(Value::Number),
        Just(Value::from(0)),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => number(),
        1 => prop::sample::select(&["", "a", "b c", "\u{0}\\"][..]).prop_map(Value::from),
    ]
}

/// JSON documents up to 4 levels deep and about 40 values, `null` included at every level.
fn document() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            3 => prop::collection::btree_map(key(), inner, 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Mostly objects: what a merge patch usually is.
fn patch() -> impl Strategy<Value = Value> {
    prop_oneof![
        5 => prop::collection::btree_map(key(), document(), 0..5)
            .prop_map(|members| Value::Object(members.into_iter().collect())),
        1 => document(),
    ]
}

fn object_members(value: Value) -> Option<Map<String, Value>> {
    match value {
        Value::Object(members) => Some(members),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The merge equals the reference, as values and as text (so key order too).
    #[test]
    fn agrees_with_the_rfc_7396_reference(target in document(), patch in patch()) {
        let expected = reference_merge(target.clone(), patch.clone());
        let actual = merged(target.clone(), patch.clone());
        prop_assert_eq!(&actual, &expected);
        prop_assert_eq!(actual.to_string(), expected.to_string());

        let borrowed = merged_ref(target.clone(), &patch);
        prop_assert_eq!(&borrowed, &expected);
        prop_assert_eq!(borrowed.to_string(), expected.to_string());

        // An `Option` holds no `null` document: a `null` result is `None`.
        let some = |document: Value| (!document.is_null()).then_some(document);
        let mut optional = Some(target.clone());
        optional.apply_json_deep(Some(patch.clone()));
        prop_assert_eq!(optional, some(expected.clone()));
        let mut absent: Option<Value> = None;
        absent.apply_json_deep(Some(patch.clone()));
        prop_assert_eq!(absent, some(reference_merge(Value::Null, patch.clone())));
    }

    /// The map types that take `json_deep` agree with the reference on object documents.
    #[test]
    fn every_map_type_agrees_with_the_reference(
        target in prop::collection::btree_map(key(), document(), 0..5),
        patch in prop::collection::btree_map(key(), document(), 0..5),
    ) {
        let target: Map<String, Value> = target.into_iter().collect();
        let patch: Map<String, Value> = patch.into_iter().collect();
        let expected = object_members(reference_merge(
            Value::Object(target.clone()),
            Value::Object(patch.clone()),
        ))
        .expect("an object patch gives an object");

        let mut map = target.clone();
        map.apply_json_deep(patch.clone());
        prop_assert_eq!(&map, &expected);

        let mut btree: BTreeMap<String, Value> = target.clone().into_iter().collect();
        btree.apply_json_deep(patch.clone().into_iter().collect());
        prop_assert_eq!(btree, expected.clone().into_iter().collect::<BTreeMap<_, _>>());

        let mut hash: HashMap<String, Value> = target.into_iter().collect();
        hash.apply_json_deep(patch.into_iter().collect());
        prop_assert_eq!(hash, expected.into_iter().collect::<HashMap<_, _>>());
    }

    /// `apply(x, {}) == x`, for objects and everything else.
    #[test]
    fn the_empty_patch_changes_nothing(target in document()) {
        let actual = merged(target.clone(), Value::Object(Map::new()));
        let borrowed = merged_ref(target.clone(), &Value::Object(Map::new()));
        let expected = match target {
            // A non-object target becomes `{}`: the patch applies to an empty object.
            Value::Object(_) => target,
            _ => Value::Object(Map::new()),
        };
        prop_assert_eq!(actual.to_string(), expected.to_string());
        prop_assert_eq!(borrowed.to_string(), expected.to_string());
    }

    /// `apply(apply(x, p), q) == apply(x, compose(p, q))` wherever `compose` is defined.
    #[test]
    fn two_patches_equal_their_composition(
        target in document(),
        first in patch(),
        second in patch(),
    ) {
        let Some(composed) = compose(&first, &second) else {
            return Ok(());
        };
        let borrowed = merged_ref(merged_ref(target.clone(), &first), &second);
        prop_assert_eq!(&borrowed, &merged_ref(target.clone(), &composed));
        let in_turn = merged(merged(target.clone(), first), second);
        prop_assert_eq!(in_turn, merged(target, composed));
    }

    /// `apply(apply(x, p), p) == apply(x, p)`. True of every merge patch (deleting twice is
    /// deleting once), so it is checked with `null`s too, and a patch without them is a case.
    #[test]
    fn a_patch_applied_twice_equals_once(target in document(), patch in patch()) {
        let once = merged(target, patch.clone());
        let twice = merged_ref(once.clone(), &patch);
        prop_assert_eq!(twice.to_string(), once.to_string());
        let twice = merged(once.clone(), patch);
        prop_assert_eq!(twice.to_string(), once.to_string());
    }
}

/// The composition law above runs only where `compose` is defined; this keeps the generators
/// from drifting to where it almost never is.
#[test]
fn composition_is_defined_for_most_generated_patches() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let pair = (patch(), patch());
    let defined = (0..200)
        .filter(|_| {
            let (first, second) = pair.new_tree(&mut runner).expect("generates").current();
            compose(&first, &second).is_some()
        })
        .count();
    assert!(
        defined > 60,
        "compose defined for only {defined} of 200 pairs"
    );
}

#[test]
fn composition_examples() {
    use serde_json::json;
    // Both objects, nested objects compose, a `null` in the second stays a deletion.
    assert_eq!(
        compose(
            &json!({"a": {"x": 1}, "b": 2}),
            &json!({"a": {"y": null}, "c": null})
        ),
        Some(json!({"a": {"x": 1, "y": null}, "b": 2, "c": null}))
    );
    // An object over a deleted or scalar key cannot be expressed.
    assert_eq!(compose(&json!({"a": null}), &json!({"a": {"x": 1}})), None);
    assert_eq!(compose(&json!({"a": 1}), &json!({"a": {"x": 1}})), None);
    assert_eq!(compose(&json!([1]), &json!({"x": 1})), None);
    // A non-object second patch replaces everything.
    assert_eq!(compose(&json!({"a": 1}), &json!([2])), Some(json!([2])));
}

#[derive(DeepMerge, Default, Debug, Clone, PartialEq)]
struct Containerd {
    #[merge(strategy = "json_deep")]
    base_runtime_spec: Option<Value>,
}

#[derive(DeepMerge, Default, Debug, Clone, PartialEq)]
struct Spec {
    containerd: Option<Containerd>,
}

/// A layer that sets `containerd.baseRuntimeSpec` to `document`.
fn layer(document: Value) -> Spec {
    Spec {
        containerd: Some(Containerd {
            base_runtime_spec: Some(document),
        }),
    }
}

/// No `containerd`, an empty one, or one with a document.
fn spec_layer() -> impl Strategy<Value = Spec> {
    prop_oneof![
        1 => Just(Spec::default()),
        1 => Just(Spec { containerd: Some(Containerd::default()) }),
        6 => patch().prop_map(layer),
    ]
}

fn merged_document(layers: Vec<Spec>) -> Option<Value> {
    merge_all(layers)
        .expect("json_deep cannot fail")
        .containerd
        .and_then(|containerd| containerd.base_runtime_spec)
}

/// Whether `value` holds a `null` as itself or as an object member at any depth (items of
/// arrays are values, which RFC 7396 keeps as they are).
fn holds_null_member(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(members) => members.values().any(holds_null_member),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// (a) No `null` survives, wherever a layer lands.
    #[test]
    fn no_null_survives_in_a_merged_document(layers in prop::collection::vec(spec_layer(), 0..5)) {
        let merged = merged_document(layers);
        prop_assert!(!merged.as_ref().is_some_and(holds_null_member), "{:?}", merged);
    }

    /// An absent `containerd` and a present but empty one give the same document.
    #[test]
    fn absent_and_empty_parents_merge_alike(later in prop::collection::vec(spec_layer(), 0..4)) {
        let after = |first: Spec| {
            merged_document(std::iter::once(first).chain(later.iter().cloned()).collect())
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
    ) {
        let mut with_empty = layers.clone();
        with_empty.insert(at.min(layers.len()), Spec::default());
        prop_assert_eq!(merged_document(with_empty), merged_document(layers));
    }

    /// A layer repeated gives what it gives once (RFC 7396 patches are idempotent).
    #[test]
    fn a_repeated_layer_changes_nothing(
        layers in prop::collection::vec(spec_layer(), 0..4),
        repeated in spec_layer(),
    ) {
        let mut once = layers.clone();
        once.push(repeated.clone());
        let mut twice = once.clone();
        twice.push(repeated);
        prop_assert_eq!(merged_document(twice), merged_document(once));
    }
}

/// The library form: the later document `{"rlimits": null, "cwd": "/"}` gives the same
/// final document whether the parent was absent or present, and `merge_all([a])` equals
/// `merge_all([a, a])`.
#[test]
fn a_null_never_survives_whatever_came_before() {
    use serde_json::json;
    let later = layer(json!({"rlimits": null, "cwd": "/"}));
    let expected = Some(json!({"cwd": "/"}));
    assert_eq!(merged_document(vec![later.clone()]), expected);
    assert_eq!(
        merged_document(vec![Spec::default(), later.clone()]),
        expected
    );
    assert_eq!(
        merged_document(vec![layer(json!({"rlimits": [1]})), later.clone()]),
        expected
    );
    assert_eq!(merged_document(vec![later.clone(), later]), expected);
    // A whole-document `null` deletes the document.
    assert_eq!(
        merged_document(vec![layer(json!({"cwd": "/"})), layer(Value::Null)]),
        None
    );
}

/// The other places a document lands where nothing was: a new map key and another enum
/// variant lose their `null` members too.
#[test]
fn nulls_go_at_a_new_key_and_in_another_variant() {
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(DeepMerge, Debug, PartialEq)]
    enum Runtime {
        Runc {
            #[merge(strategy = "json_deep")]
            spec: Value,
        },
        Kata {
            #[merge(strategy = "json_deep")]
            spec: Value,
        },
    }
    impl Default for Runtime {
        fn default() -> Self {
            Runtime::Runc { spec: Value::Null }
        }
    }

    let patch = json!({"rlimits": null, "cwd": "/"});
    let merged: BTreeMap<String, Containerd> = merge_all([
        BTreeMap::new(),
        BTreeMap::from([(
            "runc".to_owned(),
            Containerd {
                base_runtime_spec: Some(patch.clone()),
            },
        )]),
    ])
    .unwrap();
    assert_eq!(merged["runc"].base_runtime_spec, Some(json!({"cwd": "/"})));

    let merged = merge_all([
        Runtime::Runc {
            spec: json!({"a": 1}),
        },
        Runtime::Kata { spec: patch },
    ])
    .unwrap();
    assert_eq!(
        merged,
        Runtime::Kata {
            spec: json!({"cwd": "/"})
        }
    );
}
