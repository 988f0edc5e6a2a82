use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(bounds = "T: Clone")]
struct Kubelet {
    max_pods: u32,
}

fn main() {}
