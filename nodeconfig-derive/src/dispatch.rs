//! Which trait of the strategy table (`strategy.rs`) a field's merge goes through: read by the
//! per-field code (`field.rs`), the key impls (`keyed.rs`), bounds, tracing and the error stub.

use crate::ast::Field;
use crate::strategy::{DEEP_MERGE, Merge, TraitDef};

/// The core trait a field's merge goes through: `DeepMerge` for a field without a strategy,
/// its strategy's trait (the `list_key` one when the field has `list_key`), or `None` for
/// `skip`, `with` and the strategies that are plain functions.
pub(crate) fn merge_trait(field: &Field) -> Option<&'static TraitDef> {
    let attrs = &field.attrs;
    if attrs.skip.is_some() || attrs.with.is_some() {
        return None;
    }
    let Some(strategy) = &attrs.strategy else {
        return Some(&DEEP_MERGE);
    };
    let def = strategy.value.def();
    match (&def.merge, def.list_key) {
        (_, Some(keyed)) if crate::list_key::applies(field) => Some(keyed),
        (Merge::Trait(merge), _) => Some(merge),
        (Merge::Function { .. }, _) => None,
    }
}
