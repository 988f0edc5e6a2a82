use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(crate_path = "nodeconfig_core")]
struct Kubelet {
    #[merge(stratgy = "append")]
    flags: Vec<String>,
    #[merge(strategy = "json_merge")]
    config: serde_json::Value,
    #[merge(skip, strategy = "keep")]
    max_pods: u32,
    labels: Vec<String>,
}

// The impl stub emitted beside the errors keeps uses of the type free of follow-on errors.
fn merge_layers(earlier: &mut Kubelet, later: Kubelet) {
    let _ = earlier.deep_merge(later);
}

fn main() {}
