use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Containerd {
    #[merge(strategy = "json_merge")]
    base_runtime_spec: serde_json::Value,
}

fn main() {}
