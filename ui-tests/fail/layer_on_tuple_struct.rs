use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(layer = "PairLayer")]
struct Pair(Option<u8>, Option<u8>);

fn main() {}
