//! The README's advice for snapshot tests of merged config: a `HashMap` field iterates in a
//! different order each run, so the snapshot sorts maps (insta's `sort_maps`).

use nodeconfig_core::{DeepMerge, merge_all};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

#[derive(DeepMerge, Serialize, Default)]
struct Kubelet {
    labels: HashMap<String, String>,
    #[merge(strategy = "union")]
    taints: BTreeSet<String>,
    max_pods: Option<u32>,
}

fn labels(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

#[test]
fn merged_maps_snapshot_in_key_order() {
    let merged = merge_all([
        Kubelet {
            labels: labels(&[("zone", "a"), ("team", "infra"), ("arch", "arm64")]),
            taints: BTreeSet::from(["gpu".into()]),
            max_pods: Some(110),
        },
        Kubelet {
            labels: labels(&[("zone", "b"), ("pool", "spot")]),
            taints: BTreeSet::from(["spot".into()]),
            max_pods: None,
        },
    ])
    .unwrap();
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_yaml_snapshot!(merged);
    });
}
