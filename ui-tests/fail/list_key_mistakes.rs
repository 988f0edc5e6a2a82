use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Containerd {
    #[merge(strategy = "replace", list_key(path = "mounts", key = "destination"))]
    replaced: Option<serde_json::Value>,
    #[merge(
        strategy = "json_deep",
        list_key(path = "mounts", key = "destination"),
        list_key(path = "mounts", key = "source")
    )]
    twice: Option<serde_json::Value>,
    #[merge(strategy = "json_deep", list_key(path = "process..rlimits", key = "type"))]
    bad_path: Option<serde_json::Value>,
    #[merge(strategy = "json_deep", list_key(path = "mounts", key = "a,,b"))]
    bad_key: Option<serde_json::Value>,
    #[merge(strategy = "json_deep", list_key(path = "mounts"))]
    no_key: Option<serde_json::Value>,
    #[merge(strategy = "json_deep", list_key(path = "mounts", key = "a", by = "b"))]
    unknown: Option<serde_json::Value>,
}

fn main() {}
