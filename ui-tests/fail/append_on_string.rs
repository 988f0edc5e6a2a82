use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(strategy = "append")]
    cluster_dns: String,
}

fn main() {}
