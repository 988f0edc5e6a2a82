use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(with = "merge flags")]
    flags: Vec<String>,
}

fn main() {}
