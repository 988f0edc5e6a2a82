//! `bound = "..."` replaces the inferred where-clause.

use nodeconfig_core::DeepMerge;
use std::marker::PhantomData;

trait Schema {
    type Value: DeepMerge;
}

struct Numbers;

impl Schema for Numbers {
    type Value = u64;
}

// Inference would ask for `S::Value: DeepMerge` (and `PhantomData<S>: DeepMerge` if it were
// default-merged); the explicit bound says exactly what is needed.
#[derive(DeepMerge)]
#[merge(bound = "S: Schema")]
struct Layer<S: Schema> {
    value: S::Value,
    #[merge(skip)]
    schema: PhantomData<S>,
}

fn main() {
    let mut earlier = Layer::<Numbers> {
        value: 1,
        schema: PhantomData,
    };
    earlier
        .deep_merge(Layer {
            value: 2,
            schema: PhantomData,
        })
        .unwrap();
    assert_eq!(earlier.value, 2);
}
