use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Containerd {
    base_runtime_spec: serde_json::Value,
}

fn main() {}
