use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    flags: Vec<String>,
}

fn main() {}
