use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(crate = "nodeconfig core")]
struct Kubelet {
    max_pods: u32,
}

fn main() {}
