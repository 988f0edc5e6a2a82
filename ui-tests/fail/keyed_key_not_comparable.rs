use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Weight {
    ratio: f64,
    value: u32,
}

#[derive(DeepMerge)]
struct Weights {
    #[merge(strategy = "keyed", key = "ratio")]
    weights: Vec<Weight>,
}

fn main() {}
