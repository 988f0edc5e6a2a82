use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(crate = "nodeconfig_core")]
#[merge(crate = "::nodeconfig_core")]
struct Kubelet {
    max_pods: u32,
}

fn main() {}
