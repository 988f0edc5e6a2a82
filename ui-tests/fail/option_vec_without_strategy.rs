use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    flags: Option<Vec<String>>,
}

fn main() {}
