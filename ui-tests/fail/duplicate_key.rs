use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(strategy = "append", strategy = "replace")]
    flags: Vec<String>,
}

fn main() {}
