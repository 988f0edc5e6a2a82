use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(strategy = "zigzag")]
    flags: Vec<String>,
}

fn main() {}
