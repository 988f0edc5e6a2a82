use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(strategy)]
    flags: Vec<String>,
}

fn main() {}
