use nodeconfig_core::DeepMerge;
use std::collections::BTreeSet;

#[derive(DeepMerge)]
struct Node {
    tags: BTreeSet<String>,
}

fn main() {}
