use nodeconfig_core::DeepMerge;

type Flags = Vec<String>;

#[derive(DeepMerge)]
struct Kubelet {
    flags: Flags,
}

fn main() {}
