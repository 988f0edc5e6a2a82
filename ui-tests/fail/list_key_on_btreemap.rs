use nodeconfig_core::DeepMerge;

type Document = std::collections::BTreeMap<String, serde_json::Value>;

#[derive(DeepMerge)]
struct Containerd {
    #[merge(strategy = "json_deep", list_key(path = "mounts", key = "destination"))]
    spec: Document,
}

fn main() {}
