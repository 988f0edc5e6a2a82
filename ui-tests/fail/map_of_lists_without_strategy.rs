use nodeconfig_core::DeepMerge;
use std::collections::BTreeMap;

#[derive(DeepMerge)]
struct Kubelet {
    taints: BTreeMap<String, Vec<String>>,
}

fn main() {}
