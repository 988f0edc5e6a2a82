use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(stratgy = "append")]
    flags: Vec<String>,
}

fn main() {}
