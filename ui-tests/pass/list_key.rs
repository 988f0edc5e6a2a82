//! `list_key` on every document type it takes, repeated, with compound keys.

use nodeconfig_core::{DeepMerge, merge_all};
use serde_json::{Map, Value, json};

#[derive(DeepMerge, Default)]
#[serde(rename_all = "camelCase")]
struct Containerd {
    #[merge(
        strategy = "json_deep",
        list_key(path = "process.rlimits", key = "type"),
        list_key(path = "mounts", key = "destination")
    )]
    base_runtime_spec: Option<Value>,
    #[merge(strategy = "json_deep", list_key(path = "registerWithTaints", key = "key, effect"))]
    config: Map<String, Value>,
    #[merge(strategy = "json_deep", list_key(path = "a", key = "k"))]
    value: Value,
    #[merge(strategy = "json_deep", list_key(path = "a", key = "k"))]
    optional_map: Option<Map<String, Value>>,
}

fn main() {
    let layer = |soft| Containerd {
        base_runtime_spec: Some(json!({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "soft": soft}]}})),
        ..Containerd::default()
    };
    let merged = merge_all([layer(1), layer(2)]).unwrap();
    assert_eq!(merged.base_runtime_spec.unwrap()["process"]["rlimits"][0]["soft"], 2);
}
