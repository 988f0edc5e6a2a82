//! `list_key` beside `merge_patch`, on every document type it takes: the merged patch keeps its
//! deletions and directives.

use nodeconfig_core::{DeepMerge, merge_all};
use serde_json::{Map, Value, json};

#[derive(DeepMerge, Default)]
#[serde(rename_all = "camelCase")]
struct Patches {
    #[merge(
        strategy = "merge_patch",
        list_key(path = "process.rlimits", key = "type"),
        list_key(path = "mounts", key = "destination")
    )]
    base_runtime_spec: Option<Value>,
    #[merge(strategy = "merge_patch", list_key(path = "registerWithTaints", key = "key, effect"))]
    config: Map<String, Value>,
    #[merge(strategy = "merge_patch", list_key(path = "a", key = "k"))]
    value: Value,
    #[merge(strategy = "merge_patch", list_key(path = "a", key = "k"))]
    optional_map: Option<Map<String, Value>>,
}

fn main() {
    let layer = |item| Patches {
        base_runtime_spec: Some(json!({"process": {"rlimits": [item]}})),
        ..Patches::default()
    };
    let merged = merge_all([
        layer(json!({"type": "RLIMIT_CORE", "$patch": "delete"})),
        layer(json!({"type": "RLIMIT_NPROC", "soft": 1})),
    ])
    .unwrap();
    let rlimits = &merged.base_runtime_spec.unwrap()["process"]["rlimits"];
    assert_eq!(rlimits[0]["$patch"], "delete");
    assert_eq!(rlimits[1]["soft"], 1);
}
