use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(bound = "T DeepMerge")]
struct Layer<T> {
    value: T,
}

fn main() {}
