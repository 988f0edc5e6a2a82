use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(strategy = "json_deep")]
    max_pods: u32,
}

fn main() {}
