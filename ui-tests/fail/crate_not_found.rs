use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(crate = "nodeconfig")]
struct Kubelet {
    max_pods: Option<u32>,
    #[merge(strategy = "append")]
    flags: Vec<String>,
}

fn main() {}
