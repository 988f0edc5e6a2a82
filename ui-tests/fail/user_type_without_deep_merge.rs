use nodeconfig_core::DeepMerge;

struct Taint {
    key: String,
}

#[derive(DeepMerge)]
struct Kubelet {
    taint: Taint,
}

fn main() {}
