//! Generic structs: bounds are inferred for the fields that merge through `DeepMerge`, or given
//! with `bound = "..."`.

use nodeconfig_core::{DeepMerge, MergeError};
use std::collections::BTreeMap;

#[derive(DeepMerge, Debug, Default, PartialEq)]
struct Layer<T, L> {
    value: Option<T>,
    by_name: BTreeMap<String, T>,
    #[merge(strategy = "append")]
    items: Vec<L>,
    #[merge(strategy = "replace")]
    last: L,
}

#[test]
fn inferred_bounds_let_generic_fields_merge() {
    let mut existing: Layer<u32, &str> = Layer {
        value: Some(1),
        by_name: BTreeMap::from([("a".into(), 1)]),
        items: vec!["x"],
        last: "first",
    };
    existing
        .deep_merge(Layer {
            value: None,
            by_name: BTreeMap::from([("b".into(), 2)]),
            items: vec!["y"],
            last: "second",
        })
        .unwrap();
    assert_eq!(existing.value, Some(1));
    assert_eq!(existing.by_name.len(), 2);
    assert_eq!(existing.items, ["x", "y"]);
    assert_eq!(existing.last, "second");
}

/// A type without `DeepMerge`: `replace` needs no bound, so `Layer<_, NotMergeable>` still works.
#[derive(Debug, Default, PartialEq)]
struct NotMergeable(u8);

#[test]
fn replace_and_append_add_no_deep_merge_bound_on_their_parameter() {
    let mut existing: Layer<u8, NotMergeable> = Layer {
        last: NotMergeable(1),
        ..Layer::default()
    };
    existing
        .deep_merge(Layer {
            last: NotMergeable(2),
            ..Layer::default()
        })
        .unwrap();
    assert_eq!(existing.last, NotMergeable(2));
}

/// A user trait that the merge needs, which inference cannot know about.
trait Budget {
    fn limit(&self) -> u32;
}

impl Budget for u32 {
    fn limit(&self) -> u32 {
        *self
    }
}

fn capped<T: Budget>(existing: &mut T, incoming: T) -> Result<(), MergeError> {
    if incoming.limit() > 100 {
        return Err(MergeError::custom(format!(
            "{} is over the budget of 100",
            incoming.limit()
        )));
    }
    *existing = incoming;
    Ok(())
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(bound = "T: Budget")]
struct Capped<T> {
    #[merge(with = "capped")]
    cost: T,
}

#[test]
fn an_explicit_bound_replaces_the_inferred_ones() {
    let mut existing = Capped { cost: 10_u32 };
    existing.deep_merge(Capped { cost: 20 }).unwrap();
    assert_eq!(existing.cost, 20);
    let error = existing.deep_merge(Capped { cost: 200 }).unwrap_err();
    assert_eq!(error.to_string(), "cost: 200 is over the budget of 100");
    assert_eq!(existing.cost, 20);
}

#[derive(DeepMerge, Debug, PartialEq, Default)]
struct Tuple(Option<u8>, #[merge(strategy = "append")] Vec<u8>);

#[derive(DeepMerge, Debug, PartialEq, Default)]
struct Unit;

#[test]
fn tuple_and_unit_structs_merge() {
    let mut pair = Tuple(Some(1), vec![1]);
    pair.deep_merge(Tuple(None, vec![2])).unwrap();
    assert_eq!(pair, Tuple(Some(1), vec![1, 2]));
    let mut unit = Unit;
    unit.deep_merge(Unit).unwrap();
    assert_eq!(unit, Unit);
}
