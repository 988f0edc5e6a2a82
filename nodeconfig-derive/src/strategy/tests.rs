//! The strategy table holds together: one entry per strategy, names and synonyms that lead
//! somewhere, and suggestions in the order messages show them.

use super::{Fits, Merge, Strategy, TABLE, fitting, names, synonyms};
use crate::ty::Shape;

#[test]
fn every_strategy_has_one_entry_and_one_name() {
    for (index, def) in TABLE.iter().enumerate() {
        assert_eq!(Strategy::from_name(def.name), Some(def.strategy));
        assert!(std::ptr::eq(def.strategy.def(), def));
        let later = &TABLE[index + 1..];
        assert!(later.iter().all(|other| other.strategy != def.strategy));
        assert!(later.iter().all(|other| other.name != def.name));
    }
    assert_eq!(Strategy::from_name("merge"), None);
}

#[test]
fn synonyms_lead_to_a_strategy_and_are_not_names() {
    let names = names();
    for (word, name) in synonyms() {
        assert!(names.contains(&name));
        assert!(!names.contains(&word), "`{word}` is a strategy's own name");
    }
}

#[test]
fn a_strategy_without_a_trait_fits_anything() {
    // With no trait, no bound would catch a type it cannot merge.
    for def in TABLE {
        if let Merge::Function { .. } = def.merge {
            assert!(matches!(def.fits, Fits::Any), "{}", def.name);
        }
    }
}

#[test]
fn fitting_lists_the_strategies_made_for_a_shape_first() {
    assert_eq!(fitting(Shape::List), ["append", "replace", "keep"]);
    assert_eq!(fitting(Shape::Set), ["union", "replace", "keep"]);
    assert_eq!(
        fitting(Shape::Json),
        ["json_deep", "merge_patch", "replace", "keep"]
    );
    assert_eq!(
        fitting(Shape::Document),
        ["json_deep", "merge_patch", "toml_deep", "replace", "keep"]
    );
    assert_eq!(fitting(Shape::Heap), ["replace", "keep"]);
    assert!(Strategy::Keyed.def().fits(Shape::Unknown));
    assert!(!Strategy::Union.def().fits(Shape::List));
}
