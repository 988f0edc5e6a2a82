use nodeconfig_core::DeepMerge;

type Names = String;

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(strategy = "append")]
    cluster_dns: Names,
}

fn main() {}
