use nodeconfig_core::DeepMerge;
use std::collections::BTreeMap;

#[derive(DeepMerge)]
struct Kubelet {
    config: BTreeMap<String, serde_json::Value>,
}

fn main() {}
